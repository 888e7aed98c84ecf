// The example consumer: counts visits and keeps the last visitor's details in edgeslot, through the
// service binding (no URL, no token, no JSON over HTTP between the two Workers).
import { Redis } from "@upstash/redis";
import { bindingRequester, type EdgeslotBinding } from "edgeslot/client";

interface Env {
  EDGESLOT: EdgeslotBinding;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const redis = new Redis(bindingRequester(env.EDGESLOT));
    const url = new URL(request.url);
    if (url.pathname !== "/") return new Response("not found\n", { status: 404 });

    const visitor = { path: url.pathname, at: new Date().toISOString(), agent: request.headers.get("user-agent") ?? "" };
    const tx = redis.pipeline();
    tx.incr("example:visits").get("example:last-visitor").set("example:last-visitor", visitor);
    const [visits, previous] = await tx.exec<[number, typeof visitor | null, "OK"]>();

    // The binding itself, without the client: bytes stay bytes.
    const raw = await env.EDGESLOT.exec(["GET", "example:visits"], { binary: true });

    return Response.json({ visits, previous, rawVisitsBytes: raw.error ?? Array.from(raw.result as Uint8Array) });
  },
} satisfies ExportedHandler<Env>;
