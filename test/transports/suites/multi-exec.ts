// Transactions over any transport: on one shard or across shards, EXECABORT for queue-time errors.
import { describe, expect, it } from "vitest";
import type { Client } from "../transport";

const EXECABORT = { error: "EXECABORT Transaction discarded because of previous errors." };

export function multiExecSuite(t: Client): void {
  describe(`multi-exec over ${t.name}`, () => {
    it("runs every command and answers the per-command array", async () => {
      expect(await t.multiExec([["SET", "{t}a", "1"], ["INCR", "{t}a"], ["GET", "{t}a"], ["PING"], ["MGET", "{t}a", "{t}b"]])).toEqual([
        { result: "OK" }, { result: 2 }, { result: "2" }, { result: "PONG" }, { result: ["2", null] },
      ]);
    });

    it("runs keyless commands on the transaction's shard, wherever that is", async () => {
      for (const key of await t.keysOnShards()) {
        expect(await t.multiExec([["PING"], ["SET", key, "v"], ["ECHO", "x"], ["GET", key]])).toEqual([
          { result: "PONG" }, { result: "OK" }, { result: "x" }, { result: "v" },
        ]);
      }
    });

    it("runtime errors are inline and do not stop the transaction", async () => {
      await t.result(["SET", "{t}s", "abc"]);
      expect(await t.multiExec([["INCR", "{t}s"], ["SET", "{t}s", "def"], ["GET", "{t}s"]])).toEqual([
        { error: "ERR value is not an integer or out of range" }, { result: "OK" }, { result: "def" },
      ]);
    });

    it.each([
      ["an unknown command", ["NOPE", "x"]],
      ["a wrong arity", ["GET"]],
      ["an unknown subcommand", ["CLUSTER", "NOPE"]],
    ])("%s discards the transaction with EXECABORT and runs nothing", async (_, bad) => {
      expect(await t.multiExec([["SET", "{t}a", "1"], bad])).toEqual(EXECABORT);
      expect(await t.result(["EXISTS", "{t}a"])).toBe(0);
    });

    it("keys on several shards: one atomic transaction, replies in order, runtime errors inline", async () => {
      const [a, b, c, d] = await t.keysOnShards();
      expect(await t.multiExec([["SET", a!, "1"], ["SET", b!, "2"], ["PING"], ["INCR", a!], ["MGET", a!, b!, c!], ["HSET", c!, "f", "v"], ["INCR", c!], ["RPUSH", d!, "x"]])).toEqual([
        { result: "OK" }, { result: "OK" }, { result: "PONG" }, { result: 2 }, { result: ["2", "2", null] }, { result: 1 },
        { error: "WRONGTYPE Operation against a key holding the wrong kind of value" }, { result: 1 },
      ]);
      expect(await t.result(["MGET", a!, b!])).toEqual(["2", "2"]);
      expect(await t.result(["HGETALL", c!])).toEqual(["f", "v"]);
      expect(await t.result(["LRANGE", d!, 0, -1])).toEqual(["x"]);
    });

    it("a queue-time error discards a transaction across shards too, and commands reaching every shard are refused", async () => {
      const [a, b] = await t.keysOnShards();
      expect(await t.multiExec([["SET", a!, "1"], ["SET", b!, "2"], ["GET"]])).toEqual(EXECABORT);
      expect(await t.result(["EXISTS", a!, b!])).toBe(0);
      expect(await t.multiExec([["SET", a!, "1"], ["SET", b!, "2"], ["DBSIZE"]])).toEqual({ error: "ERR 'dbsize' cannot run in a transaction whose keys span shards" });
      expect(await t.result(["EXISTS", a!, b!])).toBe(0);
    });
  });
}
