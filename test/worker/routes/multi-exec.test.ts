// `POST /multi-exec`: a transaction on one shard, EXECABORT for queue-time errors, CROSSSLOT across
// shards (until the cross-shard protocol exists).
import { describe, expect, it } from "vitest";
import { keysOnShards, multiExec, result, useEmptyStore } from "../gateway";

useEmptyStore();

const EXECABORT = { error: "EXECABORT Transaction discarded because of previous errors." };

describe("multi-exec", () => {
  it("runs every command and answers the per-command array", async () => {
    const answer = await multiExec([["SET", "{t}a", "1"], ["INCR", "{t}a"], ["GET", "{t}a"], ["PING"], ["MGET", "{t}a", "{t}b"]]);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual([{ result: "OK" }, { result: 2 }, { result: "2" }, { result: "PONG" }, { result: ["2", null] }]);
  });

  it("runs keyless commands on the transaction's shard, wherever that is", async () => {
    const keys = await keysOnShards();
    for (const key of keys) {
      const answer = await multiExec([["PING"], ["SET", key, "v"], ["ECHO", "x"], ["GET", key]]);
      expect(answer.json).toEqual([{ result: "PONG" }, { result: "OK" }, { result: "x" }, { result: "v" }]);
    }
  });

  it("runtime errors are inline and do not stop the transaction", async () => {
    await result(["SET", "{t}s", "abc"]);
    const answer = await multiExec([["INCR", "{t}s"], ["SET", "{t}s", "def"], ["GET", "{t}s"]]);
    expect(answer.json).toEqual([{ error: "ERR value is not an integer or out of range" }, { result: "OK" }, { result: "def" }]);
  });

  it.each([
    ["an unknown command", ["NOPE", "x"]],
    ["a wrong arity", ["GET"]],
    ["an unknown subcommand", ["CLUSTER", "NOPE"]],
  ])("%s discards the transaction with EXECABORT and runs nothing", async (_, bad) => {
    const answer = await multiExec([["SET", "{t}a", "1"], bad]);
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual(EXECABORT);
    expect(await result(["EXISTS", "{t}a"])).toBe(0);
  });

  it("keys on several shards are CROSSSLOT and run nothing", async () => {
    const [a, b] = await keysOnShards();
    const answer = await multiExec([["SET", a!, "1"], ["SET", b!, "2"]]);
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ error: "CROSSSLOT Keys in request don't hash to the same slot" });
    expect(await result(["EXISTS", a!, b!])).toBe(0);
    expect((await multiExec([["MGET", a!, b!]])).json).toEqual({ error: "CROSSSLOT Keys in request don't hash to the same slot" });
  });
});
