// Sets survive a shard restart: from the effect log alone (SPOP replayed as the SREM it logged), and from
// checkpointed rows plus the log's tail, with their encodings (intset / hashtable) kept.
import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Shard } from "../../shards/shard";
import { decodeReplies, encodeCommands, type Reply, Status } from "../../worker/wire/resp";

const text = (s: string) => new TextEncoder().encode(s);
const shardStub = () => env.SHARD.get(env.SHARD.idFromName(`set-durability-${expect.getState().currentTestName}`));
const decoder = new TextDecoder();
const strings = (reply: Reply) => (reply as Uint8Array[]).map((m) => decoder.decode(m));

async function run(stub: DurableObjectStub<Shard>, ...commands: (string | Uint8Array)[][]): Promise<Reply[]> {
  return decodeReplies(new Uint8Array(await stub.execute(encodeCommands(commands).buffer as ArrayBuffer)));
}

const tableCount = (stub: DurableObjectStub<Shard>, table: string) =>
  runInDurableObject(stub, (_, state) => state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).one().n);

describe("set durability", () => {
  it("keeps sets across a restart from log replay (SPOP replayed as the members it removed)", async () => {
    const stub = shardStub();
    const [, , , popped, many] = await run(
      stub,
      ["SADD", "i", "3", "1", "2"],
      ["SADD", "t", "a", "b", "c", "d", "e"],
      ["SADD", "big", ...Array.from({ length: 700 }, (_, k) => String(k))],
      ["SPOP", "t"],
      ["SPOP", "big", "100"],
      ["SMOVE", "t", "i", "zz"],
      ["SINTERSTORE", "inter", "i", "big"],
      ["SADD", "gone", "x"],
      ["SREM", "gone", "x"],
      ["SRANDMEMBER", "t", "-3"],
    );
    const before = await run(stub, ["SMEMBERS", "t"], ["SCARD", "big"], ["SMEMBERS", "inter"]);
    await evictDurableObject(stub);
    const after = await run(stub, ["SMEMBERS", "i"], ["SMEMBERS", "t"], ["SCARD", "big"], ["SMEMBERS", "inter"], ["EXISTS", "gone"]);
    expect(after[0]).toEqual([text("1"), text("2"), text("3")]);
    expect(strings(after[1]!).sort()).toEqual(strings(before[0]!).sort());
    expect(strings(after[1]!)).not.toContain(decoder.decode(popped as Uint8Array));
    expect(after[2]).toBe(600);
    expect(after[3]).toEqual(before[2]);
    expect(after[4]).toBe(0);
    const [stillThere] = await run(stub, ["SMISMEMBER", "big", ...strings(many!)]);
    expect(stillThere).toEqual(strings(many!).map(() => 0));
    expect(await run(stub, ["OBJECT", "ENCODING", "i"], ["OBJECT", "ENCODING", "big"], ["TYPE", "t"])).toEqual([
      text("intset"), text("hashtable"), new Status("set"),
    ]);
  });

  it("keeps sets across a restart after a checkpoint trimmed the log", async () => {
    const stub = shardStub();
    // The test configuration checkpoints every 64 KiB of log: 300 sets with 1 KiB members pass it.
    const member = "m".repeat(1024);
    await run(stub, ...Array.from({ length: 300 }, (_, k) => ["SADD", `set:${k}`, `${k}:${member}`, String(k)]));
    await run(stub, ["SADD", "ints", "5", "-7", "100"], ["SADD", "was-mixed", "1", "x"], ["SREM", "was-mixed", "x"]);
    await run(stub, ...Array.from({ length: 40 }, (_, k) => ["SADD", `pad:${k}`, `${k}:${member}`]));
    expect(await tableCount(stub, "key_rows")).toBeGreaterThan(0);
    await run(stub, ["SREM", "set:7", `7:${member}`, "7"], ["SADD", "set:8", "new"], ["SPOP", "set:9"], ["PEXPIRE", "set:10", "100000000"]);
    await evictDurableObject(stub);
    const reads = await run(
      stub,
      ["EXISTS", "set:7"], ["SCARD", "set:8"], ["SCARD", "set:9"], ["SISMEMBER", "set:299", "299"],
      ["SMEMBERS", "ints"], ["OBJECT", "ENCODING", "ints"], ["OBJECT", "ENCODING", "was-mixed"], ["SMEMBERS", "was-mixed"],
    );
    expect(reads).toEqual([0, 3, 1, 1, [text("-7"), text("5"), text("100")], text("intset"), text("hashtable"), [text("1")]]);
    const [pttl] = await run(stub, ["PTTL", "set:10"]);
    expect(pttl).toBeGreaterThan(99_000_000);
  });
});
