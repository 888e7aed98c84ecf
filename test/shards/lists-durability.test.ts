// Lists survive a shard restart: from the effect log alone, and from checkpointed rows (lists of thousands of
// elements in several quicklist nodes) plus the log's tail.
import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Shard } from "../../shards/shard";
import { decodeReplies, encodeCommands, type Reply, Status } from "../../worker/wire/resp";

const text = (s: string) => new TextEncoder().encode(s);
const texts = (items: string[]) => items.map(text);
const shardStub = () => env.SHARD.get(env.SHARD.idFromName(`list-durability-${expect.getState().currentTestName}`));

async function run(stub: DurableObjectStub<Shard>, ...commands: (string | Uint8Array)[][]): Promise<Reply[]> {
  return decodeReplies(new Uint8Array(await stub.execute(encodeCommands(commands).buffer as ArrayBuffer)));
}

const tableCount = (stub: DurableObjectStub<Shard>, table: string) =>
  runInDurableObject(stub, (_, state) => state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).one().n);

const range = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe("list durability", () => {
  it("keeps lists across a restart from log replay (pops, moves, LMPOP, trims, rotation)", async () => {
    const stub = shardStub();
    await run(
      stub,
      ["RPUSH", "l", "a", "b", "c", "d", "e", "f"],
      ["LPUSH", "l", "z"],
      ["LPOP", "l", "2"],
      ["RPOP", "l"],
      ["LSET", "l", "0", "B"],
      ["LINSERT", "l", "AFTER", "B", "ins"],
      ["LREM", "l", "0", "d"],
      ["LMOVE", "l", "m", "RIGHT", "LEFT"],
      ["RPOPLPUSH", "l", "l"],
      ["LMPOP", "2", "none", "l", "LEFT", "COUNT", "1"],
      ["RPUSH", "gone", "x"],
      ["LTRIM", "gone", "1", "0"],
    );
    const before = await run(stub, ["LRANGE", "l", "0", "-1"], ["LRANGE", "m", "0", "-1"]);
    await evictDurableObject(stub);
    expect(await run(stub, ["LRANGE", "l", "0", "-1"], ["LRANGE", "m", "0", "-1"], ["EXISTS", "gone"], ["TYPE", "l"])).toEqual([
      ...before,
      0,
      new Status("list"),
    ]);
  });

  it("keeps multi-node lists across a restart after a checkpoint trimmed the log", async () => {
    const stub = shardStub();
    // The test configuration checkpoints every 64 KiB of log: these pushes pass it several times over.
    const big = range(20_000, "element-");
    for (let i = 0; i < big.length; i += 2000) await run(stub, ["RPUSH", "big", ...big.slice(i, i + 2000)]);
    const lists = Array.from({ length: 40 }, (_, i) => ["RPUSH", `list:${i}`, ...range(50, `${i}:`), "v".repeat(1024)]);
    await run(stub, ...lists);
    expect(await tableCount(stub, "key_rows")).toBeGreaterThan(0);
    // The 20,000-element list itself was checkpointed as a row (its compact form), not only logged.
    const bigRow = await runInDurableObject(stub, (_, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM key_rows WHERE key = ?", text("big")).one().n);
    expect(bigRow).toBeGreaterThan(0);
    // The log's tail changes some of the checkpointed lists.
    await run(stub, ["LPOP", "big", "5"], ["RPUSH", "big", "tail"], ["LTRIM", "list:3", "1", "0"], ["LSET", "list:4", "0", "first"],
      ["PEXPIRE", "list:5", "100000000"]);
    await evictDurableObject(stub);
    const reads = await run(stub, ["LLEN", "big"], ["LRANGE", "big", "0", "1"], ["LINDEX", "big", "-1"], ["EXISTS", "list:3"],
      ["LINDEX", "list:4", "0"], ["LLEN", "list:39"], ["OBJECT", "ENCODING", "big"]);
    expect(reads).toEqual([19_996, texts(["element-5", "element-6"]), text("tail"), 0, text("first"), 51, text("quicklist")]);
    const [all] = await run(stub, ["LRANGE", "big", "0", "-1"]);
    expect(all).toEqual(texts([...big.slice(5), "tail"]));
    const [pttl] = await run(stub, ["PTTL", "list:5"]);
    expect(pttl).toBeGreaterThan(99_000_000);
    // The restored list is live: it keeps taking pushes and pops after the restart.
    expect(await run(stub, ["LPUSH", "big", "head"], ["RPOP", "big", "2"])).toEqual([19_997, texts(["tail", "element-19999"])]);
  });
});
