// The three phases together: plan, every shard's batch in parallel, merge in request order.
import type { Reply } from "../wire/resp";
import { runLocal, type LocalContext } from "../local";
import type { Command } from "./command";
import { mergeStep } from "./merge";
import { plan, type Plan, type PlanOptions } from "./plan";
import type { ShardTransport } from "./transport";

export interface RunContext extends PlanOptions {
  readonly transport: ShardTransport;
  readonly local: LocalContext;
}

/** Executes a planned request; shards with an empty batch are not contacted. */
export async function runPlan(planned: Plan, context: RunContext): Promise<Reply[]> {
  const replies = await Promise.all(
    planned.batches.map((batch, shard) => (batch.length ? context.transport.execute(shard, batch) : Promise.resolve([]))),
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
