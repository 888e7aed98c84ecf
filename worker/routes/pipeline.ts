// `POST /pipeline`: commands split per shard and run in parallel; 200 with one `{"result"}` or
// `{"error"}` per command, in request order.
import { executeToResp } from "../routing/execute";
import { repliesInOrder } from "../routing/run";
import { resultJson } from "../wire/json";
import type { Reply } from "../wire/resp";
import { parseCommandsBody } from "../wire/request";
import { renderReplies, transcodeCommands } from "../wire/transcode";
import { type GatewayContext, jsonResponse, requestBody, runContext, wantsBase64, writes } from "./context";

export async function pipeline(c: GatewayContext): Promise<Response> {
  const body = await requestBody(c);
  // transcode.wasm parses valid bodies ~10× faster (bench/ "transcode"); request.ts words every refusal.
  const commands = transcodeCommands(body, true) ?? parseCommandsBody(body);
  const answer = await executeToResp(commands, await runContext(c));
  const base64 = wantsBase64(c);
  const wrote = writes(c, commands);
  // Replies that are the shards' own, unmerged, render straight from their RESP in transcode.wasm
  // (bench/ "transcode": 15-20× json.ts); merged ones (fan-outs, split, local and cross-shard
  // commands), and whatever the renderer leaves to it, go through json.ts.
  let replies: Reply[];
  if (Array.isArray(answer)) replies = answer;
  else {
    const rendered = renderReplies(answer.shards, answer.order, true, base64, answer.counts);
    if (rendered) return jsonResponse(c, rendered, 200, wrote);
    replies = repliesInOrder(answer);
  }
  return jsonResponse(c, `[${replies.map((reply) => resultJson(reply, base64)).join(",")}]`, 200, wrote);
}
