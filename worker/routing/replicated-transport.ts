// Phase two's wire when replication is on (or a batch holds WAIT/ROLE): batches go to the primary the
// topology names, with its epoch (a replaced primary refuses them unrun, and they go again after a
// refresh); a failed call is reported to the coordinator; read-only batches may go to a replica, which
// answers only once it holds the request's sync-token position.
import { REPLICATION_COMMANDS } from "../../shards/commands";
import type { ReplicationMode } from "../../shards/replication/messages";
import { readOnlyCommand } from "../../shards/replication/reads";
import type { SyncPositions } from "../sync-token";
import { batchBuffer, ReplyError } from "../wire/resp";
import { argText, type Command, resolveCommand } from "./command";
import { isMoved } from "./moved";
import type { TopologyClient } from "./topology";
import type { Route } from "../../shards/slots/route";
import { decodeShardReplies, durableObjectTransport, type ShardTransport } from "./transport";

export interface ReplicationSettings {
  readonly replicas: number;
  readonly mode: ReplicationMode;
  /** Read-only batches go to a replica (the `upstash-read-from: replica` header). */
  readonly readFromReplica: boolean;
  /** The request's sync-token positions; read by replicas, WAIT. */
  readonly seen: SyncPositions;
  /** Filled with the offsets this request's batches reached, for the response's sync token. */
  readonly reached: SyncPositions;
  /** How long a primary may take to answer before the call counts as failed. */
  readonly callTimeoutMs: number;
}

/** Stale answers (a failover under way, or this isolate's topology behind) tolerated per batch. */
const STALE_RETRIES = 4;

export function replicatedTransport(namespace: Env["SHARD"], settings: ReplicationSettings, topology: TopologyClient): ShardTransport {
  const plain = durableObjectTransport(namespace, (shard) => topology.route(shard), (version) => topology.movedTo(version));
  // Only WAIT and ROLE need the replicated entry when there are no replicas; both names have 4 bytes.
  const holdsReplicationCommand = (commands: readonly Command[]) =>
    commands.some((command) => command[0]!.length === 4 && REPLICATION_COMMANDS.has(argText(command[0]!).toLowerCase()));
  const readOnly = (command: Command) => {
    const spec = resolveCommand(command);
    return !(spec instanceof ReplyError) && readOnlyCommand(spec.name);
  };
  const executeRaw = async (shard: number, commands: readonly Command[], planned?: Route): Promise<Uint8Array> => {
    if (settings.replicas === 0 && !holdsReplicationCommand(commands)) return plain.executeRaw(shard, commands, planned);
    // The map the commands were planned by, not a newer one another request fetched since: a shard
    // that changed after it must see the batch as behind, and check its keys.
    const route = planned ?? topology.route(shard);
    const batch = batchBuffer(commands);
    const position = settings.seen.get(shard);
    const reads = commands.every(readOnly);
    for (let attempt = 0; ; attempt++) {
      // Without replicas nothing fails over: the shard's own object leads at epoch 0.
      const group = settings.replicas === 0 ? { primary: `shard-${shard}`, replicas: [], epoch: 0 } : await topology.group(shard);
      if (settings.readFromReplica && reads && group.replicas.length > 0) {
        const name = group.replicas[Math.floor(Math.random() * group.replicas.length)]!;
        // A replica that is behind, or failing, leaves the read to the primary.
        // A replica behind on its slots (MOVED) answers null too.
        const answer = await namespace.get(namespace.idFromName(name)).readReplica(batch, position ?? 0, route).catch(() => null);
        if (answer !== null) return new Uint8Array(answer);
      }
      const stub = namespace.get(namespace.idFromName(group.primary));
      const options = { shard, epoch: group.epoch, replicas: group.replicas, mode: settings.mode, position };
      let answer: { replies: ArrayBuffer; offset: number } | { stale: number } | { moved: number };
      try {
        answer = await deadline<typeof answer>(stub.executeReplicated(batch, route, options), settings.callTimeoutMs);
      } catch (error) {
        if (settings.replicas === 0) throw error;
        const after = await topology.reportFailure(shard, group, (error as Error).message).catch(() => null);
        // A read changes nothing, so it may run again where the coordinator now points; a write may
        // have run before the failure, so its outcome stays unknown to the caller, as on any timeout.
        if (reads && after && after.groups[shard]!.epoch !== group.epoch && attempt < STALE_RETRIES) continue;
        throw error;
      }
      // Refused unrun: some key's slot moved; the request plans the batch again on the new map.
      if (isMoved(answer)) throw await topology.movedTo(answer.moved);
      if ("stale" in answer) {
        // Refused unrun: the batch is safe to send again once the topology is current.
        if (attempt >= STALE_RETRIES) throw new Error(`TRYAGAIN shard ${shard} is changing primary; try again`);
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
        const current = await topology.refresh();
        // The coordinator still names a primary that no longer leads: that is a failure to report.
        if (current.groups[shard]!.epoch === group.epoch && settings.replicas > 0) {
          await topology.reportFailure(shard, group, `${group.primary} answers epoch ${answer.stale}, not ${group.epoch}`).catch(() => null);
        }
        continue;
      }
      if (answer.offset > (settings.reached.get(shard) ?? 0)) settings.reached.set(shard, answer.offset);
      return new Uint8Array(answer.replies);
    }
  };
  return {
    executeRaw,
    execute: async (shard, commands, route) => decodeShardReplies(shard, await executeRaw(shard, commands, route), commands.length),
  };
}

/** `call`'s answer, or a rejection once `ms` have passed without one. */
async function deadline<T>(call: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms)));
  try {
    return await Promise.race([call, late]);
  } finally {
    clearTimeout(timer);
  }
}
