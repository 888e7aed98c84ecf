// The three phases together: plan, every shard's batch in parallel, merge in request order. A batch
// a shard refused because slots moved (MOVED) is planned again on the new slot map.
import { type Reply, ReplyError } from "../wire/resp";
import { infoClusterSection, runLocal, type LocalContext } from "../local";
import type { Command } from "./command";
import { mergeStep } from "./merge";
import { ownerOfSlot, plan, type Plan, type PlanOptions } from "./plan";
import { decodeShardReplies, type ShardTransport } from "./transport";
import { runAcrossShards, type TxTransport } from "../../shards/transactions/coordinator";
import { inSegments, transactionKeys } from "./cross-shard";
import { runMapReduce } from "../../shards/compute/coordinator";
import { MovedError } from "./moved";

export interface RunContext extends PlanOptions {
  readonly transport: ShardTransport;
  readonly transactions: TxTransport;
  readonly local: LocalContext;
  /** The context routed by the current slot map (after a MOVED the transport has refreshed it). */
  readonly current?: () => Promise<RunContext>;
}

/** How many times one request follows MOVED before giving up (each waits for a newer slot map). */
const MOVED_RETRIES = 20;

/** Executes a planned request; shards with an empty batch are not contacted. A shard that fails
 * answers an error for each of its commands while the other shards' replies (and writes) stand, so a
 * pipeline reports exactly which commands may not have run. */
export async function runPlan(planned: Plan, context: RunContext, depth = 0): Promise<Reply[]> {
  const pinned = pinnedParts(planned);
  const replies = await Promise.all(planned.batches.map((batch, shard) => (batch.length === 0 ? [] : runShard(batch, shard, pinned[shard]!, context, depth))));
  return mergeReplies(planned, replies, context);
}

/** One shard's batch: its replies, or the replan's after MOVED, or an error per command when the shard failed. */
async function runShard(batch: readonly Command[], shard: number, pinned: ReadonlySet<number>, context: RunContext, depth: number, raw?: false): Promise<Reply[]>;
async function runShard(batch: readonly Command[], shard: number, pinned: ReadonlySet<number>, context: RunContext, depth: number, raw: true): Promise<Reply[] | Uint8Array>;
async function runShard(batch: readonly Command[], shard: number, pinned: ReadonlySet<number>, context: RunContext, depth: number, raw = false): Promise<Reply[] | Uint8Array> {
  const route = context.slotMap?.route(shard);
  try {
    return raw && context.transport.executeRaw ? await context.transport.executeRaw(shard, batch, route) : await context.transport.execute(shard, batch, route);
  } catch (error) {
    if (error instanceof MovedError && context.current && depth < MOVED_RETRIES) {
      return replan(batch, shard, pinned, await context.current(), depth + 1);
    }
    return failedReplies(shard, batch.length, error);
  }
}

/** What each of a failed shard's commands answers. */
export function failedReplies(shard: number, count: number, error: unknown): ReplyError[] {
  const failed = new ReplyError(`ERR shard ${shard} failed: ${error instanceof Error ? error.message : String(error)}`);
  return Array.from({ length: count }, () => failed);
}

/** A plan whose every step is one shard's reply as it came: nothing to merge, so its replies may be
 * read straight from the shards' RESP. */
export function isPlain(planned: Plan): boolean {
  return planned.steps.every((step) => step.kind === "one");
}

/** A plain plan's replies as the shards sent them: each shard's RESP (empty for a shard not
 * contacted), the commands each was sent, and per request command the index of its reply counting
 * through the shards' replies in shard order (what transcode.wasm's renderer reads). */
export interface ShardRespReplies {
  readonly shards: readonly Uint8Array[];
  readonly counts: readonly number[];
  readonly order: Uint32Array;
}

/**
 * Runs a plain plan (`isPlain`), answering the shards' RESP untouched when every shard answered its
 * batch itself; when one was refused with MOVED (planned again) or failed, every reply as a value.
 */
export async function runPlainPlan(planned: Plan, context: RunContext): Promise<ShardRespReplies | Reply[]> {
  const none = new Set<number>();
  const answers = await Promise.all(
    planned.batches.map((batch, shard) => (batch.length === 0 ? new Uint8Array(0) : runShard(batch, shard, none, context, 0, true))),
  );
  const counts = planned.batches.map((batch) => batch.length);
  if (answers.every((answer) => answer instanceof Uint8Array)) {
    const first = counts.map((_, shard) => counts.slice(0, shard).reduce((sum, count) => sum + count, 0));
    const order = new Uint32Array(planned.steps.length);
    planned.steps.forEach((step, i) => {
      const { part } = step as Extract<typeof step, { kind: "one" }>;
      order[i] = first[part.shard]! + part.index;
    });
    return { shards: answers as Uint8Array[], counts, order };
  }
  const replies = answers.map((answer, shard) => (answer instanceof Uint8Array ? decodeOrFailed(shard, answer, counts[shard]!) : answer));
  return mergeReplies(planned, replies, context);
}

/** Every reply of `runPlainPlan`'s RESP answer as a value, in request order. */
export function repliesInOrder(answer: ShardRespReplies): Reply[] {
  const flat = answer.shards.flatMap((out, shard) => decodeOrFailed(shard, out, answer.counts[shard]!));
  return Array.from(answer.order, (index) => flat[index]!);
}

function decodeOrFailed(shard: number, out: Uint8Array, count: number): Reply[] {
  try {
    return decodeShardReplies(shard, out, count);
  } catch (error) {
    return failedReplies(shard, count, error);
  }
}

/** Phase three: each step's reply from the shards' replies, in request order. */
function mergeReplies(planned: Plan, replies: readonly (readonly Reply[])[], context: RunContext): Promise<Reply[]> {
  return Promise.all(planned.steps.map(async (step) => {
    if (step.kind === "error") return step.error;
    if (step.kind === "local") return runLocal(step.name, step.command, context.local);
    if (step.kind === "cross") throw new Error("a cross-shard step reached runPlan; runCommands runs it alone");
    // Only a transaction gets here with MAPREDUCE (runCommands runs it alone).
    if (step.kind === "compute") return new ReplyError("ERR MAPREDUCE is not allowed in a transaction");
    // Every part of a fan-out carries the same command: the first one's batch entry is the INFO asked.
    const infoCluster = step.kind === "fanout" && step.merge === "info" ? await infoClusterSection(planned.batches[step.parts[0]!.shard]![step.parts[0]!.index]!, context.local) : undefined;
    return mergeStep(step, replies, context.shards, infoCluster);
  }));
}

/** Per batch, the positions addressed to that shard whatever owns which slot: fan-out and SCAN parts. */
function pinnedParts(planned: Plan): Set<number>[] {
  const pinned = planned.batches.map(() => new Set<number>());
  for (const step of planned.steps) {
    if (step.kind === "fanout") for (const part of step.parts) pinned[part.shard]!.add(part.index);
    if (step.kind === "scan") pinned[step.part.shard]!.add(step.part.index);
  }
  return pinned;
}

/**
 * A batch refused unrun because some of its keys' slots moved: its keyed commands are planned again
 * on the new map (each command is already one shard's part, so its reply stands for the part), its
 * pinned parts go to the same shard again, in runs that keep the batch's order.
 */
async function replan(batch: readonly Command[], shard: number, pinned: ReadonlySet<number>, context: RunContext, depth: number): Promise<Reply[]> {
  const replies: Reply[] = [];
  for (let start = 0; start < batch.length; ) {
    const isPinned = pinned.has(start);
    let end = start + 1;
    while (end < batch.length && pinned.has(end) === isPinned) end++;
    const run = batch.slice(start, end);
    if (isPinned) replies.push(...(await runPlan({ batches: Array.from({ length: context.shards }, (_, i) => (i === shard ? run.slice() : [])), steps: run.map((_, index) => ({ kind: "one", part: { shard, index } })), keyedShards: new Set([shard]) }, context, depth)));
    // Through runCommands: commands one shard held may span shards on the new map (an MSET whose
    // keys' slots went different ways), and a cross-shard step runs alone.
    else replies.push(...(await runCommands(run, context, depth)));
    start = end;
  }
  return replies;
}

/** One command on one shard; a shard that fails answers an error, as in runPlan. */
async function callShard(context: RunContext, shard: number, command: Command): Promise<Reply> {
  try {
    return (await context.transport.execute(shard, [command], context.slotMap?.route(shard)))[0]!;
  } catch (error) {
    return failedReplies(shard, 1, error)[0]!;
  }
}

export async function runCommands(commands: readonly Command[], context: RunContext, depth = 0, planned = plan(commands, context)): Promise<Reply[]> {
  const alone = planned.steps.map((step) => step.kind === "cross" || step.kind === "compute");
  if (!alone.includes(true)) return runPlan(planned, context, depth);
  return inSegments(
    commands,
    alone,
    (plain) => runPlan(plan(plain, context), context, depth),
    async (command, i) => {
      const step = planned.steps[i]!;
      if (step.kind === "compute") return runMapReduce(command, step.shards, context.shards, (shard, sub) => callShard(context, shard, sub));
      const replies = await acrossShards([command], context);
      return replies instanceof ReplyError ? replies : replies[0]!;
    },
  );
}

/**
 * The cross-shard protocol for `commands`. A participant that no longer owns a key's slot refuses its
 * lock (MOVED); nothing ran, so the transaction runs again with the keys grouped by the new map.
 */
export async function acrossShards(commands: readonly Command[], context: RunContext): Promise<Reply[] | ReplyError> {
  for (let attempt = 0; ; attempt++) {
    const keys = transactionKeys(commands, context);
    if (keys instanceof ReplyError) return keys;
    const outcome = await runAcrossShards(commands, keys, context.transactions, Date.now, (key) => ownerOfSlot(context.keySlot(key), context));
    if (!(outcome instanceof ReplyError) || !MovedError.named(outcome.message) || !context.current || attempt >= MOVED_RETRIES) return outcome;
    context = await context.current();
  }
}
