// Sorted sets survive a shard restart: from the effect log alone, and from checkpointed rows (compact and
// skiplist-encoded sets) plus the log's tail.
import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Shard } from "../../shards/shard";
import { decodeReplies, encodeCommands, type Reply, Status } from "../../worker/wire/resp";

const text = (s: string) => new TextEncoder().encode(s);
const shardStub = () => env.SHARD.get(env.SHARD.idFromName(`zset-durability-${expect.getState().currentTestName}`));

async function run(stub: DurableObjectStub<Shard>, ...commands: (string | Uint8Array)[][]): Promise<Reply[]> {
  return decodeReplies(new Uint8Array(await stub.execute(encodeCommands(commands).buffer as ArrayBuffer)));
}

const tableCount = (stub: DurableObjectStub<Shard>, table: string) =>
  runInDurableObject(stub, (_, state) => state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).one().n);

describe("sorted-set durability", () => {
  it("keeps sorted sets across a restart from log replay (ZINCRBY as its result, pops as what they removed)", async () => {
    const stub = shardStub();
    const pairs = Array.from({ length: 200 }, (_, i) => [String(i % 13), `m${i}`]).flat();
    const before = await run(
      stub,
      ["ZADD", "z", "0.1", "a", "2", "b", "3", "c", "4", "d"],
      ["ZINCRBY", "z", "0.2", "a"],
      ["ZADD", "z", "INCR", "1e-300", "b"],
      ["ZPOPMAX", "z"],
      ["ZADD", "{k}big", ...pairs],
      ["ZMPOP", "1", "{k}big", "MIN", "COUNT", "5"],
      ["ZUNIONSTORE", "{k}u", "2", "{k}big", "{k}big", "WEIGHTS", "0.5", "inf"],
      ["ZRANGESTORE", "{k}r", "{k}big", "(3", "5", "BYSCORE"],
      ["ZREMRANGEBYLEX", "{k}big", "[m1", "(m2"],
      ["ZRANDMEMBER", "z", "-3"],
      ["ZADD", "gone", "1", "x"],
      ["ZREM", "gone", "x"],
      ["ZRANGE", "{k}big", "0", "-1", "WITHSCORES"],
      ["ZRANGE", "{k}u", "0", "-1", "WITHSCORES"],
      ["ZRANGE", "{k}r", "0", "-1", "WITHSCORES"],
    );
    await evictDurableObject(stub);
    const after = await run(
      stub,
      ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
      ["EXISTS", "gone"],
      ["TYPE", "z"],
      ["OBJECT", "ENCODING", "{k}big"],
      ["ZRANGE", "{k}big", "0", "-1", "WITHSCORES"],
      ["ZRANGE", "{k}u", "0", "-1", "WITHSCORES"],
      ["ZRANGE", "{k}r", "0", "-1", "WITHSCORES"],
    );
    expect(after.slice(0, 4)).toEqual([
      [text("a"), text("0.30000000000000004"), text("b"), text("2"), text("c"), text("3")],
      0,
      new Status("zset"),
      text("skiplist"),
    ]);
    expect(after.slice(4)).toEqual(before.slice(-3));
  });

  it("keeps sorted sets across a restart after a checkpoint trimmed the log", async () => {
    const stub = shardStub();
    // The test configuration checkpoints every 64 KiB of log: 300 sets with 1 KiB members pass it.
    const member = "m".repeat(1024);
    await run(stub, ...Array.from({ length: 300 }, (_, i) => ["ZADD", `zset:${i}`, String(i), `${i}:${member}`, "0.5", "small"]));
    const big = Array.from({ length: 5000 }, (_, i) => [String(i % 50), `big${i}`]).flat();
    await run(stub, ["ZADD", "big", ...big]);
    await run(stub, ...Array.from({ length: 100 }, (_, i) => ["ZADD", `pad:${i}`, "1", `${i}:${member}`]));
    expect(await tableCount(stub, "key_rows")).toBeGreaterThan(0);
    await run(
      stub,
      ["ZREM", "zset:7", `7:${member}`, "small"],
      ["ZADD", "zset:8", "-inf", "new"],
      ["ZINCRBY", "zset:9", "1", "small"],
      ["PEXPIRE", "zset:10", "100000000"],
      ["ZREMRANGEBYRANK", "big", "0", "99"],
    );
    const bigBefore = await run(stub, ["ZRANGE", "big", "0", "-1", "WITHSCORES"]);
    await evictDurableObject(stub);
    const reads = await run(
      stub,
      ["EXISTS", "zset:7"],
      ["ZRANGE", "zset:8", "0", "-1", "WITHSCORES"],
      ["ZSCORE", "zset:9", "small"],
      ["ZCARD", "zset:299"],
      ["ZCARD", "big"],
      ["OBJECT", "ENCODING", "big"],
      ["OBJECT", "ENCODING", "zset:299"],
    );
    expect(reads).toEqual([
      0,
      [text("new"), text("-inf"), text("small"), text("0.5"), text(`8:${member}`), text("8")],
      text("1.5"),
      2,
      4900,
      text("skiplist"),
      text("skiplist"),
    ]);
    expect(await run(stub, ["ZRANGE", "big", "0", "-1", "WITHSCORES"])).toEqual(bigBefore);
    const [pttl] = await run(stub, ["PTTL", "zset:10"]);
    expect(pttl).toBeGreaterThan(99_000_000);
  });
});
