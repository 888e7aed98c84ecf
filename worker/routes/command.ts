// One command, `POST /` with a JSON array or path style (`GET /get/k`): `{"result"}`, or a Redis
// error as 400 `{"error"}`.
import type { Command } from "../routing/command";
import { executeToResp } from "../routing/execute";
import { parsePathCommand } from "../wire/path";
import { parseCommandBody } from "../wire/request";
import { transcodeCommands } from "../wire/transcode";
import { type GatewayContext, jsonResponse, renderAnswer, requestBody, runContext, wantsBase64, writes } from "./context";

async function respond(c: GatewayContext, command: Command): Promise<Response> {
  const { body, failed } = renderAnswer(await executeToResp([command], await runContext(c)), false, wantsBase64(c));
  return jsonResponse(c, body, failed ? 400 : 200, writes(c, [command]));
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
