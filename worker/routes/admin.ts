// Operator routes, full token only: `GET /admin/topology` (each shard's primary, replicas, epoch, and
// every member's health) and `POST /admin/failover/<shard>[?force=true]`, the HTTP form of
// CLUSTER FAILOVER [FORCE] SHARD <n> for planned maintenance.
import { readConfig } from "../config";
import { topologyClient } from "../routing/execute";
import type { TopologyClient } from "../routing/topology";
import type { GatewayContext } from "./context";

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const refusal = (error: string, status: number) => json({ error }, status);

/** The coordinator, or the reason there is none to ask. */
function cluster(c: GatewayContext): { refused: Response } | { client: TopologyClient } {
  if (c.get("access") !== "full") return { refused: refusal("NOPERM admin routes need the full token", 403) };
  const config = readConfig(c.env);
  if (config.replicas === 0) return { refused: refusal("ERR no replicas (EDGESLOT_REPLICAS is 0): there is nothing to fail over", 400) };
  return { client: topologyClient(c.env, config) };
}

export async function adminTopology(c: GatewayContext): Promise<Response> {
  const found = cluster(c);
  if ("refused" in found) return found.refused;
  const [topology, health] = await Promise.all([found.client.refresh(), found.client.health()]);
  return json({ result: { ...topology, health } });
}

export async function adminFailover(c: GatewayContext): Promise<Response> {
  const found = cluster(c);
  if ("refused" in found) return found.refused;
  const shard = c.req.param("shard") ?? "";
  if (!/^\d{1,5}$/.test(shard)) return refusal("ERR the shard must be a number", 400);
  const force = ["1", "true"].includes(c.req.query("force") ?? "");
  const outcome = await found.client.failover(Number(shard), !force);
  return "refused" in outcome ? refusal(outcome.refused, 400) : json({ result: outcome });
}
