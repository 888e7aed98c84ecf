// `POST /pipeline`: commands split per shard and run in parallel; 200 with one `{"result"}` or
// `{"error"}` per command, in request order.
import { executeCommands } from "../routing/execute";
import { resultJson } from "../wire/json";
import { parseCommandsBody } from "../wire/request";
import { type GatewayContext, jsonResponse, requestBody, runContext, wantsBase64, writes } from "./context";

export async function pipeline(c: GatewayContext): Promise<Response> {
  const commands = parseCommandsBody(await requestBody(c));
  const replies = await executeCommands(commands, runContext(c));
  const base64 = wantsBase64(c);
  return jsonResponse(c, `[${replies.map((reply) => resultJson(reply, base64)).join(",")}]`, 200, writes(c, commands));
}
