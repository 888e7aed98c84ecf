// `POST /multi-exec`: a transaction, run as one batch on one shard (the core executes a batch
// atomically). Queue-time errors discard it (EXECABORT); keys on several shards are refused with
// CROSSSLOT until the cross-shard protocol exists.
import { CROSSSLOT, plan } from "../routing/plan";
import { runPlan } from "../routing/run";
import { errorJson, resultJson } from "../wire/json";
import { parseCommandsBody } from "../wire/request";
import { type GatewayContext, jsonResponse, requestBody, runContext, wantsBase64, writes } from "./context";

const EXECABORT = "EXECABORT Transaction discarded because of previous errors.";

export async function multiExec(c: GatewayContext): Promise<Response> {
  const commands = parseCommandsBody(await requestBody(c));
  const context = runContext(c);
  const planned = plan(commands, context);
  if (planned.steps.some((step) => step.kind === "error" && step.queued)) return jsonResponse(c, errorJson(EXECABORT), 400, false);
  const crossSlot = planned.steps.some((step) => step.kind === "error" && step.error.message === CROSSSLOT);
  if (crossSlot || planned.keyedShards.size > 1) return jsonResponse(c, errorJson(CROSSSLOT), 400, false);
  // The plan puts keyless commands (PING, TIME) on the one keyed shard, so the batch is one shard's.
  const replies = await runPlan(planned, context);
  const base64 = wantsBase64(c);
  return jsonResponse(c, `[${replies.map((reply) => resultJson(reply, base64)).join(",")}]`, 200, writes(c, commands));
}
