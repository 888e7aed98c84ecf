// Hashes survive a shard restart: from the effect log alone, and from checkpointed rows plus the log's tail.
import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Shard } from "../../shards/shard";
import { decodeReplies, encodeCommands, type Reply, Status } from "../../worker/wire/resp";

const text = (s: string) => new TextEncoder().encode(s);
const shardStub = () => env.SHARD.get(env.SHARD.idFromName(`hash-durability-${expect.getState().currentTestName}`));

async function run(stub: DurableObjectStub<Shard>, ...commands: (string | Uint8Array)[][]): Promise<Reply[]> {
  return decodeReplies(new Uint8Array(await stub.execute(encodeCommands(commands).buffer as ArrayBuffer)));
}

const tableCount = (stub: DurableObjectStub<Shard>, table: string) =>
  runInDurableObject(stub, (_, state) => state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).one().n);

describe("hash durability", () => {
  it("keeps hashes across a restart from log replay (HINCRBYFLOAT replayed as its result)", async () => {
    const stub = shardStub();
    await run(
      stub,
      ["HSET", "h", "a", "1", "b", "2"],
      ["HINCRBY", "h", "a", "41"],
      ["HINCRBYFLOAT", "h", "f", "0.1"],
      ["HDEL", "h", "b"],
      ["HSET", "gone", "x", "1"],
      ["HDEL", "gone", "x"],
      ["HRANDFIELD", "h", "-2"],
    );
    await evictDurableObject(stub);
    expect(await run(stub, ["HGETALL", "h"], ["EXISTS", "gone"], ["TYPE", "h"])).toEqual([
      [text("a"), text("42"), text("f"), text("0.1")],
      0,
      new Status("hash"),
    ]);
  });

  it("keeps hashes across a restart after a checkpoint trimmed the log", async () => {
    const stub = shardStub();
    // The test configuration checkpoints every 64 KiB of log: 300 hashes with 1 KiB values pass it.
    const value = "v".repeat(1024);
    await run(stub, ...Array.from({ length: 300 }, (_, i) => ["HSET", `hash:${i}`, "f", `${i}:${value}`, "n", String(i)]));
    expect(await tableCount(stub, "key_rows")).toBeGreaterThan(0);
    await run(stub, ["HDEL", "hash:7", "f", "n"], ["HSET", "hash:8", "g", "new"], ["HINCRBY", "hash:9", "n", "1"], ["PEXPIRE", "hash:10", "100000000"]);
    await evictDurableObject(stub);
    const reads = await run(
      stub,
      ["DBSIZE"],
      ["EXISTS", "hash:7"],
      ["HMGET", "hash:8", "f", "n", "g"],
      ["HGET", "hash:9", "n"],
      ["HLEN", "hash:299"],
      ["OBJECT", "ENCODING", "hash:8"],
    );
    // 1 KiB values put every hash in the table encoding, which its checkpoint row (compact) loads back into.
    expect(reads).toEqual([299, 0, [text(`8:${value}`), text("8"), text("new")], text("10"), 2, text("hashtable")]);
    const [pttl] = await run(stub, ["PTTL", "hash:10"]);
    expect(pttl).toBeGreaterThan(99_000_000);
  });
});
