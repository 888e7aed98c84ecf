// `POST /pipeline` specifics over HTTP: status 200 with errors inline, and other shard counts. The
// behaviour shared with the binding (order, inline errors, cross-shard commands, size) is in test/transports.
import { describe, expect, it } from "vitest";
import { Random } from "../../compat/random";
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

  // A pipeline whose commands are each one shard's renders from the shards' RESP in transcode.wasm;
  // one more command that merges (DBSIZE's fan-out) sends the same replies through json.ts.
  it.each([1, 2, 3])("renders a plain pipeline's replies, and one command's, from the shards' RESP exactly as json.ts renders them, as text and base64 (seed %i)", async (seed) => {
    const random = new Random(seed);
    const value = () => random.pick(["", "0", "-12", "9223372036854775807", "3.5", "é☃\u0000\n\"", "x".repeat(random.int(1, 300)), `v${random.int(0, 1e6)}`]);
    const key = () => `r${random.int(0, 40)}`;
    const writes = Array.from({ length: 60 }, () =>
      random.pick([["SET", key(), value()], ["HSET", `h${key()}`, value(), value()], ["RPUSH", `l${key()}`, value(), value()], ["ZADD", `z${key()}`, String(random.int(-5, 5)), value()], ["SADD", `s${key()}`, value()]]),
    );
    await pipeline(writes);
    const reads = Array.from({ length: 80 }, () =>
      random.pick([["GET", key()], ["HGETALL", `h${key()}`], ["LRANGE", `l${key()}`, "0", "-1"], ["ZRANGE", `z${key()}`, "0", "-1", "WITHSCORES"], ["SMEMBERS", `s${key()}`], ["STRLEN", key()], ["GET", `h${key()}`], ["TTL", key()], ["EXISTS", key()], ["TYPE", key()]]),
    );
    for (const base64 of [false, true]) {
      const plain = await pipeline(reads, { base64 });
      const merged = await pipeline([...reads, ["DBSIZE"]], { base64 });
      expect(plain.status).toBe(200);
      expect(plain.text).toBe(merged.text.slice(0, merged.text.lastIndexOf(",{")) + "]");
      // One command alone renders the same way, and answers 400 for an error reply.
      const elements = merged.json.slice(0, -1) as { error?: string }[];
      for (const [i, read] of reads.slice(0, 20).entries()) {
        const alone = await call(read!, { base64 });
        expect(alone.text).toBe(JSON.stringify(elements[i]));
        expect(alone.status).toBe(elements[i]!.error === undefined ? 200 : 400);
      }
    }
  });
});
