// The gateway's HTTP app: method and auth checks, then the Upstash REST routes. Malformed requests
// are answered 400/413 inside the routes; the 500 handler is a last resort only.
import { Hono, type MiddlewareHandler } from "hono";
import { authorize } from "./auth";
import { adminAddShards, adminFailover, adminMoveSlots, adminRebalance, adminRemoveShard, adminTopology, cancelJob, type GatewayContext, type GatewayEnv, jobProgress, jsonCommand, multiExec, pathCommand, pipeline, startJob } from "./routes";
import { BodyTooLarge } from "./wire/body";
import { errorJson } from "./wire/json";
import { BadRequest } from "./wire/request";

const json = (body: string, status: number, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { "content-type": "application/json", ...headers } });

const ALLOWED = new Set(["GET", "POST", "PUT"]);

const methods: MiddlewareHandler<GatewayEnv> = async (c, next) => {
  // DELETE only removes a shard (`DELETE /admin/shards/:n`); commands never take it.
  if (!ALLOWED.has(c.req.method) && !(c.req.method === "DELETE" && c.req.path.startsWith("/admin/shards/"))) {
    return json(errorJson(`ERR method ${c.req.method} not allowed: use POST with a JSON body, or GET/POST/PUT path style`), 405, { allow: "GET, POST, PUT" });
  }
  await next();
};

const auth: MiddlewareHandler<GatewayEnv> = async (c, next) => {
  const outcome = authorize(c.req.raw, c.env);
  if ("refused" in outcome) return json(errorJson(outcome.refused), 401);
  c.set("access", outcome.access);
  await next();
};

/** Malformed requests become 400/413 here, inside the route, so they never reach the 500 handler. */
const answering = (route: (c: GatewayContext) => Promise<Response>) => async (c: GatewayContext) => {
  try {
    return await route(c);
  } catch (error) {
    if (error instanceof BadRequest) return json(errorJson(error.message), 400);
    if (error instanceof BodyTooLarge) return json(errorJson(error.message), 413);
    throw error;
  }
};

const postOnly = () => json(errorJson("ERR this endpoint takes POST with a JSON array body"), 405, { allow: "POST" });

export const app = new Hono<GatewayEnv>()
  .use("*", methods)
  .use("*", auth)
  .post("/", answering(jsonCommand))
  .all("/", postOnly)
  .post("/pipeline", answering(pipeline))
  .all("/pipeline", postOnly)
  .post("/multi-exec", answering(multiExec))
  .all("/multi-exec", postOnly)
  .post("/compute", answering(startJob))
  .get("/compute/:id", answering(jobProgress))
  .post("/compute/:id/cancel", answering(cancelJob))
  .get("/admin/topology", answering(adminTopology))
  .post("/admin/failover/:shard", answering(adminFailover))
  .post("/admin/shards", answering(adminAddShards))
  .delete("/admin/shards/:shard", answering(adminRemoveShard))
  .post("/admin/slots/move", answering(adminMoveSlots))
  .post("/admin/rebalance", answering(adminRebalance))
  .all("*", answering(pathCommand));

// Last resort: a bug or a shard failure, still answered as a Redis-style error.
app.onError((error) => {
  return json(errorJson(`ERR internal: ${error instanceof Error ? error.message : String(error)}`), 500);
});
