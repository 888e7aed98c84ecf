// Requests whose keys span shards: which keys each participant locks, and how a pipeline keeps its
// order around a command that runs through the cross-shard protocol (shards/transactions).
import { keyId } from "../wire/bytes";
import { type Reply, ReplyError } from "../wire/resp";
import { argText, type Command, resolveCommand } from "./command";
import { keyIndices } from "./keys";
import { ownerOfSlot, type PlanOptions } from "./plan";

/** Every key the commands name, grouped by owning shard (each key once). Commands that reach every
 * shard or no fixed key (FLUSHALL, SCAN, CLUSTER …) cannot join such a transaction. */
export function transactionKeys(commands: readonly Command[], options: PlanOptions): Map<number, Uint8Array[]> | ReplyError {
  const byShard = new Map<number, Uint8Array[]>();
  const seen = new Set<string>();
  for (const command of commands) {
    const spec = resolveCommand(command);
    if (spec instanceof ReplyError) return spec;
    if (spec.split.kind !== "single" && spec.split.kind !== "perKey") {
      return new ReplyError(`ERR '${argText(command[0]!).toLowerCase()}' cannot run in a transaction whose keys span shards`);
    }
    for (const at of keyIndices(spec.keys, command)) {
      const key = command[at]!;
      const id = keyId(key);
      if (seen.has(id)) continue;
      seen.add(id);
      const shard = ownerOfSlot(options.keySlot(key), options);
      let keys = byShard.get(shard);
      if (!keys) byShard.set(shard, (keys = []));
      keys.push(key);
    }
  }
  return byShard;
}

/**
 * A pipeline holding cross-shard commands runs in segments: the commands before one, then it alone,
 * then the rest, so every command sees the writes of those before it (as on one Redis).
 */
export async function inSegments(
  commands: readonly Command[],
  isCross: readonly boolean[],
  runPlain: (commands: readonly Command[]) => Promise<Reply[]>,
  runCross: (command: Command, index: number) => Promise<Reply>,
): Promise<Reply[]> {
  const replies: Reply[] = [];
  let start = 0;
  for (let i = 0; i <= commands.length; i++) {
    if (i < commands.length && !isCross[i]) continue;
    if (i > start) replies.push(...(await runPlain(commands.slice(start, i))));
    if (i < commands.length) replies.push(await runCross(commands[i]!, i));
    start = i + 1;
  }
  return replies;
}
