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
  return planned.steps.map((step) => {
    if (step.kind === "error") return step.error;
    if (step.kind === "local") return runLocal(step.name, step.command, context.local);
    if (step.kind === "cross") throw new Error("a cross-shard step reached runPlan; runCommands runs it alone");
    return mergeStep(step, replies, context.shards);
  });
}

export async function runCommands(commands: readonly Command[], context: RunContext): Promise<Reply[]> {
  const planned = plan(commands, context);
  if (!planned.steps.some((step) => step.kind === "cross")) return runPlan(planned, context);
  return inSegments(
    commands,
    planned.steps.map((step) => step.kind === "cross"),
    (plain) => runPlan(plan(plain, context), context),
    async (command) => {
      const keys = transactionKeys([command], context);
      if (keys instanceof ReplyError) return keys;
      const replies = await runAcrossShards([command], keys, context.transactions, Date.now, (key) => shardOfSlot(context.keySlot(key), context.shards));
      return replies instanceof ReplyError ? replies : replies[0]!;
    },
  );
}
