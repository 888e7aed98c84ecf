// The shard Durable Object through its RPC method: atomic batches, durability across restarts
// (log replay, checkpointed rows, chunked values), active expiry by alarm, failure recovery.
import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { shardConfig, type ShardConfig } from "../../shards/config";
import { PART_BYTES } from "../../shards/persistence/blobs";
import { EffectLog } from "../../shards/persistence/log";
import type { Shard } from "../../shards/shard";
import type { Core } from "../../wasm/host";
import { decodeReplies, encodeCommands, ReplyError, Status, type Reply } from "../../worker/wire/resp";

const text = (s: string) => new TextEncoder().encode(s);
// A fresh object per test: storage is isolated per test, but a live instance's memory is not.
const shardStub = () => env.SHARD.get(env.SHARD.idFromName(`shard-test-${expect.getState().currentTestName}`));

async function run(stub: DurableObjectStub<Shard>, ...commands: (string | Uint8Array)[][]): Promise<Reply[]> {
  return decodeReplies(new Uint8Array(await stub.execute(encodeCommands(commands).buffer as ArrayBuffer)));
}

async function restart(stub: DurableObjectStub<Shard>): Promise<void> {
  await evictDurableObject(stub);
}

const tableCount = (stub: DurableObjectStub<Shard>, table: string) =>
  runInDurableObject(stub, (_, state) => state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).one().n);

describe("shard batches", () => {
  it("answers one reply per command, in order", async () => {
    const stub = shardStub();
    const replies = await run(stub, ["SET", "a", "1"], ["INCR", "a"], ["GET", "a"], ["GET", "missing"]);
    expect(replies).toEqual([new Status("OK"), 2, text("2"), null]);
  });

  it("returns Redis errors as values inside the batch", async () => {
    const stub = shardStub();
    const replies = await run(stub, ["SET", "s", "x"], ["INCR", "s"], ["GET", "s"]);
    expect(replies[1]).toBeInstanceOf(ReplyError);
    expect((replies[1] as ReplyError).message).toBe("ERR value is not an integer or out of range");
    expect(replies[2]).toEqual(text("x"));
  });
});

describe("shard durability", () => {
  it("keeps acknowledged writes across a restart (log replay)", async () => {
    const stub = shardStub();
    await run(stub, ["SET", "k1", "v1"], ["SET", "k2", "v2"], ["INCRBY", "n", "41"], ["INCR", "n"], ["DEL", "k2"]);
    await restart(stub);
    expect(await run(stub, ["GET", "k1"], ["GET", "k2"], ["GET", "n"])).toEqual([text("v1"), null, text("42")]);
  });

  it("keeps writes across a restart after a checkpoint trimmed the log", async () => {
    const stub = shardStub();
    // The test configuration checkpoints every 64 KiB of log: 300 values of 1 KiB pass it.
    const value = "v".repeat(1024);
    const writes = Array.from({ length: 300 }, (_, i) => ["SET", `key:${i}`, `${i}:${value}`]);
    await run(stub, ...writes);
    await run(stub, ["DEL", "key:7"], ["APPEND", "key:8", "+tail"]);
    expect(await tableCount(stub, "key_rows")).toBeGreaterThan(0);
    await restart(stub);
    const reads = await run(stub, ["DBSIZE"], ["GET", "key:0"], ["GET", "key:7"], ["GET", "key:8"], ["GET", "key:299"]);
    expect(reads).toEqual([299, text(`0:${value}`), null, text(`8:${value}+tail`), text(`299:${value}`)]);
  });

  it("FLUSHALL between checkpoints leaves no stale rows behind", async () => {
    const stub = shardStub();
    const value = "v".repeat(1024);
    await run(stub, ...Array.from({ length: 100 }, (_, i) => ["SET", `old:${i}`, value])); // checkpointed
    expect(await tableCount(stub, "key_rows")).toBeGreaterThan(0);
    await run(stub, ["FLUSHALL"], ["SET", "new", "1"]);
    await run(stub, ...Array.from({ length: 70 }, (_, i) => ["SET", `new:${i}`, value])); // checkpointed again
    expect(await tableCount(stub, "key_rows")).toBe(71);
    await run(stub, ["DEL", ...Array.from({ length: 70 }, (_, i) => `new:${i}`)]);
    await restart(stub);
    expect(await run(stub, ["DBSIZE"], ["GET", "new"], ["EXISTS", "old:0"])).toEqual([1, text("1"), 0]);
  });

  it("stores values larger than a storage row in parts and reassembles them", async () => {
    const stub = shardStub();
    const big = new Uint8Array(5 * 1024 * 1024 + 17);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + 7) & 0xff;
    await run(stub, ["SET", "big", big]); // passes the checkpoint threshold at once
    expect(await tableCount(stub, "key_rows")).toBeGreaterThan(2);
    await restart(stub);
    expect(await run(stub, ["GET", "big"])).toEqual([big]);
  });

  it("a value that shrinks below a row, or grows past one, leaves no stale parts", async () => {
    const stub = shardStub();
    const big = new Uint8Array(2 * 1024 * 1024 + 3).fill(7);
    await run(stub, ["SET", "shrinks", big], ["SET", "grows", "small"]); // checkpointed: big is 3 parts
    await run(stub, ["SET", "shrinks", "tiny"], ["SET", "grows", big]); // checkpointed again
    expect(await tableCount(stub, "key_rows")).toBe(4);
    await restart(stub);
    expect(await run(stub, ["GET", "shrinks"], ["GET", "grows"])).toEqual([text("tiny"), big]);
  });

  it("a key deleted and written again between checkpoints keeps its new value", async () => {
    const stub = shardStub();
    const value = "v".repeat(1024);
    await run(stub, ...Array.from({ length: 70 }, (_, i) => ["SET", `k:${i}`, value])); // checkpointed
    await run(stub, ["DEL", "k:1", "k:2"], ["SET", "k:1", "again"], ["SET", "filler", "x".repeat(70_000)]);
    await restart(stub);
    expect(await run(stub, ["GET", "k:1"], ["EXISTS", "k:2"], ["DBSIZE"])).toEqual([text("again"), 0, 70]);
  });

  it("binary keys and values, the empty key among them, come back byte for byte from checkpointed rows", async () => {
    const stub = shardStub();
    const every = Uint8Array.from({ length: 256 }, (_, i) => i);
    const keys = [new Uint8Array(0), every, every.slice().reverse(), Uint8Array.of(0), Uint8Array.of(0, 0)];
    await run(stub, ...keys.map((key, i) => ["SET", key, Uint8Array.of(i, 0, 255, i)]));
    await run(stub, ["SET", "filler", "x".repeat(70_000)]); // passes the checkpoint threshold
    await run(stub, ["DEL", Uint8Array.of(0)], ["SET", "filler", "y".repeat(70_000)]); // and again: a removal
    expect(await tableCount(stub, "effect_log")).toBe(0);
    expect(await tableCount(stub, "key_rows")).toBe(5);
    await restart(stub);
    const reads = await run(stub, ...keys.map((key) => ["GET", key]));
    expect(reads).toEqual(keys.map((_, i) => (i === 3 ? null : Uint8Array.of(i, 0, 255, i))));
  });

  it("restores thousands of checkpointed keys of every size, the empty key first in order among them", async () => {
    const stub = shardStub();
    const sized = (i: number) => `${i}:${"s".repeat(i % 700)}`; // some rows past the bulk read's size
    await run(stub, ["SET", "", "empty"], ...Array.from({ length: 2500 }, (_, i) => ["SET", `k:${i}`, sized(i)]));
    await run(stub, ["SET", "filler", "x".repeat(70_000)]);
    expect(await tableCount(stub, "effect_log")).toBe(0);
    await restart(stub);
    const sample = [0, 1, 511, 1023, 1024, 1025, 2047, 2048, 2499];
    expect(await run(stub, ["DBSIZE"], ["GET", ""], ...sample.map((i) => ["GET", `k:${i}`]))).toEqual([
      2502,
      text("empty"),
      ...sample.map((i) => text(sized(i))),
    ]);
    const [digest] = await run(stub, ["KEYS", "k:*"]);
    expect((digest as Uint8Array[]).length).toBe(2500);
  });

  it("a key too long to share a bulk statement is checkpointed, rewritten and removed all the same", async () => {
    const stub = shardStub();
    const long = new Uint8Array(200_000).map((_, i) => i % 253);
    const checkpointed = (fill: string) => ["SET", "filler", fill.repeat(70_000)]; // passes the threshold
    await run(stub, ["SET", long, "one"], checkpointed("x"));
    await run(stub, ["SET", long, "two"], ["SET", "other", "o"], checkpointed("y"));
    expect(await tableCount(stub, "key_rows")).toBe(3);
    await restart(stub);
    expect(await run(stub, ["GET", long])).toEqual([text("two")]);
    await run(stub, ["DEL", long], checkpointed("z"));
    expect(await tableCount(stub, "key_rows")).toBe(2);
    await restart(stub);
    expect(await run(stub, ["EXISTS", long], ["DBSIZE"])).toEqual([0, 2]);
  });

  it("with checkpoint growth, waits until the log outgrows the data, and recovers from either state", async () => {
    const stub = shardStub();
    await run(stub, ["PING"]);
    await runInDurableObject(stub, (instance: Shard) => {
      const shard = instance as unknown as { config: ShardConfig };
      shard.config = shardConfig({ EDGESLOT_CHECKPOINT_BYTES: "16384", EDGESLOT_CHECKPOINT_GROWTH: "2" });
    });
    const write = (round: number) => run(stub, ...Array.from({ length: 100 }, (_, i) => ["SET", `k:${i}`, `${round}:${"v".repeat(1024)}`]));
    await write(0); // ~100 KiB of log: past the byte threshold, short of twice the data
    const { used, logged } = await runInDurableObject(stub, (instance: Shard, state) => ({
      used: (instance as unknown as { core: Core }).core.usedMemory(),
      logged: state.storage.sql.exec<{ n: number }>("SELECT SUM(LENGTH(bytes)) AS n FROM effect_log").one().n,
    }));
    expect(await tableCount(stub, "key_rows")).toBe(0);
    // Rewriting the same keys leaves the data's size as it is while the log grows by `logged` a round.
    const due = Math.ceil((2 * used) / logged) - 1;
    let round = 1;
    for (; round < 9 && (await tableCount(stub, "key_rows")) === 0; round++) await write(round);
    expect(round - 1).toBe(due);
    expect(await tableCount(stub, "key_rows")).toBe(100);
    expect(await tableCount(stub, "effect_log")).toBe(0);
    await write(9);
    await restart(stub); // rows, then the log entry after them
    expect(await run(stub, ["DBSIZE"], ["GET", "k:0"])).toEqual([100, text(`9:${"v".repeat(1024)}`)]);
  });

  it("splits log entries larger than a storage row and replays them whole", async () => {
    const stub = shardStub();
    const replayed = await runInDurableObject(stub, (_, state) => {
      const log = new EffectLog(state.storage.sql);
      const entry = new Uint8Array(2 * PART_BYTES + 5).map((_, i) => i % 251);
      log.append(entry);
      log.append(text("small"));
      const parts = state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM effect_log").one().n;
      const seen: Uint8Array[] = [];
      new EffectLog(state.storage.sql).replay((bytes) => seen.push(bytes));
      return { parts, seen, entry };
    });
    expect(replayed.parts).toBe(4);
    expect(replayed.seen).toEqual([replayed.entry, text("small")]);
  });

  it("keeps a key's TTL as an absolute time across a restart", async () => {
    const stub = shardStub();
    await run(stub, ["SET", "t", "v", "EX", "1000"]);
    const [before] = await run(stub, ["PEXPIRETIME", "t"]);
    await restart(stub);
    expect(await run(stub, ["PEXPIRETIME", "t"])).toEqual([before]);
  });
});

describe("shard expiry", () => {
  it("sweeps expired keys from the alarm and logs their deletion", async () => {
    const stub = shardStub();
    await run(stub, ["SET", "soon", "v", "PX", "5000"], ["SET", "later", "v", "EX", "3600"], ["SET", "never", "v"]);
    await runInDurableObject(stub, (shard: Shard) => {
      const start = shard.clock();
      shard.clock = () => start + 10_000;
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const [keys] = await runInDurableObject(stub, (_, state) => [
      state.storage.sql.exec("SELECT COUNT(*) AS n FROM effect_log").one().n,
    ]);
    expect(keys).toBeGreaterThan(0);
    expect(await run(stub, ["DBSIZE"])).toEqual([2]);
    await restart(stub);
    expect(await run(stub, ["EXISTS", "soon"], ["EXISTS", "later"], ["EXISTS", "never"])).toEqual([0, 1, 1]);
  });

  it("schedules no alarm when no key has a TTL", async () => {
    const stub = shardStub();
    await run(stub, ["SET", "plain", "v"]);
    expect(await runDurableObjectAlarm(stub)).toBe(false);
  });
});

describe("shard failures", () => {
  it("answers errors for a batch whose core fails and keeps every acknowledged write", async () => {
    const stub = shardStub();
    await run(stub, ["SET", "kept", "1"]);
    await runInDurableObject(stub, (shard: Shard) => {
      const core = (shard as unknown as { core: { execute: (...args: unknown[]) => unknown } }).core;
      core.execute = () => {
        throw new Error("simulated trap");
      };
    });
    const failed = await run(stub, ["SET", "lost", "1"], ["GET", "kept"]);
    expect(failed).toHaveLength(2);
    for (const reply of failed) expect((reply as ReplyError).message).toMatch(/^ERR shard failure: simulated trap/);
    expect(await run(stub, ["GET", "kept"], ["GET", "lost"])).toEqual([text("1"), null]);
  });

  it("a failed checkpoint neither fails the logged batch nor loses it", async () => {
    const stub = shardStub();
    await runInDurableObject(stub, (shard: Shard) => {
      const core = (shard as unknown as { core: { execute: (b: Uint8Array, now: number, internal?: boolean) => unknown } }).core;
      const execute = core.execute.bind(core);
      core.execute = (b, now, internal) => {
        if (internal) throw new Error("simulated checkpoint trap");
        return execute(b, now, internal);
      };
    });
    const value = "v".repeat(1024);
    const replies = await run(stub, ...Array.from({ length: 100 }, (_, i) => ["SET", `k:${i}`, value]));
    expect(replies.every((reply) => reply instanceof Status && reply.text === "OK")).toBe(true);
    expect(await tableCount(stub, "key_rows")).toBe(0);
    // The rebuilt core checkpoints normally on the next long-enough write.
    await run(stub, ...Array.from({ length: 70 }, (_, i) => ["SET", `j:${i}`, value]));
    expect(await tableCount(stub, "key_rows")).toBe(170);
    await restart(stub);
    expect(await run(stub, ["DBSIZE"], ["GET", "k:99"])).toEqual([170, text(value)]);
  });
});
