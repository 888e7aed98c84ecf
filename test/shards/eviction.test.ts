// A shard under EDGESLOT_MAXMEMORY_POLICY: writes past maxmemory evict keys, INFO reports it, and the
// evictions are in the log as DELs, so a restart (checkpoint rows plus log tail) rebuilds the same keyspace.
import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { shardConfig, type ShardConfig } from "../../shards/config";
import type { Shard } from "../../shards/shard";
import type { Core } from "../../wasm/host";
import { decodeReplies, encodeCommands, type Reply, ReplyError, Status } from "../../worker/wire/resp";

const decoder = new TextDecoder();
const shardStub = () => env.SHARD.get(env.SHARD.idFromName(`eviction-${expect.getState().currentTestName}`));

async function run(stub: DurableObjectStub<Shard>, ...commands: string[][]): Promise<Reply[]> {
  return decodeReplies(new Uint8Array(await stub.execute(encodeCommands(commands).buffer as ArrayBuffer)));
}

/** The shard's private parts, to start it with settings the test binding does not carry. */
interface ShardInternals {
  config: ShardConfig;
  core: Core;
  start(): void;
}

/** Restarts the live shard with the policy and a maxmemory `room` bytes above what it uses now. */
async function configure(stub: DurableObjectStub<Shard>, policy: string, room: number): Promise<void> {
  await runInDurableObject(stub, (instance: Shard) => {
    const shard = instance as unknown as ShardInternals;
    const used = shard.core.usedMemory();
    shard.config = shardConfig({ EDGESLOT_MAXMEMORY: String(used + room), EDGESLOT_MAXMEMORY_POLICY: policy, EDGESLOT_CHECKPOINT_BYTES: "16384" });
    shard.start();
  });
}

const value = "v".repeat(300);
const keys = async (stub: DurableObjectStub<Shard>) =>
  ((await run(stub, ["KEYS", "*"]))[0] as Uint8Array[]).map((k) => decoder.decode(k)).sort();

describe("shard eviction", () => {
  it("allkeys-lru: writes past maxmemory succeed, evictions are logged and survive a restart", async () => {
    const stub = shardStub();
    await run(stub, ["PING"]);
    await configure(stub, "allkeys-lru", 256 * 1024);
    for (let round = 0; round < 12; round++) {
      const replies = await run(stub, ...Array.from({ length: 100 }, (_, i) => ["SET", `k${round}:${i}`, value]));
      expect(replies.filter((r) => !(r instanceof Status && r.text === "OK"))).toEqual([]);
    }
    const info = decoder.decode((await run(stub, ["INFO"]))[0] as Uint8Array);
    expect(info).toContain("maxmemory_policy:allkeys-lru\r\n");
    const evicted = Number(/evicted_keys:(\d+)/.exec(info)![1]);
    expect(evicted).toBeGreaterThan(200);
    const before = await keys(stub);
    expect(before.length).toBe(1200 - evicted);
    expect(before.length).toBeGreaterThan(50);
    // The restart uses the test binding's settings (noeviction): the keyspace comes back from storage as it was.
    await evictDurableObject(stub);
    expect(await keys(stub)).toEqual(before);
  });

  it("volatile-ttl: only keys with a TTL go, then writes answer OOM", async () => {
    const stub = shardStub();
    await run(stub, ["PING"]);
    await configure(stub, "volatile-ttl", 16 * 1024);
    await run(stub, ...Array.from({ length: 20 }, (_, i) => ["SET", `p${i}`, value]));
    const replies: Reply[] = [];
    for (let i = 0; i < 100; i++) replies.push(...(await run(stub, ["SET", `t${i}`, value, "EX", "1000"])));
    const oom = replies.filter((r) => r instanceof ReplyError);
    expect(oom.length).toBeGreaterThan(0);
    expect((oom[0] as ReplyError).message).toBe("OOM command not allowed when used memory > 'maxmemory'.");
    // The persistent keys were never candidates.
    expect((await run(stub, ["EXISTS", ...Array.from({ length: 20 }, (_, i) => `p${i}`)]))[0]).toBe(20);
    await evictDurableObject(stub);
    expect((await run(stub, ["EXISTS", ...Array.from({ length: 20 }, (_, i) => `p${i}`)]))[0]).toBe(20);
  });
});
