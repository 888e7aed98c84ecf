// Automatic split by request rate: a shard serving far more commands than the others (past
// EDGESLOT_AUTOSPLIT_RATE times their mean, between two checks) is split by the coordinator with no
// operator call; memory plays no part (no memory threshold is set).
import { expect, it } from "vitest";
import { rangesOf, slotCount } from "../../shards/coordinator/slots";
import type { Topology } from "../../shards/coordinator/topology";
import { keySlot } from "../../worker/routing/key-slot";
import { pipeline, request, type CallOptions } from "../worker/gateway";

const OPTIONS: CallOptions = {
  vars: { EDGESLOT_SHARDS: "2", EDGESLOT_REPLICAS: "0", EDGESLOT_AUTOSPLIT_RATE: "4", EDGESLOT_AUTOSPLIT_CHECK_MS: "200" },
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function topology(): Promise<Topology> {
  const answer = await request("/admin/topology", undefined, OPTIONS);
  expect(answer.status, JSON.stringify(answer.json)).toBe(200);
  return answer.json.result as Topology;
}

function keysWhere(count: number, prefix: string, wanted: (slot: number) => boolean): string[] {
  const keys: string[] = [];
  for (let i = 0; keys.length < count; i++) if (wanted(keySlot(new TextEncoder().encode(`${prefix}:${i}`)))) keys.push(`${prefix}:${i}`);
  return keys;
}

it("splits the shard whose command rate is far above the other's, and only it", { timeout: 120_000 }, async () => {
  const hot = keysWhere(50, "hot", (slot) => slot < 8192);
  const cold = keysWhere(2, "cold", (slot) => slot >= 8192);
  const setAll = await pipeline([...hot, ...cold].map((key) => ["SET", key, key]), OPTIONS);
  expect(setAll.status).toBe(200);
  expect((await topology()).groups).toHaveLength(2);

  // Shard 0 gets 50 commands for each one shard 1 gets, until the coordinator acts.
  let groups = 2;
  const until = Date.now() + 30_000;
  for (let round = 0; Date.now() < until && groups < 3; round++) {
    const answer = await pipeline([...hot.map((key) => ["GET", key]), ["GET", cold[round % 2]!]], OPTIONS);
    expect(answer.status).toBe(200);
    if (round % 10 === 9) {
      groups = (await topology()).groups.length;
      // Time for the coordinator's check to run between the requests.
      await sleep(20);
    }
  }
  expect(groups).toBe(3);

  let after = await topology();
  for (let i = 0; i < 600 && after.moves.length > 0; i++) {
    await sleep(100);
    after = await topology();
  }
  expect(after.moves).toEqual([]);
  expect(slotCount(rangesOf(after.slots, 1))).toBe(8192);
  expect(slotCount(rangesOf(after.slots, 2))).toBe(4096);
  const read = await pipeline([...hot, ...cold].map((key) => ["GET", key]), OPTIONS);
  expect(read.json.map((reply: { result: string }) => reply.result)).toEqual([...hot, ...cold]);
  // The load stopped: no second split.
  await sleep(1000);
  expect((await topology()).groups).toHaveLength(3);
});
