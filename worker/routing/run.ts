// The three phases together: plan, every shard's batch in parallel, merge in request order.
import { type Reply, ReplyError } from "../wire/resp";
import { runLocal, type LocalContext } from "../local";
import type { Command } from "./command";
import { mergeStep } from "./merge";
import { plan, type Plan, type PlanOptions } from "./plan";
import type { ShardTransport } from "./transport";
import { runAcrossShards, type TxTransport } from "../../shards/transactions/coordinator";
import { inSegments, transactionKeys } from "./cross-shard";
import { shardOfSlot } from "./slot-map";
import { runMapReduce } from "../../shards/compute/coordinator";

export interface RunContext extends PlanOptions {
  readonly transport: ShardTransport;
  readonly transactions: TxTransport;
  readonly local: LocalContext;
}

/** Executes a planned request; shards with an empty batch are not contacted. A shard that fails
 * answers an error for each of its commands while the other shards' replies (and writes) stand, so a
 * pipeline reports exactly which commands may not have run. */
export async function runPlan(planned: Plan, context: RunContext): Promise<Reply[]> {
  const replies = await Promise.all(
    planned.batches.map(async (batch, shard) => {
      if (batch.length === 0) return [];
      try {
        return await context.transport.execute(shard, batch);
      } catch (error) {
        const failed = new ReplyError(`ERR shard ${shard} failed: ${error instanceof Error ? error.message : String(error)}`);
        return batch.map(() => failed);
      }
    }),
  );
  return Promise.all(planned.steps.map(async (step) => {
    if (step.kind === "error") return step.error;
    if (step.kind === "local") return runLocal(step.name, step.command, context.local);
    if (step.kind === "cross") throw new Error("a cross-shard step reached runPlan; runCommands runs it alone");
    // Only a transaction gets here with MAPREDUCE (runCommands runs it alone).
    if (step.kind === "compute") return new ReplyError("ERR MAPREDUCE is not allowed in a transaction");
    return mergeStep(step, replies, context.shards);
  }));
}

/** One command on one shard; a shard that fails answers an error, as in runPlan. */
async function callShard(context: RunContext, shard: number, command: Command): Promise<Reply> {
  try {
    return (await context.transport.execute(shard, [command]))[0]!;
  } catch (error) {
    return new ReplyError(`ERR shard ${shard} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function runCommands(commands: readonly Command[], context: RunContext): Promise<Reply[]> {
  const planned = plan(commands, context);
  const alone = planned.steps.map((step) => step.kind === "cross" || step.kind === "compute");
  if (!alone.includes(true)) return runPlan(planned, context);
  return inSegments(
    commands,
    alone,
    (plain) => runPlan(plan(plain, context), context),
    async (command, i) => {
      const step = planned.steps[i]!;
      if (step.kind === "compute") return runMapReduce(command, step.shards, context.shards, (shard, sub) => callShard(context, shard, sub));
      const keys = transactionKeys([command], context);
      if (keys instanceof ReplyError) return keys;
      const replies = await runAcrossShards([command], keys, context.transactions, Date.now, (key) => shardOfSlot(context.keySlot(key), context.shards));
      return replies instanceof ReplyError ? replies : replies[0]!;
    },
  );
}
