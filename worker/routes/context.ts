// What every route shares: access and config from the request, the run context for the routing
// phases, and the JSON response with its Upstash headers.
import type { Context } from "hono";
import { isWrite } from "../../shards/commands";
import type { Access } from "../auth";
import { readConfig } from "../config";
import { resolveCommand, type Command } from "../routing/command";
import { keySlot } from "../routing/key-slot";
import type { RunContext } from "../routing/run";
import { durableObjectTransport } from "../routing/transport";
import { syncToken } from "../sync-token";
import { readBody } from "../wire/body";
import { ReplyError } from "../wire/resp";

export type GatewayEnv = { Bindings: Env; Variables: { access: Access } };
export type GatewayContext = Context<GatewayEnv>;

export function runContext(c: GatewayContext): RunContext {
  const config = readConfig(c.env);
  const url = new URL(c.req.url);
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  return {
    shards: config.shards,
    maxKeyBytes: config.maxKeyBytes,
    readonly: c.get("access") === "readonly",
    keySlot,
    transport: durableObjectTransport(c.env.SHARD),
    local: { shards: config.shards, ip: "127.0.0.1", port, keySlot },
  };
}

export function requestBody(c: GatewayContext): Promise<Uint8Array> {
  return readBody(c.req.raw, readConfig(c.env).maxRequestBytes);
}

export function wantsBase64(c: GatewayContext): boolean {
  return c.req.header("upstash-encoding")?.toLowerCase() === "base64";
}

/** Whether the request holds a command the table flags as a write (and the token may run it). */
export function writes(c: GatewayContext, commands: readonly Command[]): boolean {
  if (c.get("access") !== "full") return false;
  return commands.some((command) => {
    const spec = resolveCommand(command);
    return !(spec instanceof ReplyError) && isWrite(spec);
  });
}

export function jsonResponse(c: GatewayContext, body: string, status: number, wrote: boolean): Response {
  return new Response(body, {
    status,
    headers: {
      "content-type": "application/json",
      "upstash-sync-token": syncToken(wrote, c.req.header("upstash-sync-token") ?? null),
    },
  });
}
