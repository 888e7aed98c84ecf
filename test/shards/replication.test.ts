// Replication through the shard's RPC: replicas fed from the primary's effect log reach the same
// keyspace (digest), catch up from the log or a checkpoint snapshot, acknowledge for WAIT and sync
// mode, and serve reads once they hold a position.
import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ReplicationOptions } from "../../shards/replication/messages";
import type { Shard } from "../../shards/shard";
import { decodeReplies, encodeCommands, ReplyError, type Reply } from "../../worker/wire/resp";

const text = (s: string) => new TextEncoder().encode(s);
const stub = (name: string) => env.SHARD.get(env.SHARD.idFromName(name));
// Shard numbers unique per test: a live instance's memory outlives the per-test storage reset.
let nextShard = 1000 + Math.floor(Math.random() * 1_000_000);

function cluster(replicas: number, mode: "async" | "sync" = "async") {
  const shard = nextShard++;
  const primary = stub(`shard-${shard}`);
  const replica = (j: number) => stub(`shard-${shard}-replica-${j}`);
  const names = (count: number) => Array.from({ length: count }, (_, j) => `shard-${shard}-replica-${j}`);
  const options = (position?: number, count = replicas): ReplicationOptions => ({ shard, epoch: 0, replicas: names(count), mode, position });
  /** Runs a batch on the primary; `count` tells it how many replicas it has (default: the cluster's). */
  const run = async (commands: (string | Uint8Array)[][], position?: number, count?: number) => {
    const answer = await primary.executeReplicated(encodeCommands(commands).buffer as ArrayBuffer, undefined, options(position, count));
    if ("stale" in answer) throw new Error(`stale at epoch ${answer.stale}`);
    if ("moved" in answer) throw new Error(`moved at ${answer.moved}`);
    return { replies: decodeReplies(new Uint8Array(answer.replies)), offset: answer.offset };
  };
  const read = async (j: number, commands: (string | Uint8Array)[][], minOffset = 0): Promise<Reply[] | null> => {
    const answer = await replica(j).readReplica(encodeCommands(commands).buffer as ArrayBuffer, minOffset);
    return answer === null ? null : decodeReplies(new Uint8Array(answer));
  };
  return { shard, primary, replica, run, read };
}

/** A seeded stream of writes over every type, with long TTLs only (expiry is not under test). */
function randomWrites(seed: number, count: number): string[][] {
  let state = seed;
  const next = (n: number) => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) % n);
  const key = () => `k${next(40)}`;
  const makers = [
    () => ["SET", `s:${key()}`, `v${next(1000)}`],
    () => ["INCRBY", `n:${key()}`, String(next(100))],
    () => ["HSET", `h:${key()}`, `f${next(5)}`, `v${next(100)}`],
    () => ["SADD", `t:${key()}`, `m${next(20)}`],
    () => ["ZADD", `z:${key()}`, String(next(50)), `m${next(10)}`],
    () => ["RPUSH", `l:${key()}`, `e${next(100)}`],
    () => ["LPOP", `l:${key()}`],
    () => ["SPOP", `t:${key()}`],
    () => ["DEL", `s:${key()}`],
    () => ["EXPIRE", `h:${key()}`, String(3600 + next(100))],
    () => ["APPEND", `s:${key()}`, "+"],
  ];
  return Array.from({ length: count }, () => makers[next(makers.length)]!());
}

describe("replication", () => {
  it("a replica reaches the primary's keyspace after random write load (digest)", async () => {
    const c = cluster(1);
    const writes = randomWrites(7, 600);
    let offset = 0;
    for (let at = 0; at < writes.length; at += 20) offset = (await c.run(writes.slice(at, at + 20))).offset;
    const { replies } = await c.run([["WAIT", "1", "0"]], offset);
    expect(replies).toEqual([1]);
    expect(await c.replica(0).digest()).toBe(await c.primary.digest());
    expect(await c.primary.digest()).not.toBe(await cluster(1).primary.digest());
  });

  it("a replica evicted mid-stream restarts from its own log and catches up", async () => {
    const c = cluster(1);
    const writes = randomWrites(11, 300);
    await c.run(writes.slice(0, 150));
    await c.run([["WAIT", "1", "0"]], (await c.run([["SET", "marker", "1"]])).offset);
    await evictDurableObject(c.replica(0));
    const { offset } = await c.run(writes.slice(150));
    expect((await c.run([["WAIT", "1", "0"]], offset)).replies).toEqual([1]);
    expect(await c.replica(0).digest()).toBe(await c.primary.digest());
    await evictDurableObject(c.replica(0));
    expect(await c.replica(0).digest()).toBe(await c.primary.digest());
  });

  it("a new replica catches up from the primary's log", async () => {
    const solo = cluster(0);
    await solo.run(randomWrites(3, 100));
    // The same primary, now told it has a replica: the replica starts empty at offset 0.
    const { replies } = await solo.run([["SET", "after", "1"], ["WAIT", "1", "0"]], undefined, 1);
    expect(replies[1]).toBe(1);
    expect(await solo.replica(0).digest()).toBe(await solo.primary.digest());
  });

  it("a replica behind a trimmed log catches up from a checkpoint snapshot plus the log tail", async () => {
    const solo = cluster(0);
    // The test configuration checkpoints every 64 KiB of log: 200 values of 1 KiB pass it.
    const big = "x".repeat(1024);
    await solo.run(Array.from({ length: 200 }, (_, i) => ["SET", `big:${i}`, `${i}${big}`]));
    await solo.run([["DEL", "big:3"], ["SET", "tail", "t"]]);
    const { replies } = await solo.run([["SET", "after", "1"], ["WAIT", "1", "0"]], undefined, 1);
    expect(replies[1]).toBe(1);
    expect(await solo.replica(0).digest()).toBe(await solo.primary.digest());
    expect(await solo.read(0, [["GET", "big:3"], ["GET", "tail"], ["DBSIZE"]])).toEqual([null, text("t"), 201]);
    // A restarted replica rebuilds the installed snapshot from its own storage.
    await evictDurableObject(solo.replica(0));
    expect(await solo.replica(0).digest()).toBe(await solo.primary.digest());
  });

  it("a replica's read hides an expired key without deleting it: a PERSIST the primary made before expiry still lands", async () => {
    const c = cluster(1);
    const { offset } = await c.run([["SET", "k", "v", "PX", "60000"], ["SET", "gone", "x", "PX", "60000"], ["SET", "plain", "p"]]);
    expect((await c.run([["WAIT", "1", "0"]], offset)).replies).toEqual([1]);
    // The replica's clock runs past the expiry; the primary's has not reached it.
    await runInDurableObject(c.replica(0), (instance: Shard) => {
      instance.clock = () => Date.now() + 120_000;
    });
    expect(await c.read(0, [["GET", "k"], ["EXISTS", "gone"], ["TTL", "k"], ["DBSIZE"], ["KEYS", "*"], ["RANDOMKEY"]])).toEqual([null, 0, -2, 3, [text("plain")], text("plain")]);
    // Still alive on the primary, which persists it; the replica applies that to the key it kept.
    const persisted = await c.run([["PERSIST", "k"]]);
    expect(persisted.replies).toEqual([1]);
    expect((await c.run([["WAIT", "1", "0"]], persisted.offset)).replies).toEqual([1]);
    expect(await c.read(0, [["GET", "k"], ["TTL", "k"], ["EXISTS", "gone"]])).toEqual([text("v"), -1, 0]);
    await runInDurableObject(c.replica(0), (instance: Shard) => {
      instance.clock = Date.now;
    });
    expect(await c.replica(0).digest()).toBe(await c.primary.digest());
  });

  it("a snapshot bigger than one push crosses in chunks of rows, a value bigger than a chunk in its parts", async () => {
    const solo = cluster(0);
    const big = "x".repeat(1024);
    await solo.run(Array.from({ length: 300 }, (_, i) => ["SET", `chunk:${i}`, `${i}${big}`]));
    // 2.5 MB: three stored parts, each bigger than the 16 KiB pushes below.
    await solo.run([["SET", "huge", "h".repeat(2_500_000)], ["HSET", "hash", "f", "v"]]);
    await solo.run(Array.from({ length: 100 }, (_, i) => ["SET", `filler:${i}`, big]));
    await runInDurableObject(solo.primary, (instance: Shard) => {
      instance.replicationMessageBytes = 16 * 1024;
    });
    const { replies } = await solo.run([["SET", "after", "1"], ["WAIT", "1", "0"]], undefined, 1);
    expect(replies[1]).toBe(1);
    expect(await solo.replica(0).digest()).toBe(await solo.primary.digest());
    expect(await solo.read(0, [["STRLEN", "huge"], ["DBSIZE"]])).toEqual([2_500_000, 403]);
    await evictDurableObject(solo.replica(0));
    expect(await solo.replica(0).digest()).toBe(await solo.primary.digest());
  });

  it("a snapshot chunk out of sequence is refused, so the primary starts the stream over", async () => {
    const solo = cluster(1);
    const chunk = { kind: "snapshot", primary: `shard-${solo.shard}`, epoch: 0, lineage: [{ epoch: 0, from: 1 }], through: 5, rows: [], last: false, entries: [], locks: [] } as const;
    const stray = await solo.replica(0).replicate({ ...chunk, from: { key: text("k").buffer as ArrayBuffer, part: 0 } });
    expect(stray).toEqual({ applied: 0, resync: true });
    expect(await solo.replica(0).replicate({ ...chunk, from: null })).toEqual({ applied: 0, staged: true });
  });

  it("sync mode answers a write only once a replica has durably applied it", async () => {
    const c = cluster(1, "sync");
    const { replies } = await c.run([["SET", "k", "v1"], ["INCR", "n"]]);
    expect(replies).toEqual([expect.anything(), 1]);
    // No WAIT, no delay: the replica already holds it, even after losing its memory.
    await evictDurableObject(c.replica(0));
    expect(await c.read(0, [["GET", "k"], ["GET", "n"]])).toEqual([text("v1"), text("1")]);
  });

  it("sync mode answers NOREPLICAS when no replica acknowledged in time; the write stays on the primary", async () => {
    const c = cluster(1, "sync");
    // No time to wait: the push to the replica cannot have been answered yet.
    await runInDurableObject(c.primary, (shard: Shard) => {
      shard.syncAckMs = 0;
    });
    const { replies } = await c.run([["SET", "k", "v"], ["GET", "k"]]);
    expect((replies as ReplyError[]).map((r) => r.message)).toEqual(["NOREPLICAS Not enough good replicas to write.", "NOREPLICAS Not enough good replicas to write."]);
    const { replies: after } = await c.run([["GET", "k"], ["WAIT", "1", "0"]]);
    expect(after).toEqual([text("v"), 1]);
  });

  it("WAIT counts the replicas that acknowledged the request's writes", async () => {
    const c = cluster(2);
    const { replies } = await c.run([["SET", "k", "v"], ["WAIT", "2", "0"], ["WAIT", "3", "50"]]);
    expect(replies.slice(1)).toEqual([2, 2]);
    const none = cluster(0);
    expect((await none.run([["SET", "k", "v"], ["WAIT", "1", "0"]])).replies[1]).toBe(0);
    const errors = (await c.run([["WAIT", "x", "0"], ["WAIT", "1", "y"], ["WAIT", "1", "-1"]])).replies as ReplyError[];
    expect(errors.map((e) => e.message)).toEqual([
      "ERR value is not an integer or out of range",
      "ERR timeout is not an integer or out of range",
      "ERR timeout is negative",
    ]);
  });

  it("ROLE shows the primary's offset and replicas, and the replica's primary and offset", async () => {
    const c = cluster(1);
    const { offset } = await c.run([["SET", "a", "1"], ["SET", "b", "2"]]);
    await c.run([["WAIT", "1", "0"]], offset);
    const [role] = (await c.run([["ROLE"]])).replies as Reply[][];
    expect(role).toEqual([text("master"), offset, [[text(`shard-${c.shard}-replica-0`), text("0"), text(String(offset))]]]);
    expect(await c.read(0, [["ROLE"]])).toEqual([[text("slave"), text(`shard-${c.shard}`), 0, text("connected"), offset]]);
  });

  it("INFO replication shows role, offsets and each replica's acknowledged offset and lag", async () => {
    const c = cluster(2);
    const { offset } = await c.run([["SET", "a", "1"], ["WAIT", "2", "0"]]);
    const [info] = (await c.run([["INFO", "replication"]])).replies as Uint8Array[];
    const name = (j: number) => `shard-${c.shard}-replica-${j}`;
    expect(new TextDecoder().decode(info)).toBe(
      `# Replication\r\nrole:master\r\nconnected_slaves:2\r\n` +
        `slave0:ip=${name(0)},port=0,state=online,offset=${offset},lag=0\r\n` +
        `slave1:ip=${name(1)},port=0,state=online,offset=${offset},lag=0\r\nmaster_repl_offset:${offset}\r\n`,
    );
    const [all] = (await c.read(1, [["INFO"]]))! as Uint8Array[];
    expect(new TextDecoder().decode(all)).toContain(`# Replication\r\nrole:slave\r\nmaster_host:shard-${c.shard}\r\nmaster_port:0\r\nmaster_link_status:up\r\nslave_repl_offset:${offset}\r\n`);
    expect(new TextDecoder().decode(all)).toMatch(/# Replication[^#]*\r\n\r\n# Keyspace/);
  });

  it("a replica serves reads only once it has applied the position asked for, and no writes", async () => {
    const c = cluster(1);
    const { offset } = await c.run([["SET", "k", "v"]]);
    await c.run([["WAIT", "1", "0"]], offset);
    expect(await c.read(0, [["GET", "k"]], offset)).toEqual([text("v")]);
    expect(await c.read(0, [["GET", "k"]], offset + 1)).toBeNull();
    expect(await c.read(0, [["SET", "k", "w"]])).toBeNull();
    expect(await c.read(0, [["GET", "k"]])).toEqual([text("v")]);
  });
});
