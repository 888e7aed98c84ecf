// Acknowledged writes through the gateway survive a restart of every shard object.
import { env, evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { keysOnShards, pipeline, result, useEmptyStore } from "../gateway";

async function restartEveryShard(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    const stub = env.SHARD.get(env.SHARD.idFromName(`shard-${i}`));
    await evictDurableObject(stub);
  }
}

describe("durability through the gateway", () => {
  useEmptyStore();

  it("keeps every acknowledged write on every shard across a restart of all shards", async () => {
    const keys = await keysOnShards("durable");
    for (const [i, key] of keys.entries()) {
      expect(await result(["SET", key, `value-${i}`, "EX", 3600])).toBe("OK");
      expect(await result(["APPEND", key, "+more"])).toBe(`value-${i}+more`.length);
    }
    expect(await result(["INCRBY", "counter", 41])).toBe(41);
    expect(await result(["INCRBYFLOAT", "counter", "1.5"])).toBe("42.5");
    await restartEveryShard();
    expect(await result(["MGET", ...keys, "counter"])).toEqual([...keys.map((_, i) => `value-${i}+more`), "42.5"]);
    for (const key of keys) {
      const ttl = await result(["TTL", key]);
      expect(ttl).toBeGreaterThan(3500);
      expect(ttl).toBeLessThanOrEqual(3600);
    }
  });

  it("keeps a 1,000-command pipeline spread over all shards, including deletes", async () => {
    const writes = Array.from({ length: 1000 }, (_, i) => ["SET", `p:${i}`, `${i}`]);
    const answers = await pipeline(writes);
    expect(answers.json.every((entry: { result?: unknown }) => entry.result === "OK")).toBe(true);
    await pipeline([["DEL", "p:1", "p:2", "p:3"], ["RENAME", "{t}a", "{t}b"], ["SET", "{t}a", "x"], ["RENAME", "{t}a", "{t}b"]]);
    await restartEveryShard();
    expect(await result(["DBSIZE"])).toBe(998);
    expect(await result(["MGET", "p:0", "p:1", "p:999", "{t}a", "{t}b"])).toEqual(["0", null, "999", null, "x"]);
  });
});
