// Which keys a script's redis.call may touch: keys of slots this shard owns (Redis Cluster's rule for
// scripts), and with Upstash's `allow-key-locking` only the keys the script declared.
import type { CommandSpec } from "../commands";
import { keySlot } from "../../worker/routing/key-slot";
import { keyIndices } from "../../worker/routing/keys";
import { keyId } from "../../worker/wire/bytes";
import { ReplyError } from "../../worker/wire/resp";
import { inRanges, type SlotRanges } from "../coordinator/slots";

/** The slots a shard serves: its stored ownership, or the gateway's route (shards/slots/). */
export type { SlotRanges as SlotRange } from "../coordinator/slots";

const utf8 = new TextDecoder();

/** A script run's key rules: its declared keys and the owning shard's slots (absent: every slot). */
export class ScriptKeys {
  private readonly declared: ReadonlySet<string> | null;

  constructor(
    keys: readonly Uint8Array[],
    lockKeys: boolean,
    private readonly owned: SlotRanges | undefined,
  ) {
    this.declared = lockKeys ? new Set(keys.map(keyId)) : null;
  }

  /** The error for the first key of `args` the script may not touch, or null. */
  check(spec: CommandSpec, args: readonly Uint8Array[]): ReplyError | null {
    if (this.declared === null && this.owned === undefined) return null;
    for (const at of keyIndices(spec.keys, args)) {
      const key = args[at]!;
      if (this.declared !== null && !this.declared.has(keyId(key))) {
        return new ReplyError(`ERR Dynamic keys are not allowed in Lua scripts when 'allow-key-locking' flag is set. Key was: ${utf8.decode(key)}`);
      }
      if (this.owned !== undefined) {
        const slot = keySlot(key);
        if (!inRanges(this.owned, slot)) return new ReplyError("ERR Script attempted to access a non local key in a cluster node");
      }
    }
    return null;
  }
}
