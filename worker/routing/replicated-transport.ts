// Phase two's wire when replication is on (or a batch holds WAIT/ROLE): batches go to the primary's
// replicated entry, which reports the log offset each shard reached (for the sync token); read-only
// batches may go to a replica, which answers only once it holds the request's sync-token position.
import { REPLICATION_COMMANDS } from "../../shards/commands";
import type { ReplicationMode } from "../../shards/replication/messages";
import { readOnlyCommand } from "../../shards/replication/reads";
import type { SyncPositions } from "../sync-token";
import { type Reply, ReplyError, ReplyReader, encodeCommands } from "../wire/resp";
import { argText, type Command, resolveCommand } from "./command";
import { shardRange } from "./slot-map";
import { durableObjectTransport, type ShardTransport } from "./transport";

export interface ReplicationSettings {
  readonly replicas: number;
  readonly mode: ReplicationMode;
  /** Read-only batches go to a replica (the `upstash-read-from: replica` header). */
  readonly readFromReplica: boolean;
  /** The request's sync-token positions; read by replicas, WAIT. */
  readonly seen: SyncPositions;
  /** Filled with the offsets this request's batches reached, for the response's sync token. */
  readonly reached: SyncPositions;
}

export function replicatedTransport(namespace: Env["SHARD"], shards: number, settings: ReplicationSettings): ShardTransport {
  const plain = durableObjectTransport(namespace, shards);
  // Only WAIT and ROLE need the replicated entry when there are no replicas; both names have 4 bytes.
  const holdsReplicationCommand = (commands: readonly Command[]) =>
    commands.some((command) => command[0]!.length === 4 && REPLICATION_COMMANDS.has(argText(command[0]!).toLowerCase()));
  const readOnly = (command: Command) => {
    const spec = resolveCommand(command);
    return !(spec instanceof ReplyError) && readOnlyCommand(spec.name);
  };
  return {
    async execute(shard, commands) {
      if (settings.replicas === 0 && !holdsReplicationCommand(commands)) return plain.execute(shard, commands);
      const batch = encodeCommands(commands).buffer as ArrayBuffer;
      const position = settings.seen.get(shard);
      if (settings.readFromReplica && settings.replicas > 0 && commands.every(readOnly)) {
        const j = Math.floor(Math.random() * settings.replicas);
        const replica = namespace.get(namespace.idFromName(`shard-${shard}-replica-${j}`));
        // A replica that is behind, or failing, leaves the read to the primary.
        const answer = await replica.readReplica(batch, position ?? 0).catch(() => null);
        if (answer !== null) return replies(shard, answer, commands.length);
      }
      const [first, last] = shardRange(shard, shards);
      const stub = namespace.get(namespace.idFromName(`shard-${shard}`));
      const answer = await stub.executeReplicated(batch, { first, last }, { shard, replicas: settings.replicas, mode: settings.mode, position });
      if (answer.offset > (settings.reached.get(shard) ?? 0)) settings.reached.set(shard, answer.offset);
      return replies(shard, answer.replies, commands.length);
    },
  };
}

function replies(shard: number, out: ArrayBuffer, expected: number): Reply[] {
  const reader = new ReplyReader(new Uint8Array(out));
  const replies: Reply[] = [];
  while (!reader.done) replies.push(reader.next());
  if (replies.length !== expected) throw new Error(`shard ${shard} answered ${replies.length} replies to ${expected} commands`);
  return replies;
}
