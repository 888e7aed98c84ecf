// Bitmaps and HyperLogLogs survive a shard restart: from the effect log alone, and from checkpointed rows plus the log's tail.
import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Shard } from "../../shards/shard";
import { decodeReplies, encodeCommands, type Reply } from "../../worker/wire/resp";

const shardStub = () => env.SHARD.get(env.SHARD.idFromName(`bitmap-durability-${expect.getState().currentTestName}`));

async function run(stub: DurableObjectStub<Shard>, ...commands: (string | Uint8Array)[][]): Promise<Reply[]> {
  return decodeReplies(new Uint8Array(await stub.execute(encodeCommands(commands).buffer as ArrayBuffer)));
}

const tableCount = (stub: DurableObjectStub<Shard>, table: string) =>
  runInDurableObject(stub, (_, state) => state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).one().n);

const elements = (from: number, n: number) => Array.from({ length: n }, (_, i) => `e${from + i}`);

describe("bitmap and hyperloglog durability", () => {
  it("keeps a bitmap and an HLL across a restart from log replay (BITFIELD replayed as the values it stored)", async () => {
    const stub = shardStub();
    await run(
      stub,
      ["SETBIT", "{b}m", "100", "1"],
      ["SETBIT", "{b}m", "3", "1"],
      ["BITFIELD", "{b}m", "OVERFLOW", "SAT", "INCRBY", "u8", "#2", "300", "OVERFLOW", "FAIL", "INCRBY", "i4", "40", "100"],
      ["SET", "{b}s", "abc"],
      ["BITOP", "XOR", "{b}x", "{b}m", "{b}s"],
      ["PFADD", "{h}a", ...elements(0, 500)],
      ["PFADD", "{h}b", ...elements(400, 500)],
      ["PFMERGE", "{h}m", "{h}a", "{h}b"],
    );
    const reads = (): (string | Uint8Array)[][] => [
      ["GET", "{b}m"], ["GET", "{b}x"], ["BITCOUNT", "{b}m"], ["PFCOUNT", "{h}a"], ["PFCOUNT", "{h}m"], ["PFCOUNT", "{h}a", "{h}b"], ["GET", "{h}m"],
    ];
    const before = await run(stub, ...reads());
    expect(before[4]).toBe(before[5]);
    await evictDurableObject(stub);
    expect(await run(stub, ...reads())).toEqual(before);
  });

  it("keeps bitmaps and HLLs across a restart after a checkpoint trimmed the log", async () => {
    const stub = shardStub();
    // The test configuration checkpoints every 64 KiB of log: a dozen PFADDs of 2000 elements pass it.
    await run(stub, ...Array.from({ length: 12 }, (_, i) => ["PFADD", `hll:${i}`, ...elements(i * 100, 2000)]));
    await run(stub, ...Array.from({ length: 200 }, (_, i) => ["SETBIT", `bits:${i}`, String(i * 50), "1"]));
    expect(await tableCount(stub, "key_rows")).toBeGreaterThan(0);
    await run(stub, ["PFADD", "hll:3", "tail"], ["SETBIT", "bits:7", "1", "1"], ["BITFIELD", "bits:8", "SET", "u16", "0", "65535"]);
    const reads = (): (string | Uint8Array)[][] => [
      ["PFCOUNT", "hll:0"], ["PFCOUNT", "hll:3"], ["PFCOUNT", "hll:11"], ["GET", "hll:5"], ["GET", "bits:7"], ["GET", "bits:8"], ["GET", "bits:199"], ["DBSIZE"],
    ];
    const before = await run(stub, ...reads());
    expect(before.at(-1)).toBe(212);
    await evictDurableObject(stub);
    expect(await run(stub, ...reads())).toEqual(before);
  });
});
