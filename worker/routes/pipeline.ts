// `POST /pipeline`: commands split per shard and run in parallel; 200 with one `{"result"}` or
// `{"error"}` per command, in request order.
import { executeToResp } from "../routing/execute";
import { parseCommandsBody } from "../wire/request";
import { transcodeCommands } from "../wire/transcode";
import { type GatewayContext, jsonResponse, renderAnswer, requestBody, runContext, wantsBase64, writes } from "./context";

export async function pipeline(c: GatewayContext): Promise<Response> {
  const body = await requestBody(c);
  // transcode.wasm parses valid bodies ~10× faster (bench/ "transcode"); request.ts words every refusal.
  const commands = transcodeCommands(body, true) ?? parseCommandsBody(body);
  const answer = await executeToResp(commands, await runContext(c));
  return jsonResponse(c, renderAnswer(answer, true, wantsBase64(c)).body, 200, writes(c, commands));
}
