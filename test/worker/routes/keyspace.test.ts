// Keyspace commands through `POST /`: split multi-key commands, expiry, renames, and the
// keyspace-wide commands that fan out to every shard.
import { describe, expect, it } from "vitest";
import { error, keysOnShards, result, useEmptyStore } from "../gateway";

useEmptyStore();


describe("keyspace commands over HTTP", () => {
  it("DEL, UNLINK, EXISTS, TOUCH split across shards and sum in key order", async () => {
    const [a, b, c, d] = await keysOnShards();
    await result(["MSET", a!, "1", b!, "2", c!, "3", d!, "4"]);
    expect(await result(["EXISTS", a!, b!, c!, d!, a!, "nope"])).toBe(5);
    expect(await result(["TOUCH", a!, b!, "nope"])).toBe(2);
    expect(await result(["DEL", a!, b!, "nope"])).toBe(2);
    expect(await result(["UNLINK", c!, d!, a!])).toBe(2);
    expect(await result(["DBSIZE"])).toBe(0);
  });

  it("TYPE", async () => {
    await result(["SET", "k", "v"]);
    expect(await result(["TYPE", "k"])).toBe("string");
    expect(await result(["TYPE", "missing"])).toBe("none");
  });

  it("EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with NX XX GT LT; TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST", async () => {
    await result(["SET", "k", "v"]);
    expect(await result(["TTL", "k"])).toBe(-1);
    expect(await result(["TTL", "missing"])).toBe(-2);
    expect(await result(["EXPIRETIME", "k"])).toBe(-1);
    expect(await result(["EXPIRE", "k", 100])).toBe(1);
    expect(await result(["EXPIRE", "k", 50, "GT"])).toBe(0);
    expect(await result(["EXPIRE", "k", 50, "LT"])).toBe(1);
    expect(await result(["EXPIRE", "k", 70, "NX"])).toBe(0);
    expect(await result(["EXPIRE", "k", 70, "XX"])).toBe(1);
    expect(await result(["PEXPIRE", "k", 80000])).toBe(1);
    const pttl = await result(["PTTL", "k"]);
    expect(pttl).toBeGreaterThan(79000);
    expect(pttl).toBeLessThanOrEqual(80000);
    const at = Math.floor(Date.now() / 1000) + 1000;
    expect(await result(["EXPIREAT", "k", at])).toBe(1);
    expect(await result(["EXPIRETIME", "k"])).toBe(at);
    expect(await result(["PEXPIREAT", "k", at * 1000 + 5])).toBe(1);
    expect(await result(["PEXPIRETIME", "k"])).toBe(at * 1000 + 5);
    expect(await result(["PERSIST", "k"])).toBe(1);
    expect(await result(["PERSIST", "k"])).toBe(0);
    expect(await result(["EXPIRE", "k", -1])).toBe(1);
    expect(await result(["EXISTS", "k"])).toBe(0);
    expect(await error(["EXPIRE", "k", "x"])).toBe("ERR value is not an integer or out of range");
    expect(await error(["EXPIRE", "k", 1, "NX", "XX"])).toBe("ERR NX and XX, GT or LT options at the same time are not compatible");
  });

  it("RENAME and RENAMENX on one shard and across shards", async () => {
    await result(["SET", "{u}a", "1"]);
    expect(await result(["RENAME", "{u}a", "{u}b"])).toBe("OK");
    expect(await result(["GET", "{u}b"])).toBe("1");
    expect(await error(["RENAME", "{u}missing", "{u}c"])).toBe("ERR no such key");
    await result(["SET", "{u}c", "2"]);
    expect(await result(["RENAMENX", "{u}b", "{u}c"])).toBe(0);
    expect(await result(["RENAMENX", "{u}b", "{u}d"])).toBe(1);
    const [a, b] = await keysOnShards();
    await result(["SET", a!, "x"]);
    expect(await result(["RENAMENX", a!, b!])).toBe(1);
    expect(await result(["RENAME", b!, a!])).toBe("OK");
    expect(await result(["MGET", a!, b!])).toEqual(["x", null]);
  });

  it("a key moved across shards keeps its expiry, even one past 2^53 ms", async () => {
    const [a, b, c] = await keysOnShards();
    await result(["SET", a!, "x"]);
    await result(["PEXPIREAT", a!, "9223372036854775807"]);
    expect(await result(["RENAME", a!, b!])).toBe("OK");
    expect(await result(["PEXPIRETIME", b!])).toBe(9223372036854775807);
    await result(["SET", c!, "y", "PXAT", "4102444800000"]);
    expect(await result(["COPY", c!, a!])).toBe(1);
    expect(await result(["PEXPIRETIME", a!])).toBe(4102444800000);
    expect(await result(["PERSIST", b!])).toBe(1);
  });

  it("KEYS concatenates every shard's matches", async () => {
    const keys = await keysOnShards("user:");
    await result(["MSET", ...keys.flatMap((k) => [k, "v"]), "other", "v"]);
    expect((await result(["KEYS", "user:*"])).sort()).toEqual([...keys].sort());
    expect((await result(["KEYS", "*"])).length).toBe(5);
  });

  it("DBSIZE sums every shard", async () => {
    const keys = await keysOnShards();
    await result(["MSET", ...keys.flatMap((k) => [k, "v"])]);
    expect(await result(["DBSIZE"])).toBe(4);
  });

  it("SCAN walks every shard with MATCH, COUNT and TYPE, and ends at cursor 0", async () => {
    const keys: string[] = [];
    for (let i = 0; i < 60; i++) keys.push(`scan:${i}`);
    await result(["MSET", ...keys.flatMap((k) => [k, "v"]), "other", "v"]);
    const seen = new Set<string>();
    let cursor = "0";
    let rounds = 0;
    const shardsVisited = new Set<number>();
    do {
      const [next, batch] = await result(["SCAN", cursor, "MATCH", "scan:*", "COUNT", 10, "TYPE", "string"]);
      for (const key of batch) seen.add(key);
      cursor = next;
      shardsVisited.add(Number(BigInt(next) % 4n));
      expect(++rounds).toBeLessThan(200);
    } while (cursor !== "0");
    expect([...seen].sort()).toEqual([...keys].sort());
    expect(shardsVisited.size).toBeGreaterThan(1);
    const [, none] = await result(["SCAN", "0", "TYPE", "list", "COUNT", 1000]);
    expect(none).toEqual([]);
  });

  it("SCAN with an invalid cursor", async () => {
    expect(await error(["SCAN", "abc"])).toBe("ERR invalid cursor");
    expect(await error(["SCAN", "-1"])).toBe("ERR invalid cursor");
  });

  it("RANDOMKEY returns a key from some shard, or null when empty", async () => {
    expect(await result(["RANDOMKEY"])).toBe(null);
    const keys = await keysOnShards();
    await result(["MSET", keys[2]!, "v", keys[3]!, "v"]);
    for (let i = 0; i < 5; i++) expect([keys[2], keys[3]]).toContain(await result(["RANDOMKEY"]));
  });

  it("FLUSHDB and FLUSHALL empty every shard", async () => {
    const keys = await keysOnShards();
    await result(["MSET", ...keys.flatMap((k) => [k, "v"])]);
    expect(await result(["FLUSHDB"])).toBe("OK");
    expect(await result(["DBSIZE"])).toBe(0);
    await result(["MSET", ...keys.flatMap((k) => [k, "v"])]);
    expect(await result(["FLUSHALL", "SYNC"])).toBe("OK");
    expect(await result(["DBSIZE"])).toBe(0);
  });
});
