// `POST /pipeline`: one entry per command in request order across shards, errors inline.
import { describe, expect, it } from "vitest";
import { call, keysOnShards, pipeline, result, useEmptyStore } from "../gateway";

useEmptyStore();

describe("pipeline", () => {
  it("replies in request order while commands run on different shards", async () => {
    const [a, b, c, d] = await keysOnShards();
    const commands = [
      ["SET", a!, "1"], ["SET", b!, "2"], ["INCR", a!], ["SET", c!, "3"], ["GET", b!], ["INCR", d!],
      ["MGET", d!, c!, b!, a!], ["DBSIZE"], ["GET", a!], ["DEL", a!, c!], ["EXISTS", a!, b!, c!, d!],
    ];
    const answer = await pipeline(commands);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual([
      { result: "OK" }, { result: "OK" }, { result: 2 }, { result: "OK" }, { result: "2" }, { result: 1 },
      { result: ["1", "3", "2", "2"] }, { result: 4 }, { result: "2" }, { result: 2 }, { result: 2 },
    ]);
  });

  it("keeps per-shard order for many commands on one key", async () => {
    const commands = Array.from({ length: 200 }, () => ["INCR", "counter"]);
    const answer = await pipeline(commands);
    expect(answer.json.map((entry: { result: number }) => entry.result)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it("answers errors inline with no result key, and runs the rest", async () => {
    await result(["SET", "s", "abc"]);
    const answer = await pipeline([["INCR", "s"], ["NOPE"], ["GET"], ["GET", "s"], ["SCAN", "x"]]);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual([
      { error: "ERR value is not an integer or out of range" },
      { error: "ERR unknown command 'NOPE', with args beginning with: " },
      { error: "ERR wrong number of arguments for 'get' command" },
      { result: "abc" },
      { error: "ERR invalid cursor" },
    ]);
    expect(Object.keys(answer.json[0])).toEqual(["error"]);
  });

  it("answers CROSSSLOT inline for one command and runs its neighbours", async () => {
    const [a, b] = await keysOnShards();
    const answer = await pipeline([["SET", a!, "x"], ["RENAME", a!, b!], ["GET", a!]]);
    expect(answer.json).toEqual([{ result: "OK" }, { error: "CROSSSLOT Keys in request don't hash to the same slot" }, { result: "x" }]);
  });

  it("handles a thousand commands over every shard", async () => {
    const keys = await keysOnShards();
    const commands = Array.from({ length: 1000 }, (_, i) => ["SET", `${keys[i % 4]}:${i}`, String(i)]);
    const answer = await pipeline([...commands, ["DBSIZE"]]);
    expect(answer.json).toHaveLength(1001);
    expect(answer.json[1000]).toEqual({ result: 1000 });
  });

  it.each(["1", "3"])("with EDGESLOT_SHARDS=%s replies keep request order and fan-outs cover every shard", async (shards) => {
    const vars = { vars: { EDGESLOT_SHARDS: shards } };
    const keys = Array.from({ length: 20 }, (_, i) => `p${i}`);
    const answer = await pipeline([...keys.map((k, i) => ["SET", k, String(i)]), ["MGET", ...keys], ["DBSIZE"], ["FLUSHDB"]], vars);
    expect(answer.json.slice(20)).toEqual([{ result: keys.map((_, i) => String(i)) }, { result: 20 }, { result: "OK" }]);
    const slots = (await call(["CLUSTER", "SLOTS"], vars)).json.result;
    expect(slots).toHaveLength(Number(shards));
  });
});
