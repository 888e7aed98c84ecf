// What a shard does as a participant: which keys a batch touches (to wait on locks), a key's state
// as the transaction fetches it, and the batch that installs a transaction's writes.
import { isWrite } from "../commands";
import { resolveCommand } from "../../worker/routing/command";
import { keyIndices } from "../../worker/routing/keys";
import { decodeReplies, encodeCommands } from "../../worker/wire/resp";
import { ALL_KEYS, type KeySet } from "./locks";

/**
 * The keys a RESP batch names. A keyspace-wide write (FLUSHALL) names them all, and so does a script:
 * it may touch keys it did not declare, which a transaction may hold.
 */
export function batchKeys(batch: Uint8Array): KeySet {
  const keys: Uint8Array[] = [];
  for (const command of decodeReplies(batch) as Uint8Array[][]) {
    const spec = resolveCommand(command);
    if (!("split" in spec)) continue;
    if ((spec.split.kind === "fanout" && isWrite(spec)) || (spec.group === "scripting" && spec.keys.kind === "numkeys")) return ALL_KEYS;
    for (const at of keyIndices(spec.keys, command)) keys.push(command[at]!);
  }
  return keys;
}

/** Reads each key's state: its DUMP payload (nil when absent) and PEXPIRETIME, two replies per key. */
export function stateQuery(keys: readonly Uint8Array[]): Uint8Array {
  return encodeCommands(keys.flatMap((key) => [[DUMP, key], [PEXPIRETIME, key]]));
}

/** A key's state as a transaction sees it: absent, or a payload and an absolute expiry (0: none). */
export type KeyState = { readonly payload: Uint8Array; readonly expireAt: number } | null;

export function readStates(replies: unknown[]): KeyState[] {
  const states: KeyState[] = [];
  for (let i = 0; i < replies.length; i += 2) {
    const payload = replies[i];
    const expireAt = replies[i + 1];
    states.push(payload instanceof Uint8Array ? { payload, expireAt: typeof expireAt === "number" && expireAt > 0 ? expireAt : 0 } : null);
  }
  return states;
}

/** The commands that give `key` the state `state`: RESTORE … REPLACE ABSTTL, or DEL. */
export function installCommand(key: Uint8Array, state: KeyState): Uint8Array[] {
  if (state === null) return [DEL, key];
  return [RESTORE, key, text(String(state.expireAt)), state.payload, REPLACE, ABSTTL];
}

const text = (s: string) => new TextEncoder().encode(s);
const DUMP = text("DUMP");
const PEXPIRETIME = text("PEXPIRETIME");
const DEL = text("DEL");
const RESTORE = text("RESTORE");
const REPLACE = text("REPLACE");
const ABSTTL = text("ABSTTL");
