// `POST /multi-exec`: the per-command array, or one 400 `{"error"}` when the transaction is
// discarded as a whole (EXECABORT, a command that cannot span shards); the rules live in routing/execute.
import { executeTransaction } from "../routing/execute";
import { errorJson, resultJson } from "../wire/json";
import { parseCommandsBody } from "../wire/request";
import { transcodeCommands } from "../wire/transcode";
import { ReplyError } from "../wire/resp";
import { type GatewayContext, jsonResponse, requestBody, runContext, wantsBase64, writes } from "./context";

export async function multiExec(c: GatewayContext): Promise<Response> {
  const body = await requestBody(c);
  // transcode.wasm parses valid bodies ~10× faster (bench/ "transcode"); request.ts words every refusal.
  const commands = transcodeCommands(body, true) ?? parseCommandsBody(body);
  const replies = await executeTransaction(commands, await runContext(c));
  if (replies instanceof ReplyError) return jsonResponse(c, errorJson(replies.message), 400, false);
  const base64 = wantsBase64(c);
  return jsonResponse(c, `[${replies.map((reply) => resultJson(reply, base64)).join(",")}]`, 200, writes(c, commands));
}
