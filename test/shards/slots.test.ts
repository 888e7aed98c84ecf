// Slot migration between two real shard objects, driven through their RPC methods in the order the
// coordinator's step runner calls them (shards/coordinator/scaling/steps.ts): every type crosses
// with its expiry and encoding, large values cross in pieces, each step is idempotent, the source
// refuses moved keys unrun, a freeze waits for a transaction's lock on the range, and ownership and
// data survive restarts after every phase.
import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { SlotMove, SlotRanges } from "../../shards/coordinator/slots";
import type { Shard } from "../../shards/shard";
import { decodeChunk } from "../../shards/slots/transfer";
import type { Route } from "../../shards/slots/route";
import { keySlot } from "../../worker/routing/key-slot";
import { decodeReplies, encodeCommands, Status, type Reply } from "../../worker/wire/resp";

type Stub = DurableObjectStub<Shard>;
type Command = (string | Uint8Array)[];

const encoder = new TextEncoder();
const text = (s: string) => encoder.encode(s);
const stub = (name: string): Stub => env.SHARD.get(env.SHARD.idFromName(name));
// Shard numbers unique per test: a live instance's memory outlives the per-test storage reset.
let nextShard = 2000 + Math.floor(Math.random() * 1_000_000);

/** A hash tag whose slot is below `limit` and not in `not`. */
function tagBelow(prefix: string, limit: number, not: readonly number[] = []): { tag: string; slot: number } {
  for (let i = 0; ; i++) {
    const tag = `${prefix}${i}`;
    const slot = keySlot(text(tag));
    if (slot < limit && !not.includes(slot)) return { tag, slot };
  }
}

// Group 0 (the source) owns [0, 8191], group 1 (the target) [8192, 16383], as a two-group assignment
// would; the move hands four of group 0's slots to group 1 at version 1.
const SOURCE_OWNED: SlotRanges = [[0, 8191]];
const TARGET_OWNED: SlotRanges = [[8192, 16383]];
const moved = tagBelow("mv", 8000);
const MOVE: SlotMove = { first: moved.slot, last: moved.slot + 3, from: 0, to: 1, version: 1 };
/** A key of the range in another slot than `{mv}`'s, so the move walks more than one slot. */
const NEAR = (() => {
  for (let i = 0; ; i++) {
    const key = `near${i}`;
    const slot = keySlot(text(key));
    if (slot > MOVE.first && slot <= MOVE.last) return key;
  }
})();
/** A source key that stays: its slot is outside the range. */
const STAY = `{${tagBelow("stay", 8000, [MOVE.first, MOVE.first + 1, MOVE.first + 2, MOVE.first + 3]).tag}}k`;
const TAG = `{${moved.tag}}`;
/** Routes as a gateway at the old and at the published assignment sends them. */
const OLD_SOURCE_ROUTE: Route = { version: 0, owned: SOURCE_OWNED };
const NEW_TARGET_ROUTE: Route = { version: 1, owned: [[MOVE.first, MOVE.last], ...TARGET_OWNED] };

function pair() {
  const n = nextShard;
  nextShard += 2;
  return { n, source: stub(`shard-${n}`), target: stub(`shard-${n + 1}`) };
}

async function run(shard: Stub, ...commands: Command[]): Promise<Reply[]> {
  return decodeReplies(new Uint8Array(await shard.execute(encodeCommands(commands).buffer as ArrayBuffer)));
}

async function routed(shard: Stub, route: Route, ...commands: Command[]): Promise<Reply[] | { moved: number }> {
  const answer = await shard.executeRouted(encodeCommands(commands).buffer as ArrayBuffer, route);
  return answer instanceof ArrayBuffer ? decodeReplies(new Uint8Array(answer)) : { moved: answer.moved };
}

/** The target's side of the copy, as the runner does it: forget any earlier attempt, then every chunk. */
async function copy(source: Stub, target: Stub, maxBytes = 4 * 1024 * 1024): Promise<Uint8Array[]> {
  await target.slotsClearImport(MOVE);
  const chunks: Uint8Array[] = [];
  let cursor = "0";
  do {
    const part = await source.slotsExport(MOVE, cursor, maxBytes);
    if (part.chunk.byteLength > 0) {
      chunks.push(new Uint8Array(part.chunk));
      await target.slotsImport(MOVE, part.chunk);
    }
    cursor = part.cursor;
  } while (cursor !== "0");
  return chunks;
}

async function migrate(source: Stub, target: Stub, maxBytes?: number): Promise<Uint8Array[]> {
  expect(await source.slotsFreeze(MOVE, SOURCE_OWNED)).toMatchObject({ frozen: true });
  const chunks = await copy(source, target, maxBytes);
  await target.slotsCommit(MOVE, TARGET_OWNED);
  await source.slotsDrop(MOVE);
  return chunks;
}

const binary = Uint8Array.from({ length: 256 }, (_, i) => i);
const binaryKey = new Uint8Array([...text(TAG), 0x00, 0xff, 0x0d, 0x0a, 0x80]);

/** One key of every type and encoding in the range, two with a TTL, and one key that stays. */
const LOAD: Command[] = [
  ["SET", `${TAG}embstr`, "hello"],
  ["SET", `${TAG}binary`, binary],
  ["SET", binaryKey, "binary key"],
  ["SET", `${TAG}int`, "123456789"],
  ["SET", `${TAG}raw`, "abc"],
  ["APPEND", `${TAG}raw`, "def"],
  ["SET", `${TAG}long`, "x".repeat(100)],
  ["HSET", `${TAG}hash`, "f1", "v1", "f2", "v2"],
  ["HSET", `${TAG}bighash`, ...Array.from({ length: 300 }, (_, i) => [`field${i}`, `value${i}`]).flat()],
  ["RPUSH", `${TAG}list`, "a", "b", "c"],
  ["SADD", `${TAG}intset`, "1", "2", "3"],
  ["SADD", `${TAG}set`, "a", "b", "c"],
  ["ZADD", `${TAG}zset`, "1", "a", "2.5", "b", "-3", "c"],
  ["ZADD", `${TAG}bigzset`, ...Array.from({ length: 200 }, (_, i) => [String(i / 7), `member${i}`]).flat()],
  ["SET", `${TAG}ttl`, "soon", "PX", "600000"],
  // A raw string with a TTL is installed by RESTORE, APPEND and PEXPIREAT: the expiry must survive all three.
  ["SET", `${TAG}rawttl`, "ab", "PX", "700000"],
  ["APPEND", `${TAG}rawttl`, "cd"],
  ["HSET", `${TAG}hashttl`, "f", "v"],
  ["PEXPIRE", `${TAG}hashttl`, "900000"],
  ["SET", NEAR, "near"],
  ["SET", STAY, "stays"],
];
const MOVED_KEYS: (string | Uint8Array)[] = [
  `${TAG}embstr`, `${TAG}binary`, binaryKey, `${TAG}int`, `${TAG}raw`, `${TAG}long`, `${TAG}hash`, `${TAG}bighash`,
  `${TAG}list`, `${TAG}intset`, `${TAG}set`, `${TAG}zset`, `${TAG}bigzset`, `${TAG}ttl`, `${TAG}rawttl`, `${TAG}hashttl`, NEAR,
];

/** Each key's DUMP payload, absolute expiry, OBJECT ENCODING and TYPE. */
const describeKeys = (shard: Stub, keys: readonly (string | Uint8Array)[]) =>
  run(shard, ...keys.flatMap((key) => [["DUMP", key], ["PEXPIRETIME", key], ["OBJECT", "ENCODING", key], ["TYPE", key]]));

const existing = async (shard: Stub, keys: readonly (string | Uint8Array)[]) => (await run(shard, ["EXISTS", ...keys]))[0];

/** The error an RPC call failed with (null if it did not): awaited here, so no rejection goes unhandled. */
async function failure(call: Promise<unknown>): Promise<string | null> {
  try {
    await call;
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

const stagedParts = (shard: Stub) =>
  runInDurableObject(shard, (_, state) => {
    const table = state.storage.sql.exec("SELECT name FROM sqlite_master WHERE name = 'slot_import_parts'").toArray();
    return table.length === 0 ? 0 : state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM slot_import_parts").one().n;
  });

describe("slot migration between shards", () => {
  it("every type crosses with its value, expiry and encoding, and leaves the source", async () => {
    const { source, target } = pair();
    await run(source, ...LOAD);
    const before = await describeKeys(source, MOVED_KEYS);
    const pttlBefore = await run(source, ["PTTL", `${TAG}ttl`], ["PTTL", `${TAG}rawttl`], ["PTTL", `${TAG}hashttl`]);
    // The encodings under test really are the ones Redis would pick, so keeping them means something.
    expect(await run(source, ...["embstr", "int", "raw", "long", "rawttl", "intset", "set"].map((k) => ["OBJECT", "ENCODING", `${TAG}${k}`])))
      .toEqual(["embstr", "int", "raw", "raw", "raw", "intset", "hashtable"].map(text));

    await migrate(source, target);

    expect(await describeKeys(target, MOVED_KEYS)).toEqual(before);
    const pttlAfter = (await run(target, ["PTTL", `${TAG}ttl`], ["PTTL", `${TAG}rawttl`], ["PTTL", `${TAG}hashttl`])) as number[];
    pttlAfter.forEach((pttl, i) => {
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(pttlBefore[i] as number);
    });
    expect(await run(target, ["GET", `${TAG}binary`], ["GET", binaryKey], ["INCR", `${TAG}int`], ["HGET", `${TAG}bighash`, "field299"], ["ZSCORE", `${TAG}zset`, "b"], ["LRANGE", `${TAG}list`, "0", "-1"]))
      .toEqual([binary, text("binary key"), 123456790, text("value299"), text("2.5"), ["a", "b", "c"].map(text)]);
    expect(await run(target, ["DBSIZE"])).toEqual([MOVED_KEYS.length]);
    expect(await existing(source, MOVED_KEYS)).toBe(0);
    expect(await run(source, ["DBSIZE"], ["GET", STAY])).toEqual([1, text("stays")]);
  });

  it("a value larger than a chunk crosses in pieces and arrives whole", async () => {
    const { source, target } = pair();
    const big = Uint8Array.from({ length: 1024 * 1024 + 3 }, (_, i) => (i * 131 + (i >> 8)) & 0xff);
    const fields = Array.from({ length: 4000 }, (_, i) => [`field:${i}`, `value:${i}:${"h".repeat(20)}`]).flat();
    await run(source, ["SET", `${TAG}big`, big], ["HSET", `${TAG}fields`, ...fields], ["SET", `${TAG}small`, "s"]);
    const before = await describeKeys(source, [`${TAG}big`, `${TAG}fields`, `${TAG}small`]);

    const maxBytes = 64 * 1024;
    const chunks = await migrate(source, target, maxBytes);

    expect(chunks.length).toBeGreaterThanOrEqual(Math.ceil(big.length / maxBytes));
    for (const chunk of chunks) expect(chunk.byteLength).toBeLessThanOrEqual(maxBytes + 1024);
    const pieces = chunks.flatMap((chunk) => decodeChunk(chunk));
    expect(pieces.some((piece) => !piece.last)).toBe(true);
    expect(await describeKeys(target, [`${TAG}big`, `${TAG}fields`, `${TAG}small`])).toEqual(before);
    expect(await run(target, ["STRLEN", `${TAG}big`], ["HLEN", `${TAG}fields`], ["DBSIZE"])).toEqual([big.length, 4000, 3]);
    expect(await stagedParts(target)).toBe(0);
  });

  it("a target that restarts between pieces, cleared and copied afresh, holds exactly one copy", async () => {
    const { source, target } = pair();
    const big = Uint8Array.from({ length: 1024 * 1024 }, (_, i) => (i * 7 + 3) & 0xff);
    const fields = Array.from({ length: 4000 }, (_, i) => [`field:${i}`, `value:${i}:${"h".repeat(20)}`]).flat();
    await run(source, ["SET", `${TAG}big`, big], ["HSET", `${TAG}fields`, ...fields], ["RPUSH", `${TAG}list`, "a", "b"]);
    const before = await describeKeys(source, [`${TAG}big`, `${TAG}fields`, `${TAG}list`]);
    expect(await source.slotsFreeze(MOVE, SOURCE_OWNED)).toEqual({ frozen: true, keys: 3 });

    // Part of the copy: chunks until the target holds staged pieces of a key still arriving.
    await target.slotsClearImport(MOVE);
    let cursor = "0";
    let staged = 0;
    do {
      const part = await source.slotsExport(MOVE, cursor, 64 * 1024);
      await target.slotsImport(MOVE, part.chunk);
      cursor = part.cursor;
      staged = await stagedParts(target);
    } while (staged === 0 && cursor !== "0");
    expect(staged).toBeGreaterThan(0);
    expect(cursor).not.toBe("0");
    await evictDurableObject(target);
    expect(await stagedParts(target)).toBeGreaterThan(0);

    await copy(source, target, 64 * 1024);
    await target.slotsCommit(MOVE, TARGET_OWNED);
    await source.slotsDrop(MOVE);

    expect(await describeKeys(target, [`${TAG}big`, `${TAG}fields`, `${TAG}list`])).toEqual(before);
    expect(await run(target, ["DBSIZE"], ["STRLEN", `${TAG}big`], ["HLEN", `${TAG}fields`], ["LRANGE", `${TAG}list`, "0", "-1"]))
      .toEqual([3, big.length, 4000, [text("a"), text("b")]]);
    expect(await stagedParts(target)).toBe(0);
    await evictDurableObject(target);
    expect(await describeKeys(target, [`${TAG}big`, `${TAG}fields`, `${TAG}list`])).toEqual(before);
  });

  it("freeze, commit, drop and clear-import twice change nothing the second time", async () => {
    const { source, target } = pair();
    await run(source, ...LOAD);
    const before = await describeKeys(source, MOVED_KEYS);

    expect(await source.slotsFreeze(MOVE, SOURCE_OWNED)).toEqual({ frozen: true, keys: MOVED_KEYS.length });
    const frozen = await source.slotsState();
    expect(frozen).toEqual({ version: 0, owned: [[0, MOVE.first - 1], [MOVE.last + 1, 8191]], frozen: [MOVE] });
    expect(await source.slotsFreeze(MOVE, SOURCE_OWNED)).toEqual({ frozen: true, keys: MOVED_KEYS.length });
    expect(await source.slotsState()).toEqual(frozen);

    await copy(source, target);
    await target.slotsCommit(MOVE, TARGET_OWNED);
    const committed = await target.slotsState();
    expect(committed).toEqual({ version: 1, owned: [[MOVE.first, MOVE.last], [8192, 16383]], frozen: [] });
    await target.slotsCommit(MOVE, TARGET_OWNED);
    expect(await target.slotsState()).toEqual(committed);
    // A runner restarted after the commit clears before copying again: the committed copy stays.
    await target.slotsClearImport(MOVE);
    expect(await target.slotsState()).toEqual(committed);
    expect(await describeKeys(target, MOVED_KEYS)).toEqual(before);

    await source.slotsDrop(MOVE);
    const dropped = await source.slotsState();
    expect(dropped).toEqual({ version: 1, owned: [[0, MOVE.first - 1], [MOVE.last + 1, 8191]], frozen: [] });
    await source.slotsDrop(MOVE);
    expect(await source.slotsState()).toEqual(dropped);
    expect(await run(source, ["DBSIZE"], ["GET", STAY])).toEqual([1, text("stays")]);
    expect(await describeKeys(target, MOVED_KEYS)).toEqual(before);
    expect(await run(target, ["DBSIZE"])).toEqual([MOVED_KEYS.length]);
  });

  it("the source refuses the range's keys unrun once frozen, and the target serves them once committed", async () => {
    const { source, target } = pair();
    await run(source, ...LOAD);
    expect(await routed(source, OLD_SOURCE_ROUTE, ["GET", `${TAG}embstr`])).toEqual([text("hello")]);

    await source.slotsFreeze(MOVE, SOURCE_OWNED);
    expect(await routed(source, OLD_SOURCE_ROUTE, ["GET", `${TAG}embstr`])).toEqual({ moved: 1 });
    expect(await routed(source, OLD_SOURCE_ROUTE, ["SET", NEAR, "written"])).toEqual({ moved: 1 });
    expect(await routed(source, OLD_SOURCE_ROUTE, ["GET", STAY])).toEqual([text("stays")]);
    // The moved key comes second: the refusal must come before the first command runs.
    expect(await routed(source, OLD_SOURCE_ROUTE, ["SET", STAY, "changed"], ["INCR", `${TAG}int`], ["DEL", `${TAG}list`])).toEqual({ moved: 1 });
    expect(await run(source, ["GET", STAY], ["GET", `${TAG}int`], ["EXISTS", `${TAG}list`])).toEqual([text("stays"), text("123456789"), 1]);

    await copy(source, target);
    await target.slotsCommit(MOVE, TARGET_OWNED);
    expect(await routed(target, NEW_TARGET_ROUTE, ["GET", `${TAG}embstr`], ["INCR", `${TAG}int`])).toEqual([text("hello"), 123456790]);
    // A gateway that has not heard of the move yet still reaches the range on the target.
    expect(await routed(target, { version: 0, owned: TARGET_OWNED }, ["GET", NEAR])).toEqual([text("near")]);

    await source.slotsDrop(MOVE);
    expect(await routed(source, OLD_SOURCE_ROUTE, ["GET", `${TAG}embstr`])).toEqual({ moved: 1 });
    expect(await routed(source, { version: 1, owned: [[0, MOVE.first - 1], [MOVE.last + 1, 8191]] }, ["SET", STAY, "after"])).toEqual([new Status("OK")]);
  });

  it("freeze waits for a cross-shard transaction holding a key of the range, whose writes then move", async () => {
    const { n, source, target } = pair();
    await run(source, ...LOAD);
    const key = text(`${TAG}embstr`);
    expect(await source.txLock("tx-1", n, [key.buffer as ArrayBuffer], null, false)).toHaveProperty("states");
    expect(await source.slotsFreeze(MOVE, SOURCE_OWNED)).toEqual({ busy: true });
    expect(await source.slotsState()).toBeNull();
    expect(await routed(source, OLD_SOURCE_ROUTE, ["GET", STAY])).toEqual([text("stays")]);

    await source.txApply("tx-1", encodeCommands([["SET", key, "written by tx-1"]]).buffer as ArrayBuffer);
    await migrate(source, target);
    expect(await run(target, ["GET", key])).toEqual([text("written by tx-1")]);
    expect(await existing(source, [key])).toBe(0);
  });

  it("ownership and data survive restarts after every phase", async () => {
    const { source, target } = pair();
    await run(source, ...LOAD);
    const before = await describeKeys(source, MOVED_KEYS);
    // Both objects answer a call first: only a running object can be evicted.
    const restart = async () => {
      await Promise.all([source.slotsState(), target.slotsState()]);
      await evictDurableObject(source);
      await evictDurableObject(target);
    };
    expect(await failure(source.slotsExport(MOVE, "0", 1024))).toBe(`ERR slots ${MOVE.first}-${MOVE.last} are not frozen for move version 1`);

    await source.slotsFreeze(MOVE, SOURCE_OWNED);
    await restart();
    expect(await source.slotsState()).toEqual({ version: 0, owned: [[0, MOVE.first - 1], [MOVE.last + 1, 8191]], frozen: [MOVE] });
    expect(await routed(source, OLD_SOURCE_ROUTE, ["GET", NEAR])).toEqual({ moved: 1 });
    expect(await describeKeys(source, MOVED_KEYS)).toEqual(before);

    await copy(source, target);
    await restart();
    expect(await target.slotsState()).toBeNull();
    expect(await describeKeys(target, MOVED_KEYS)).toEqual(before);

    await target.slotsCommit(MOVE, TARGET_OWNED);
    await restart();
    expect(await target.slotsState()).toEqual({ version: 1, owned: [[MOVE.first, MOVE.last], [8192, 16383]], frozen: [] });
    expect(await describeKeys(target, MOVED_KEYS)).toEqual(before);
    expect(await failure(target.slotsImport(MOVE, new ArrayBuffer(0)))).toBe(`ERR this shard serves slots in ${MOVE.first}-${MOVE.last}`);

    await source.slotsDrop(MOVE);
    await restart();
    expect(await source.slotsState()).toEqual({ version: 1, owned: [[0, MOVE.first - 1], [MOVE.last + 1, 8191]], frozen: [] });
    expect(await existing(source, MOVED_KEYS)).toBe(0);
    expect(await run(source, ["DBSIZE"], ["GET", STAY])).toEqual([1, text("stays")]);
    expect(await routed(source, OLD_SOURCE_ROUTE, ["GET", NEAR])).toEqual({ moved: 1 });
    expect(await failure(source.slotsExport(MOVE, "0", 1024))).toBe(`ERR slots ${MOVE.first}-${MOVE.last} are not frozen for move version 1`);
    expect(await describeKeys(target, MOVED_KEYS)).toEqual(before);
    expect(await routed(target, NEW_TARGET_ROUTE, ["GET", NEAR])).toEqual([text("near")]);
  });

  it("replicas follow the freeze, the commit and the drop", async () => {
    const { n, source, target } = pair();
    // A batch through the primary's replicated path: it names the replica (configuring the stream), and
    // its WAIT counts acknowledgements of everything logged so far, slot state entries included.
    const replicated = (shard: Stub, group: number) => async (...commands: Command[]) => {
      const options = { shard: group, epoch: 0, replicas: [`shard-${group}-replica-0`], mode: "async" as const, position: (await shard.memberStatus()).head };
      const answer = await shard.executeReplicated(encodeCommands(commands).buffer as ArrayBuffer, undefined, options);
      if (!("replies" in answer)) throw new Error(`refused: ${JSON.stringify(answer)}`);
      return decodeReplies(new Uint8Array(answer.replies));
    };
    const onSource = replicated(source, n);
    const onTarget = replicated(target, n + 1);
    const sourceReplica = stub(`shard-${n}-replica-0`);
    const targetReplica = stub(`shard-${n + 1}-replica-0`);
    await onSource(...LOAD);
    await onTarget(["SET", "{t}own", "1"]);

    await source.slotsFreeze(MOVE, SOURCE_OWNED);
    expect(await sourceReplica.slotsState()).toEqual(await source.slotsState());

    await copy(source, target);
    await target.slotsCommit(MOVE, TARGET_OWNED);
    expect(await onTarget(["WAIT", "1", "0"])).toEqual([1]);
    expect(await targetReplica.slotsState()).toEqual(await target.slotsState());
    expect(await targetReplica.digest()).toBe(await target.digest());

    await source.slotsDrop(MOVE);
    expect(await onSource(["WAIT", "1", "0"])).toEqual([1]);
    expect(await sourceReplica.slotsState()).toEqual({ version: 1, owned: [[0, MOVE.first - 1], [MOVE.last + 1, 8191]], frozen: [] });
    expect(await sourceReplica.digest()).toBe(await source.digest());
    await evictDurableObject(sourceReplica);
    expect(await sourceReplica.slotsState()).toEqual(await source.slotsState());
  });

  it("a freeze no replica acknowledges is taken back: busy, and the source serves the range again", async () => {
    const { n, source } = pair();
    const replica = stub(`shard-${n}-replica-0`);
    const options = { shard: n, epoch: 0, replicas: [`shard-${n}-replica-0`], mode: "async" as const, position: (await source.memberStatus()).head };
    const answer = await source.executeReplicated(encodeCommands([["SET", `${TAG}a`, "1"]]).buffer as ArrayBuffer, undefined, options);
    expect("replies" in answer).toBe(true);
    await runInDurableObject(source, (instance: Shard) => void (instance.syncAckMs = 50));
    await replica.testFault("fail");
    expect(await source.slotsFreeze(MOVE, SOURCE_OWNED)).toEqual({ busy: true });
    expect((await source.slotsState())?.frozen ?? []).toEqual([]);
    expect(await routed(source, OLD_SOURCE_ROUTE, ["GET", `${TAG}a`])).toEqual([text("1")]);
    // Back: the next freeze is acknowledged and holds.
    await replica.testFault("clear");
    await runInDurableObject(source, (instance: Shard) => void (instance.syncAckMs = 5_000));
    expect(await source.slotsFreeze(MOVE, SOURCE_OWNED)).toMatchObject({ frozen: true });
    expect(await routed(source, OLD_SOURCE_ROUTE, ["GET", `${TAG}a`])).toMatchObject({ moved: 1 });
    expect(await replica.slotsState()).toEqual(await source.slotsState());
  });
});
