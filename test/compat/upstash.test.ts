// The unmodified @upstash/redis client (defaults: base64 responses, auto-pipelining) against the running gateway.
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayProcess } from "./gateway-process";

let gateway: GatewayProcess;
let redis: Redis;

beforeAll(async () => {
  gateway = await GatewayProcess.start();
  redis = new Redis({ url: gateway.url, token: gateway.token });
  await redis.flushdb();
});
afterAll(async () => {
  await gateway?.stop();
});

describe("strings", () => {
  it("SET then GET round-trips text, numbers and unicode", async () => {
    expect(await redis.set("up:str", "hello world")).toBe("OK");
    expect(await redis.get("up:str")).toBe("hello world");
    await redis.set("up:num", 42);
    expect(await redis.get("up:num")).toBe(42);
    await redis.set("up:uni", "héllo ✓ 日本");
    expect(await redis.get("up:uni")).toBe("héllo ✓ 日本");
    expect(await redis.get("up:missing")).toBeNull();
  });

  it("SET with NX, XX and GET options", async () => {
    expect(await redis.set("up:nx", "first", { nx: true })).toBe("OK");
    expect(await redis.set("up:nx", "second", { nx: true })).toBeNull();
    expect(await redis.set("up:xx-missing", "v", { xx: true })).toBeNull();
    expect(await redis.set("up:nx", "third", { get: true })).toBe("first");
    expect(await redis.get("up:nx")).toBe("third");
  });

  it("INCR, INCRBY, DECR, INCRBYFLOAT", async () => {
    expect(await redis.incr("up:counter")).toBe(1);
    expect(await redis.incrby("up:counter", 41)).toBe(42);
    expect(await redis.decr("up:counter")).toBe(41);
    expect(await redis.incrbyfloat("up:float", 1.5)).toBe(1.5);
    expect(await redis.incrbyfloat("up:float", 0.25)).toBe(1.75);
  });

  it("INCR against a key holding a non-integer rejects with Redis's error", async () => {
    await redis.set("up:text", "abc");
    await expect(redis.incr("up:text")).rejects.toThrow("ERR value is not an integer or out of range");
  });

  it("MSET then MGET across shards keeps key order", async () => {
    const entries = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`up:m:${i}`, `value-${i}`]));
    expect(await redis.mset(entries)).toBe("OK");
    const keys = [...Object.keys(entries), "up:m:absent"];
    expect(await redis.mget(...keys)).toEqual([...Object.values(entries), null]);
  });

  it("GETRANGE, APPEND and STRLEN", async () => {
    await redis.set("up:range", "Hello, edgeslot");
    expect(await redis.getrange("up:range", 0, 4)).toBe("Hello");
    expect(await redis.getrange("up:range", -8, -1)).toBe("edgeslot");
    expect(await redis.append("up:range", "!")).toBe(16);
    expect(await redis.strlen("up:range")).toBe(16);
  });

  it("EXPIRE, TTL, PERSIST and SET with EX", async () => {
    await redis.set("up:ttl", "v");
    expect(await redis.ttl("up:ttl")).toBe(-1);
    expect(await redis.expire("up:ttl", 100)).toBe(1);
    const ttl = await redis.ttl("up:ttl");
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(100);
    expect(await redis.persist("up:ttl")).toBe(1);
    expect(await redis.ttl("up:ttl")).toBe(-1);
    await redis.set("up:ex", "v", { ex: 500 });
    const pttl = await redis.pttl("up:ex");
    expect(pttl).toBeGreaterThan(100_000);
    expect(pttl).toBeLessThanOrEqual(500_000);
    expect(await redis.ttl("up:absent")).toBe(-2);
  });

  it("a JSON value is stored as its serialisation and read back as the object", async () => {
    const value = { name: "edgeslot", shards: 4, tags: ["kv", "wasm"], nested: { ok: true, none: null } };
    await redis.set("up:json", value);
    expect(await redis.get("up:json")).toEqual(value);
    const raw = new Redis({ url: gateway.url, token: gateway.token, automaticDeserialization: false });
    expect(await raw.get("up:json")).toBe(JSON.stringify(value));
  });
});

describe("keys", () => {
  beforeAll(async () => {
    await redis.flushdb();
    await redis.mset(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`key:${i}`, i])));
    await redis.set("other", "x");
  });

  it("DEL and EXISTS over keys on several shards", async () => {
    expect(await redis.exists("key:1", "key:2", "key:absent", "key:1")).toBe(3);
    expect(await redis.del("key:1", "key:2", "key:absent")).toBe(2);
    expect(await redis.exists("key:1", "key:2")).toBe(0);
  });

  it("TYPE and DBSIZE", async () => {
    expect(await redis.type("key:3")).toBe("string");
    expect(await redis.type("key:absent")).toBe("none");
    expect(await redis.dbsize()).toBe(29);
  });

  it("KEYS with a pattern", async () => {
    const keys = await redis.keys("key:1*");
    expect(keys.sort()).toEqual(["key:10", "key:11", "key:12", "key:13", "key:14", "key:15", "key:16", "key:17", "key:18", "key:19"]);
  });

  it("SCAN iterated to completion returns every key exactly as KEYS does", async () => {
    const seen = new Set<string>();
    let cursor: string | number = 0;
    let rounds = 0;
    do {
      const [next, keys]: [string | number, string[]] = await redis.scan(cursor, { match: "key:*", count: 5 });
      keys.forEach((key) => seen.add(key));
      cursor = next;
      rounds++;
    } while (String(cursor) !== "0" && rounds < 1_000);
    expect([...seen].sort()).toEqual((await redis.keys("key:*")).sort());
    expect(seen.size).toBe(28);
  });
});

describe("pipelines and transactions", () => {
  it("redis.pipeline() returns every reply in order, errors included", async () => {
    const results = await redis
      .pipeline()
      .set("pipe:a", "1")
      .incr("pipe:a")
      .get("pipe:a")
      .set("pipe:b", "text")
      .mget("pipe:a", "pipe:b", "pipe:none")
      .exec();
    expect(results).toEqual(["OK", 2, 2, "OK", [2, "text", null]]);
  });

  it("redis.pipeline() with keepErrors reports a failing command inline", async () => {
    await redis.set("pipe:text", "abc");
    const results = await redis.pipeline().incr("pipe:text").get("pipe:text").exec({ keepErrors: true });
    expect(results[0]!.error).toContain("ERR value is not an integer or out of range");
    expect(results[1]).toEqual({ result: "abc", error: undefined });
  });

  it("redis.multi() executes the transaction and returns its replies", async () => {
    const results = await redis.multi().set("{tx}a", "10").incrby("{tx}a", 5).get("{tx}a").exec();
    expect(results).toEqual(["OK", 15, 15]);
  });

  it("auto-pipelining: concurrent commands resolve with their own replies", async () => {
    const writes = Array.from({ length: 40 }, (_, i) => redis.set(`auto:${i}`, `v${i}`));
    expect(await Promise.all(writes)).toEqual(Array(40).fill("OK"));
    const reads = await Promise.all(Array.from({ length: 40 }, (_, i) => redis.get(`auto:${i}`)));
    expect(reads).toEqual(Array.from({ length: 40 }, (_, i) => `v${i}`));
  });
});
