// Automatic rebalancing: a shard whose memory passes the configured share of maxmemory is split by the
// coordinator (a new shard takes about half its keys) with no operator call and no client error, and a
// shard under the threshold is left alone.
import { expect, it } from "vitest";
import { rangesOf, slotCount } from "../../shards/coordinator/slots";
import { pipeline, type CallOptions } from "../worker/gateway";
import { direct, keysIn, member, MoveHarness, sleep } from "./moves";

const MAX_MEMORY = 2_000_000;
const SHARE = 0.5;
const VARS: Partial<Env> = {
  EDGESLOT_SHARDS: "2",
  EDGESLOT_REPLICAS: "0",
  EDGESLOT_MAXMEMORY: String(MAX_MEMORY),
  EDGESLOT_AUTOSPLIT_MEMORY: String(SHARE),
  EDGESLOT_AUTOSPLIT_CHECK_MS: "200",
};
const OPTIONS: CallOptions = { vars: VARS };
const cluster = new MoveHarness(OPTIONS);
const topology = () => cluster.topology();

async function usedMemory(name: string): Promise<number> {
  return (await member(name).memberStatus()).usedMemory;
}

async function keyCount(name: string): Promise<number> {
  return (await direct(name, [["DBSIZE"]]))[0] as number;
}

it("splits a shard past the memory threshold into two about equal halves, and leaves the other alone", { timeout: 300_000 }, async () => {
  // 1.2 MB of values in keys whose slots shard 0 owns (0–8191 of 2 shards); shard 1 gets a few.
  const value = "x".repeat(4000);
  const keys = keysIn(0, 8191, 300, "big").map(([key]) => key);
  for (let at = 0; at < keys.length; at += 50) {
    const answer = await pipeline(keys.slice(at, at + 50).map((key) => ["SET", key, value]), OPTIONS);
    expect(answer.json.every((reply: { result?: string }) => reply.result === "OK")).toBe(true);
  }
  const small = await pipeline([["SET", "small:1", "1"], ["SET", "small:2", "2"]], OPTIONS);
  expect(small.status).toBe(200);
  const before = await topology();
  expect(before.groups).toHaveLength(2);
  const splitKeys = await keyCount(before.groups[0]!.primary);
  expect(splitKeys).toBeGreaterThanOrEqual(keys.length);
  expect(await usedMemory(before.groups[0]!.primary)).toBeGreaterThan(SHARE * MAX_MEMORY);
  expect(await usedMemory(before.groups[1]!.primary)).toBeLessThan(SHARE * MAX_MEMORY);

  // The coordinator checks on its own; the test only watches.
  let after = before;
  for (let i = 0; i < 600 && (after.groups.length < 3 || after.moves.length > 0); i++) {
    await sleep(100);
    after = await topology();
  }
  expect(after.groups).toHaveLength(3);
  expect(after.moves).toEqual([]);
  // Shard 1 kept all its slots; shard 0's were shared with the new shard 2.
  expect(slotCount(rangesOf(after.slots, 1))).toBe(8192);
  expect(slotCount(rangesOf(after.slots, 0)) + slotCount(rangesOf(after.slots, 2))).toBe(8192);

  // The stated balance: each half holds 35–65% of the split shard's keys, and both are under the threshold.
  const halves = [await keyCount(after.groups[0]!.primary), await keyCount(after.groups[2]!.primary)];
  expect(halves[0]! + halves[1]!).toBe(splitKeys);
  for (const half of halves) {
    expect(half / splitKeys).toBeGreaterThanOrEqual(0.35);
    expect(half / splitKeys).toBeLessThanOrEqual(0.65);
  }
  for (const g of [0, 2]) expect(await usedMemory(after.groups[g]!.primary)).toBeLessThan(SHARE * MAX_MEMORY);

  // Every value is still there, through the gateway.
  const read = await pipeline(keys.map((key) => ["STRLEN", key]), OPTIONS);
  expect(read.json.map((reply: { result: number }) => reply.result)).toEqual(keys.map(() => value.length));
  // Checks keep running, and nothing splits again while every shard is under the threshold.
  await sleep(1000);
  expect((await topology()).groups).toHaveLength(3);
});
