// Asynchronous MAPREDUCE jobs (shards/compute/job.ts): `POST /compute` with the command starts one and
// answers its id; `GET /compute/<id>` reports progress and, once done, the result;
// `POST /compute/<id>/cancel` stops it.
import { readConfig } from "../config";
import { plan } from "../routing/plan";
import { jobObjectName } from "../../shards/compute/job";
import { errorJson, resultJson } from "../wire/json";
import { parseCommandBody } from "../wire/request";
import { type GatewayContext, requestBody, runContext } from "./context";

const json = (body: string, status = 200) => new Response(body, { status, headers: { "content-type": "application/json" } });
const jobStub = (c: GatewayContext, id: string) => c.env.COMPUTE_JOB.get(c.env.COMPUTE_JOB.idFromName(jobObjectName(id)));
const JOB_ID = /^[0-9a-f-]{36}$/;

export async function startJob(c: GatewayContext): Promise<Response> {
  const command = parseCommandBody(await requestBody(c));
  const context = await runContext(c);
  const [step] = plan([command], context).steps;
  if (step?.kind === "error") return json(errorJson(step.error.message), 400);
  if (step?.kind !== "compute") return json(errorJson("ERR /compute takes one MAPREDUCE command"), 400);
  if (command.some((arg, i) => i >= 3 && new TextDecoder().decode(arg).toLowerCase() === "cursor")) {
    return json(errorJson("ERR a /compute job keeps its own cursor: send the command without CURSOR"), 400);
  }
  const id = crypto.randomUUID();
  await jobStub(c, id).start(command.slice(), [...step.shards], context.shards);
  return json(JSON.stringify({ result: id }));
}

export async function jobProgress(c: GatewayContext): Promise<Response> {
  const id = c.req.param("id") ?? "";
  const view = JOB_ID.test(id) ? await jobStub(c, id).view() : null;
  if (!view) return json(errorJson("ERR no such compute job"), 404);
  const { resultJson: result, ...progress } = view;
  const body = JSON.stringify({ id, ...progress });
  return json(`{"result":${result === undefined ? body : `${body.slice(0, -1)},"result":${result}}`}}`);
}

export async function cancelJob(c: GatewayContext): Promise<Response> {
  const id = c.req.param("id") ?? "";
  if (!JOB_ID.test(id)) return json(errorJson("ERR no such compute job"), 404);
  return json(resultJson((await jobStub(c, id).cancel()) ? 1 : 0, false));
}
