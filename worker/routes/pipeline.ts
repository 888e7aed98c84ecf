// `POST /pipeline`: commands split per shard and run in parallel; 200 with one `{"result"}` or
// `{"error"}` per command, in request order.
import { executeCommands } from "../routing/execute";
import { resultJson } from "../wire/json";
import { parseCommandsBody } from "../wire/request";
import { transcodeCommands } from "../wire/transcode";
import { type GatewayContext, jsonResponse, requestBody, runContext, wantsBase64, writes } from "./context";

export async function pipeline(c: GatewayContext): Promise<Response> {
  const body = await requestBody(c);
  // transcode.wasm parses valid bodies ~10× faster (bench/ "transcode"); request.ts words every refusal.
  const commands = transcodeCommands(body, true) ?? parseCommandsBody(body);
  const replies = await executeCommands(commands, await runContext(c));
  const base64 = wantsBase64(c);
  // Replies stay with json.ts: they arrive here as merged Reply values (fan-outs, cross-shard and
  // local commands), and transcode.wasm's renderReplies needs the shards' RESP bytes, which the
  // transport decodes before merging; re-encoding them to hand over would cost more than it saves.
  return jsonResponse(c, `[${replies.map((reply) => resultJson(reply, base64)).join(",")}]`, 200, writes(c, commands));
}
