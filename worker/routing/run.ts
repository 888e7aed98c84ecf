// The three phases together: plan, every shard's batch in parallel, merge in request order.
import { type Reply, ReplyError } from "../wire/resp";
import { runLocal, type LocalContext } from "../local";
import type { Command } from "./command";
import { mergeStep } from "./merge";
import { plan, type Plan, type PlanOptions } from "./plan";
import type { ShardTransport } from "./transport";

export interface RunContext extends PlanOptions {
  readonly transport: ShardTransport;
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
    return mergeStep(step, replies, context.shards);
  });
}

export async function runCommands(commands: readonly Command[], context: RunContext): Promise<Reply[]> {
  return runPlan(plan(commands, context), context);
}
