// One command, `POST /` with a JSON array or path style (`GET /get/k`): `{"result"}`, or a Redis
// error as 400 `{"error"}`.
import type { Command } from "../routing/command";
import { executeCommands } from "../routing/execute";
import { resultJson } from "../wire/json";
import { parsePathCommand } from "../wire/path";
import { parseCommandBody } from "../wire/request";
import { transcodeCommands } from "../wire/transcode";
import { ReplyError } from "../wire/resp";
import { type GatewayContext, jsonResponse, requestBody, runContext, wantsBase64, writes } from "./context";

async function respond(c: GatewayContext, command: Command): Promise<Response> {
  const [reply] = await executeCommands([command], await runContext(c));
  return jsonResponse(c, resultJson(reply!, wantsBase64(c)), reply instanceof ReplyError ? 400 : 200, writes(c, [command]));
}

export async function jsonCommand(c: GatewayContext): Promise<Response> {
  const body = await requestBody(c);
  // transcode.wasm parses valid bodies faster (bench/ "transcode"); request.ts words every refusal.
  return respond(c, transcodeCommands(body, false)?.[0] ?? parseCommandBody(body));
}

export async function pathCommand(c: GatewayContext): Promise<Response> {
  const body = c.req.method === "GET" ? undefined : await requestBody(c);
  return respond(c, parsePathCommand(new URL(c.req.url), body));
}
