// What every route shares: access and config from the request, the run context for the routing
// phases, and the JSON response with its Upstash headers.
import type { Context } from "hono";
import type { Access } from "../auth";
import { readConfig } from "../config";
import type { Command } from "../routing/command";
import { executionContext, writesAny } from "../routing/execute";
import type { RunContext } from "../routing/run";
import { syncToken, type SyncPositions } from "../sync-token";
import { readBody } from "../wire/body";
import { resultJson } from "../wire/json";
import { type Reply, ReplyError } from "../wire/resp";
import { renderReplies } from "../wire/transcode";
import { repliesInOrder, type ShardRespReplies } from "../routing/run";

export type GatewayEnv = { Bindings: Env; Variables: { access: Access; reached?: SyncPositions } };
export type GatewayContext = Context<GatewayEnv>;

export async function runContext(c: GatewayContext): Promise<RunContext> {
  const url = new URL(c.req.url);
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const context = await executionContext(c.env, {
    access: c.get("access"),
    port,
    fault: c.req.header("x-edgeslot-test-fault"),
    readFrom: c.req.header("upstash-read-from")?.toLowerCase() === "replica" ? "replica" : "primary",
    syncToken: c.req.header("upstash-sync-token") ?? null,
  });
  c.set("reached", context.reached);
  return context;
}

export function requestBody(c: GatewayContext): Promise<Uint8Array> {
  return readBody(c.req.raw, readConfig(c.env).maxRequestBytes);
}

export function wantsBase64(c: GatewayContext): boolean {
  return c.req.header("upstash-encoding")?.toLowerCase() === "base64";
}

/** Whether the request holds a command the table flags as a write (and the token may run it). */
export function writes(c: GatewayContext, commands: readonly Command[]): boolean {
  return writesAny(commands, c.get("access"));
}

export function jsonResponse(c: GatewayContext, body: string | Uint8Array, status: number, wrote: boolean): Response {
  return new Response(body, {
    status,
    headers: {
      "content-type": "application/json",
      "upstash-sync-token": syncToken(wrote, c.req.header("upstash-sync-token") ?? null, c.get("reached")),
    },
  });
}

/**
 * The JSON body for what `executeToResp` answered, and whether a single command's reply is an error
 * (400). The shards' own replies render from their RESP in transcode.wasm (bench/ "transcode": 15-20×
 * json.ts); merged ones (fan-outs, splits, local and cross-shard commands), and whatever the renderer
 * leaves to it, go through json.ts.
 */
export function renderAnswer(answer: ShardRespReplies | Reply[], pipeline: boolean, base64: boolean): { body: string | Uint8Array; failed: boolean } {
  if (!Array.isArray(answer)) {
    const rendered = renderReplies(answer.shards, answer.order, pipeline, base64, answer.counts);
    // `{"error":…}` rather than `{"result":…}`.
    if (rendered) return { body: rendered, failed: !pipeline && rendered[2] === 0x65 };
    answer = repliesInOrder(answer);
  }
  const texts = answer.map((reply) => resultJson(reply, base64));
  return pipeline ? { body: `[${texts.join(",")}]`, failed: false } : { body: texts[0]!, failed: answer[0] instanceof ReplyError };
}

