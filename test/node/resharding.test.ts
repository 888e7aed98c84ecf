// Online resharding through a real `npm start` gateway under continuous mixed load: 2 → 8 → 3 shards
// with one replica each, 20,000 keys preloaded, while four clients write strings, counters, hashes, sorted sets, scripts,
// pipelines, cross-shard MSETs and MULTI/EXEC. No client may see an error; afterwards every
// acknowledged write reads back, and the shards together hold exactly the model's keys (DBSIZE sums
// every shard: a key on two shards would count twice, a lost one fails the read-back).
import { afterAll, beforeAll, expect, it } from "vitest";
import { rangesOf, slotCount } from "../../shards/coordinator/slots";
import type { Topology } from "../../shards/coordinator/topology";
import { GatewayProcess } from "../compat/gateway-process";
import { checkModel, runClient, WriteModel, type LoadAnswer, type LoadClient, type LoadStats } from "../scaling/load";

const CLIENTS = 4;
const KEYS_PER_CLIENT = 250;
/** Keys written before the load starts, so every step of the moves carries data. */
const PRELOADED = 20_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let gateway: GatewayProcess;
beforeAll(async () => {
  gateway = await GatewayProcess.start({ vars: { EDGESLOT_SHARDS: "2", EDGESLOT_REPLICAS: "1" } });
});
afterAll(async () => {
  await gateway?.stop();
});

async function send(path: string, body: unknown, method = "POST"): Promise<LoadAnswer> {
  const response = await gateway.fetch(path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

const client: LoadClient = {
  call: (args) => send("/", args),
  pipeline: (commands) => send("/pipeline", commands),
  multiExec: (commands) => send("/multi-exec", commands),
};

async function topology(): Promise<Topology> {
  const answer = await send("/admin/topology", undefined, "GET");
  expect(answer.status, JSON.stringify(answer.json)).toBe(200);
  return answer.json.result as Topology;
}

async function admin(method: string, path: string): Promise<void> {
  const answer = await send(path, undefined, method);
  expect(answer.status, `${method} ${path} → ${JSON.stringify(answer.json)}`).toBe(200);
}

/** Waits until the coordinator has no move queued or running. */
async function settled(limitMs = 300_000): Promise<Topology> {
  const until = Date.now() + limitMs;
  for (;;) {
    const current = await topology();
    if (current.moves.length === 0) return current;
    if (Date.now() > until) throw new Error(`moves still pending: ${current.moves.length}`);
    await sleep(100);
  }
}

const slotsPerGroup = (current: Topology, groups: number[]) => groups.map((g) => slotCount(rangesOf(current.slots, g)));

it("grows 2 → 8 and shrinks to 3 shards under continuous mixed load with no client-visible error and nothing lost", { timeout: 900_000 }, async () => {
  const model = new WriteModel();
  for (let at = 0; at < PRELOADED; at += 1000) {
    const commands = Array.from({ length: 1000 }, (_, i) => ["SET", `pre:${at + i}`, `p${at + i}`]);
    const answer = await client.pipeline(commands);
    expect(answer.json.every((reply: { result?: string }) => reply.result === "OK")).toBe(true);
    for (const [, key, value] of commands) model.setString(key!, value!);
  }
  const stats: LoadStats = { requests: 0, errors: [] };
  let stopped = false;
  const clients = Array.from({ length: CLIENTS }, (_, c) => runClient(`c${c}:`, KEYS_PER_CLIENT, model, stats, () => stopped, client));
  try {
    expect((await topology()).groups).toHaveLength(2);
    await sleep(500);

    await admin("POST", "/admin/shards?add=6");
    const atGrowth = stats.requests;
    const grown = await settled();
    const duringGrowth = stats.requests - atGrowth;
    expect(grown.groups).toHaveLength(8);
    const spread = slotsPerGroup(grown, [0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Math.max(...spread) - Math.min(...spread), `slots per shard ${spread}`).toBeLessThanOrEqual(1);

    for (const shard of [7, 6, 5, 4, 3]) await admin("DELETE", `/admin/shards/${shard}`);
    const atShrink = stats.requests;
    const shrunk = await settled();
    const duringShrink = stats.requests - atShrink;
    stopped = true;
    await Promise.all(clients);

    expect(stats.errors).toEqual([]);
    // The load ran through both reshardings, not only before or after them.
    expect(duringGrowth).toBeGreaterThan(0);
    expect(duringShrink).toBeGreaterThan(0);
    expect(shrunk.groups.map((group, g) => (group.draining ? -1 : g)).filter((g) => g >= 0)).toEqual([0, 1, 2]);
    const remaining = slotsPerGroup(shrunk, [0, 1, 2]);
    expect(remaining.reduce((a, b) => a + b, 0)).toBe(16384);
    expect(Math.max(...remaining) - Math.min(...remaining), `slots per shard ${remaining}`).toBeLessThanOrEqual(1);

    await checkModel(model, client);
    const dbsize = await send("/", ["DBSIZE"]);
    expect(dbsize.json.result).toBe(model.keys.size);
  } finally {
    stopped = true;
    await Promise.allSettled(clients);
  }
});
