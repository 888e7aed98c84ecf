// The unmodified @upstash/redis `Redis` class over the service binding through bindingRequester:
// single commands, pipeline(), multi(), auto-pipelining, JSON values, and errors as UpstashError.
import { Redis } from "@upstash/redis";
import { describe, expect, it } from "vitest";
import { bindingRequester } from "../../worker/client";
import { bindingTransport, useEmptyStoreOver } from "../transports/transport";
import { edgeslot, edgeslotReadOnly } from "./bindings";

useEmptyStoreOver(bindingTransport("the service binding", edgeslot));

/** How a consumer turns auto-pipelining on: the Requester constructor leaves it off, and the
 * switch is the class's own (protected) autoPipeline(). */
class AutoPipelinedRedis extends Redis {
  constructor(requester: ConstructorParameters<typeof Redis>[0]) {
    super(requester);
    // The class does the same in its config constructor: the proxy batches commands of one tick.
    return this.autoPipeline();
  }
}

describe("@upstash/redis over the binding", () => {
  const redis = new Redis(bindingRequester(edgeslot));

  it("set, get, incr, mget, del", async () => {
    expect(await redis.set("k", "v")).toBe("OK");
    expect(await redis.get("k")).toBe("v");
    expect(await redis.incr("n")).toBe(1);
    expect(await redis.incrby("n", 41)).toBe(42);
    expect(await redis.mget("k", "n", "missing")).toEqual(["v", 42, null]);
    expect(await redis.set("e", "x", { ex: 100 })).toBe("OK");
    expect(await redis.ttl("e")).toBe(100);
    expect(await redis.del("k", "n", "missing")).toBe(2);
    expect(await redis.get("k")).toBe(null);
  });

  it("collections: hashes, lists, sets and sorted sets through the client's own commands", async () => {
    expect(await redis.hset("h", { a: 1, b: "two" })).toBe(2);
    expect(await redis.hgetall("h")).toEqual({ a: 1, b: "two" });
    expect(await redis.hincrby("h", "a", 5)).toBe(6);
    expect(await redis.rpush("l", "x", "y", "z")).toBe(3);
    expect(await redis.lrange("l", 0, -1)).toEqual(["x", "y", "z"]);
    expect(await redis.lpop("l")).toBe("x");
    expect(await redis.sadd("s", "m1", "m2", "m1")).toBe(2);
    expect((await redis.smembers("s")).sort()).toEqual(["m1", "m2"]);
    expect(await redis.sismember("s", "m2")).toBe(1);
    expect(await redis.zadd("z", { score: 2, member: "b" }, { score: 1, member: "a" })).toBe(2);
    expect(await redis.zrange("z", 0, -1, { withScores: true })).toEqual(["a", 1, "b", 2]);
    expect(await redis.zincrby("z", 0.5, "a")).toBe(1.5);
    expect(await redis.zrank("z", "b")).toBe(1);
    expect(await redis.type("z")).toBe("zset");
    await expect(redis.lpush("h", "x")).rejects.toThrow("WRONGTYPE Operation against a key holding the wrong kind of value");
  });

  it("a JSON object value is serialized and parsed back", async () => {
    const value = { name: "edgeslot", tags: ["kv", "redis"], nested: { n: 1, ok: true } };
    await redis.set("obj", value);
    expect(await redis.get("obj")).toEqual(value);
  });

  it("a Redis error is thrown as the client's error with Redis's message", async () => {
    await redis.set("s", "abc");
    await expect(redis.incr("s")).rejects.toThrow("ERR value is not an integer or out of range");
  });

  it("pipeline() answers in order across shards", async () => {
    const p = redis.pipeline();
    p.set("a", "1").set("b", "2").incr("a").mget("a", "b").dbsize();
    expect(await p.exec()).toEqual(["OK", "OK", 2, [2, 2], 2]);
  });

  it("multi() runs a transaction on one shard", async () => {
    const tx = redis.multi();
    tx.set("{t}a", "1").incr("{t}a").get("{t}a");
    expect(await tx.exec()).toEqual(["OK", 2, 2]);
  });

  it("multi() across slots and shards is one atomic transaction", async () => {
    const tx = redis.multi();
    tx.set("user:1", "1").set("user:2", "2").incr("user:1").mget("user:1", "user:2", "user:3").del("user:2");
    expect(await tx.exec()).toEqual(["OK", "OK", 2, [2, 2, null], 1]);
    expect(await redis.mget("user:1", "user:2")).toEqual([2, null]);
  });

  it("auto-pipelining batches concurrent commands into pipeline requests", async () => {
    const requester = bindingRequester(edgeslot);
    const paths: string[][] = [];
    const auto = new AutoPipelinedRedis({
      ...requester,
      request: (req) => {
        paths.push(req.path ?? []);
        return requester.request(req);
      },
    });
    const [set, incr, get] = await Promise.all([auto.set("ap", "10"), auto.incr("ap"), auto.get("ap")]);
    expect([set, incr, get]).toEqual(["OK", 11, 11]);
    // Fewer requests than commands, each a pipeline (the client may batch reads and writes apart).
    expect(paths.length).toBeLessThan(3);
    expect(paths.every((path) => path.join("/") === "pipeline")).toBe(true);
  });

  it("scripts: eval, evalsha, scriptLoad/Exists/Flush, and createScript's EVALSHA-then-EVAL fallback", async () => {
    const body = "redis.call('SET', KEYS[1], ARGV[1]); return {redis.call('INCR', KEYS[1]), ARGV[2]}";
    expect(await redis.eval(body, ["sc"], ["41", "tag"])).toEqual([42, "tag"]);
    const sha = await redis.scriptLoad(body);
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await redis.evalsha(sha, ["sc"], ["9", "x"])).toEqual([10, "x"]);
    expect(await redis.scriptExists(sha, "0".repeat(40))).toEqual([1, 0]);
    await expect(redis.eval("return redis.call('INCR', KEYS[1])", ["k-string"], [])).resolves.toBe(1);
    await redis.set("k-string", "abc");
    await expect(redis.eval("return redis.call('INCR', KEYS[1])", ["k-string"], [])).rejects.toThrow(/^ERR value is not an integer or out of range script: /);
    expect(await redis.scriptFlush()).toBe("OK");
    await expect(redis.evalsha(sha, ["sc"], ["1", "x"])).rejects.toThrow("NOSCRIPT No matching script. Please use EVAL.");

    // The client's Script: EVALSHA first, EVAL when the shard answers NOSCRIPT, EVALSHA again after.
    const requester = bindingRequester(edgeslot);
    const sent: string[] = [];
    const watched = new Redis({
      ...requester,
      request: (req) => {
        sent.push(String((req.body as unknown[])[0]).toUpperCase());
        return requester.request(req);
      },
    });
    const counter = watched.createScript<number>("return redis.call('INCRBY', KEYS[1], ARGV[1])");
    expect(await counter.exec(["script-counter"], ["5"])).toBe(5);
    expect(await counter.exec(["script-counter"], ["5"])).toBe(10);
    expect(sent).toEqual(["EVALSHA", "EVAL", "EVALSHA"]);
    // The client JSON-parses bulk replies by default, so "10" comes back as 10.
    const reader = watched.createScript<number, true>("return redis.call('GET', KEYS[1])", { readonly: true });
    expect(await reader.exec(["script-counter"], [])).toBe(10);
    expect(await reader.evalRo(["script-counter"], [])).toBe(10);
  });

  it("read-only scripts through the read-only binding; writing scripts refused", async () => {
    await redis.set("ro", "v");
    const reader = new Redis(bindingRequester(edgeslotReadOnly));
    expect(await reader.evalRo("return redis.call('GET', KEYS[1])", ["ro"], [])).toBe("v");
    await expect(reader.eval("return redis.call('GET', KEYS[1])", ["ro"], [])).rejects.toThrow(/^NOPERM /);
    await expect(reader.evalRo("return redis.call('SET', KEYS[1], 'w')", ["ro"], [])).rejects.toThrow(
      /^ERR Write commands are not allowed from read-only scripts\./,
    );
    expect(await redis.get("ro")).toBe("v");
  });

  it("the sync token: the client can read and set it, and reads see the writes before them", async () => {
    const client = new Redis(bindingRequester(edgeslot));
    expect(typeof client.readYourWritesSyncToken).toBe("string");
    client.readYourWritesSyncToken = "carried-over";
    expect(client.readYourWritesSyncToken).toBe("carried-over");
    for (let i = 0; i < 20; i++) {
      await client.set("ryw", String(i));
      expect(await client.get("ryw")).toBe(i);
    }
    const noRyw = new Redis({ ...bindingRequester(edgeslot), readYourWrites: false });
    expect(await noRyw.incr("ryw")).toBe(20);
  });

  it("the read-only binding refuses writes with NOPERM and serves reads", async () => {
    await redis.set("k", "v");
    const reader = new Redis(bindingRequester(edgeslotReadOnly));
    expect(await reader.get("k")).toBe("v");
    await expect(reader.set("k", "w")).rejects.toThrow("NOPERM this user has no permissions to run the 'set' command");
    expect(await redis.get("k")).toBe("v");
  });
});
