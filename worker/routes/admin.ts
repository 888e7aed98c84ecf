// Operator routes, full token only: `GET /admin/topology` (each shard's primary, replicas, epoch, and
// every member's health), `POST /admin/failover/<shard>[?force=true]`, the HTTP form of
// CLUSTER FAILOVER [FORCE] SHARD <n> for planned maintenance, and the scaling routes (shards added or
// removed, slots moved, rebalancing), the HTTP forms of CLUSTER ADDSHARDS/REMOVESHARD/MOVESLOTS/REBALANCE.
import type { ScalingAnswer } from "../../shards/coordinator/coordinator";
import { readConfig } from "../config";
import { topologyClient } from "../routing/execute";
import type { TopologyClient } from "../routing/topology";
import type { GatewayContext } from "./context";

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const refusal = (error: string, status: number) => json({ error }, status);

/** The coordinator, or the reason there is none to ask (a failover needs replicas). */
function cluster(c: GatewayContext, needsReplicas = true): { refused: Response } | { client: TopologyClient } {
  if (c.get("access") !== "full") return { refused: refusal("NOPERM admin routes need the full token", 403) };
  const config = readConfig(c.env);
  if (needsReplicas && config.replicas === 0) return { refused: refusal("ERR no replicas (EDGESLOT_REPLICAS is 0): there is nothing to fail over", 400) };
  return { client: topologyClient(c.env, config) };
}

export async function adminTopology(c: GatewayContext): Promise<Response> {
  const found = cluster(c, false);
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

const queued = (outcome: ScalingAnswer) => ("refused" in outcome ? refusal(outcome.refused, 400) : json({ result: outcome }));
const NUMBER = /^-?\d{1,16}$/;

/** `POST /admin/shards?add=<n>` */
export async function adminAddShards(c: GatewayContext): Promise<Response> {
  const found = cluster(c, false);
  if ("refused" in found) return found.refused;
  const add = c.req.query("add") ?? "";
  if (!NUMBER.test(add)) return refusal("ERR add must be the number of shards to add", 400);
  return queued(await found.client.addShards(Number(add)));
}

/** `DELETE /admin/shards/<n>` */
export async function adminRemoveShard(c: GatewayContext): Promise<Response> {
  const found = cluster(c, false);
  if ("refused" in found) return found.refused;
  const shard = c.req.param("shard") ?? "";
  if (!/^\d{1,5}$/.test(shard)) return refusal("ERR the shard must be a number", 400);
  return queued(await found.client.removeShard(Number(shard)));
}

/** `POST /admin/slots/move?first=&last=&to=` */
export async function adminMoveSlots(c: GatewayContext): Promise<Response> {
  const found = cluster(c, false);
  if ("refused" in found) return found.refused;
  const [first, last, to] = ["first", "last", "to"].map((name) => c.req.query(name) ?? "");
  if (!NUMBER.test(first!) || !NUMBER.test(last!)) return refusal("ERR Invalid or out of range slot", 400);
  if (!NUMBER.test(to!)) return refusal("ERR to must be a shard number", 400);
  return queued(await found.client.moveSlots(Number(first), Number(last), Number(to)));
}

/** `POST /admin/rebalance?by=slots|memory` (slots unless told) */
export async function adminRebalance(c: GatewayContext): Promise<Response> {
  const found = cluster(c, false);
  if ("refused" in found) return found.refused;
  const by = (c.req.query("by") ?? "slots").toLowerCase();
  if (by !== "slots" && by !== "memory") return refusal("ERR by must be slots or memory", 400);
  return queued(await found.client.rebalance(by));
}
