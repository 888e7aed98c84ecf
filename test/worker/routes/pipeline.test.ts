// `POST /pipeline` specifics over HTTP: status 200 with errors inline, and other shard counts. The
// behaviour shared with the binding (order, inline errors, cross-shard commands, size) is in test/transports.
import { describe, expect, it } from "vitest";
import { call, pipeline, result, useEmptyStore } from "../gateway";

useEmptyStore();

describe("pipeline", () => {
  it("answers 200 when commands fail, with each error inline", async () => {
    await result(["SET", "s", "abc"]);
    const answer = await pipeline([["INCR", "s"], ["GET", "s"]]);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual([{ error: "ERR value is not an integer or out of range" }, { result: "abc" }]);
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
