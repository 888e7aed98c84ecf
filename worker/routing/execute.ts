// The one code path below the transports: the HTTP routes and the RPC entrypoints both hand their
// parsed commands and the caller's access level here, and render the replies their own way.
import { isWrite } from "../../shards/commands";
import type { Access } from "../auth";
import { readConfig, type GatewayConfig } from "../config";
import { TopologyClient } from "./topology";
import { slotMapOf } from "./slot-map";
import { MovedError } from "./moved";
import { type Reply, ReplyError } from "../wire/resp";
import { type Command, resolveCommand } from "./command";
import { keySlot } from "./key-slot";
import { plan } from "./plan";
import { transactionKeys } from "./cross-shard";
import type { TxTransport } from "../../shards/transactions/coordinator";
import { mapReduceWrites } from "../../shards/compute/options";
import { acrossShards, failedReplies, isPlain, runCommands, runPlainPlan, runPlan, type RunContext, type ShardRespReplies } from "./run";
import { transactionTransport } from "./transport";
import { replicatedTransport } from "./replicated-transport";
import { tokenPositions, type SyncPositions } from "../sync-token";

export const EXECABORT = "EXECABORT Transaction discarded because of previous errors.";

/** Who is calling and from where: `port` is what CLUSTER SLOTS/SHARDS report (0 over a binding,
 * which has no address). */
export interface Caller {
  readonly access: Access;
  readonly port: number;
  /** Test hook: where a cross-shard transaction's coordinator stops (honoured only with EDGESLOT_TEST_FAULTS). */
  readonly fault?: string;
  /** `replica`: read-only batches may be served by a replica (`upstash-read-from: replica`). */
  readonly readFrom?: "primary" | "replica";
  /** The request's `upstash-sync-token`: replicas serve it only once they hold its positions. */
  readonly syncToken?: string | null;
}

/** The run context for one request, routed by the gateway's cached slot map (fetched from the
 * coordinator on an isolate's first request, and again whenever a shard answers MOVED). */
export async function executionContext(env: Env, caller: Caller): Promise<RunContext & { readonly reached: SyncPositions }> {
  const config = readConfig(env);
  const reached: SyncPositions = new Map();
  const replication = {
    replicas: config.replicas,
    mode: config.replication,
    readFromReplica: caller.readFrom === "replica",
    seen: tokenPositions(caller.syncToken),
    reached,
    callTimeoutMs: config.callTimeoutMs,
  };
  const topology = topologyClient(env, config);
  const transport = replicatedTransport(env.SHARD, replication, topology);
  const fault = env.EDGESLOT_TEST_FAULTS === "1" ? caller.fault : undefined;
  const routed = async (): Promise<RunContext & { readonly reached: SyncPositions }> => {
    const slotMap = slotMapOf(await topology.current());
    return {
      reached,
      shards: slotMap.groups,
      slotMap,
      maxKeyBytes: config.maxKeyBytes,
      readonly: caller.access === "readonly",
      keySlot,
      transport,
      // Participants are pinned per attempt: a transaction's lock and apply meet one object.
      transactions: recordingOffsets(transactionTransport(env.SHARD, env.TX_DECISION, fault, topology, slotMap), config.replicas > 0 ? reached : null),
      local: { shards: slotMap.groups, replicas: config.replicas, ip: "127.0.0.1", port: caller.port, keySlot, cluster: topology, scaling: topology },
      current: routed,
    };
  };
  return routed();
}

/** The coordinator's topology as this gateway knows it, with the settings every coordinator call carries. */
export function topologyClient(env: Env, config: GatewayConfig): TopologyClient {
  return new TopologyClient(env.COORDINATOR, {
    shards: config.shards,
    replicas: config.replicas,
    mode: config.replication,
    failAfter: config.failoverAfter,
    probeMs: config.probeMs,
    maxShards: config.maxShards,
    ...(config.autoSplit ? { autoSplit: config.autoSplit } : {}),
  });
}

/** With replicas, a cross-shard transaction's participants report the offsets their writes reached,
 * so the sync token names them as it does a batch's. */
function recordingOffsets(transactions: TxTransport, reached: SyncPositions | null): TxTransport {
  if (!reached) return transactions;
  return {
    fault: transactions.fault,
    decision: (tx) => transactions.decision(tx),
    participant(shard) {
      const participant = transactions.participant(shard);
      return {
        txLock: (tx, owner, keys, sha, wait) => participant.txLock(tx, owner, keys, sha, wait),
        txRelease: (tx) => participant.txRelease(tx),
        async txApply(tx, writes) {
          const offset = await participant.txApply(tx, writes);
          if (writes && typeof offset === "number" && offset > (reached.get(shard) ?? 0)) reached.set(shard, offset);
          return offset;
        },
      };
    },
  };
}

/** One command or a pipeline: one reply per command, in request order, errors as values. */
export function executeCommands(commands: readonly Command[], context: RunContext): Promise<Reply[]> {
  return runCommands(commands, context);
}

/**
 * `executeCommands` for a caller that can read RESP: when every command is one shard's alone (no
 * split, fan-out, local or cross-shard command), the shards' replies come back as they were sent.
 */
export function executeToResp(commands: readonly Command[], context: RunContext): Promise<ShardRespReplies | Reply[]> {
  const planned = plan(commands, context);
  return isPlain(planned) ? runPlainPlan(planned, context) : runCommands(commands, context, 0, planned);
}

/** A transaction: one batch on one shard (the core executes a batch atomically), or the cross-shard
 * protocol when its keys span shards. Queue-time errors discard it (EXECABORT). A discarded
 * transaction is one error, not a reply per command. */
export async function executeTransaction(commands: readonly Command[], context: RunContext): Promise<Reply[] | ReplyError> {
  const planned = plan(commands, context);
  if (planned.steps.some((step) => step.kind === "error" && step.queued)) return new ReplyError(EXECABORT);
  const spans = planned.keyedShards.size > 1 || planned.steps.some((step) => step.kind === "cross");
  if (spans) {
    const keys = transactionKeys(commands, context);
    return keys instanceof ReplyError ? keys : acrossShards(commands, context);
  }
  // The plan puts keyless commands (PING, TIME) on the one keyed shard, so the batch is one shard's:
  // refused unrun when its slots moved, it runs again whole on the new map (maybe across shards now).
  const shard = planned.batches.findIndex((batch) => batch.length > 0);
  if (shard < 0 || !context.current) return runPlan(planned, context);
  try {
    const replies = await context.transport.execute(shard, planned.batches[shard]!, context.slotMap?.route(shard));
    return runPlan(planned, { ...context, transport: { execute: async () => replies } });
  } catch (error) {
    if (error instanceof MovedError) return executeTransaction(commands, await context.current());
    const failed = failedReplies(shard, planned.batches[shard]!.length, error);
    return runPlan(planned, { ...context, transport: { execute: async () => failed } });
  }
}

/** Whether the request holds a command the table flags as a write that this caller may run. */
export function writesAny(commands: readonly Command[], access: Access): boolean {
  if (access !== "full") return false;
  return commands.some((command) => {
    const spec = resolveCommand(command);
    if (spec instanceof ReplyError) return false;
    if (spec.split.kind === "compute") return mapReduceWrites(command);
    return isWrite(spec);
  });
}
