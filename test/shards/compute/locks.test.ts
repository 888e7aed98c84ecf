// MAPREDUCE beside cross-shard transactions: a shard's part waits while a transaction holds any of its
// keys (a map may touch any key of its shard, as a script may), then maps what the transaction left.
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import type { Shard } from "../../../shards/shard";
import { call, keysOnShards, result, useEmptyStore } from "../../worker/gateway";

useEmptyStore();

const shardStub = (shard: number) => env.SHARD.get(env.SHARD.idFromName(`shard-${shard}`));

/** Whether `promise` is still pending after the shards had time to answer it. */
async function stillWaiting(promise: Promise<unknown>): Promise<boolean> {
  const pending = Symbol("pending");
  const winner = await Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve(pending), 300))]);
  return winner === pending;
}

it("a MAPREDUCE waits for a transaction holding keys of its shards, then sees its outcome", async () => {
  const [a, b] = await keysOnShards("acct");
  await result(["MSET", a!, "10", b!, "0"]);
  // The coordinator stops with both keys locked; the record aborts it once the deadlines pass.
  const stopped = await call(["RENAME", a!, b!], { headers: { "x-edgeslot-test-fault": "after-lock" } });
  expect(stopped.json.error).toMatch(/test fault/);
  const sum = result(["MAPREDUCE", "return redis.call('INCR', KEYS[1])", "SUM", "MATCH", "acct*", "WRITE"]);
  expect(await stillWaiting(sum)).toBe(true);
  for (const shard of [0, 1, 2, 3]) {
    const stub = shardStub(shard);
    await runInDurableObject(stub, (instance: Shard) => {
      instance.clock = () => Date.now() + 3_600_000;
    });
    await runDurableObjectAlarm(stub);
  }
  expect(await sum).toBe(12);
  expect(await result(["MGET", a!, b!])).toEqual(["11", "1"]);
});
