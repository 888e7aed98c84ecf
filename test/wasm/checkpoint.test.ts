// Durability surfaces of the wasm core: __CHECKPOINT of dirty and deleted keys, __RESTORE of its payloads
// (checksummed, refused when corrupt), and effects that replay into the same state.
import { describe, expect, it } from "vitest";
import { type Reply } from "../../worker/wire/resp";
import { Session, show } from "./session";

type Row = [Uint8Array | null, Uint8Array | null];

/** Drains __CHECKPOINT into rows, as the shard does (looping until an empty array). */
function checkpoint(s: Session, maxBytes = 1 << 20): Row[] {
  const rows: Row[] = [];
  for (;;) {
    const reply = s.internal("__CHECKPOINT", String(maxBytes)) as (Uint8Array | null)[];
    if (reply.length === 0) return rows;
    for (let i = 0; i < reply.length; i += 2) rows.push([reply[i], reply[i + 1]]);
  }
}

/** Applies checkpoint rows to a key → payload map, as storage would. */
function applyRows(store: Map<string, Uint8Array>, rows: Row[]): void {
  const dec = new TextDecoder("latin1");
  for (const [key, payload] of rows) {
    if (key === null) store.clear();
    else if (payload === null) store.delete(dec.decode(key));
    else store.set(dec.decode(key), payload);
  }
}

function restoreAll(store: Map<string, Uint8Array>, s: Session): void {
  const enc = (k: string) => Uint8Array.from(k, (c) => c.charCodeAt(0));
  for (const [key, payload] of store) expect(show(s.internal("__RESTORE", enc(key), payload))).toBe("+OK");
}

function snapshot(s: Session, keys: string[]): unknown[] {
  return keys.map((k) => [s.run("GET", k), s.run("PTTL", k)]);
}

describe("checkpoint and restore", () => {
  it("checkpoint then restore into a fresh core gives identical GET and TTL results", () => {
    const s = new Session();
    s.run("SET", "plain", "v");
    s.run("SET", "ttl", "w", "EX", "100");
    s.run("SET", "bin", new Uint8Array([0, 255, 13, 10]));
    s.run("SET", "big", "x".repeat(300_000));
    const store = new Map<string, Uint8Array>();
    applyRows(store, checkpoint(s, 4096));
    expect(store.size).toBe(4);
    expect(checkpoint(s)).toEqual([]);
    const fresh = new Session();
    fresh.now = s.now;
    restoreAll(store, fresh);
    const keys = ["plain", "ttl", "bin", "big", "missing"];
    expect(snapshot(fresh, keys)).toEqual(snapshot(s, keys));
    expect(fresh.core.keyCount()).toBe(4);
    expect(fresh.core.volatileCount()).toBe(1);
    // Restored keys are clean: nothing to checkpoint until they change.
    expect(checkpoint(fresh)).toEqual([]);
  });

  it("only keys changed since the last checkpoint are reported, deleted ones as nil", () => {
    const s = new Session();
    s.run("MSET", "a", "1", "b", "2", "c", "3");
    const store = new Map<string, Uint8Array>();
    applyRows(store, checkpoint(s));
    s.run("INCR", "a");
    s.run("DEL", "b");
    s.run("SET", "d", "4");
    s.run("DEL", "d"); // never stored: nothing to report
    s.run("SET", "c", "x");
    s.run("DEL", "c");
    s.run("SET", "c", "y"); // deleted then re-created: reported once with its value
    const rows = checkpoint(s);
    const shown = rows.map(([k, p]) => [k === null ? null : new TextDecoder().decode(k), p === null ? null : "payload"]);
    expect(shown.sort()).toEqual([["a", "payload"], ["b", null], ["c", "payload"]].sort());
    applyRows(store, rows);
    const fresh = new Session();
    restoreAll(store, fresh);
    expect(fresh.run("MGET", "a", "b", "c", "d")).toEqual(["2", null, "y", null]);
  });

  it("a key deleted after being stored is reported as nil even when it expired", () => {
    const s = new Session();
    s.run("SET", "k", "v", "PX", "10");
    checkpoint(s);
    s.advance(20);
    expect(s.run("GET", "k")).toBeNull();
    expect(checkpoint(s).map(([k, p]) => [show(k as Reply), p])).toEqual([["k", null]]);
  });

  it("a FLUSHALL is reported first as a [nil, nil] pair", () => {
    const s = new Session();
    s.run("MSET", "a", "1", "b", "2");
    const store = new Map<string, Uint8Array>();
    applyRows(store, checkpoint(s));
    s.run("FLUSHALL");
    s.run("SET", "c", "3");
    const rows = checkpoint(s);
    expect(rows[0]).toEqual([null, null]);
    applyRows(store, rows);
    expect([...store.keys()]).toEqual(["c"]);
  });

  it("__CHECKPOINT 0 still reports one key per call", () => {
    const s = new Session();
    s.run("MSET", "a", "1", "b", "2", "c", "3");
    expect(checkpoint(s, 0).length).toBe(3);
  });

  it("a corrupted payload is refused and nothing is loaded", () => {
    const s = new Session();
    s.run("SET", "k", "value", "EX", "100");
    const [[, payload]] = checkpoint(s);
    const fresh = new Session();
    for (let i = 0; i < payload!.length; i++) {
      const bad = payload!.slice();
      bad[i] ^= 0x40;
      expect(show(fresh.internal("__RESTORE", "k", bad))).toBe("-ERR DUMP payload version or checksum are wrong");
    }
    expect(show(fresh.internal("__RESTORE", "k", payload!.subarray(0, payload!.length - 1)))).toBe(
      "-ERR DUMP payload version or checksum are wrong",
    );
    expect(show(fresh.internal("__RESTORE", "k", new Uint8Array(0)))).toBe("-ERR DUMP payload version or checksum are wrong");
    expect(fresh.core.keyCount()).toBe(0);
    expect(show(fresh.internal("__RESTORE", "k", payload!))).toBe("+OK");
    expect(fresh.run("GET", "k")).toBe("value");
  });

  it("__CHECKPOINT and __RESTORE are internal only", () => {
    const s = new Session();
    expect(s.run("__CHECKPOINT", "100")).toBe("-ERR unknown command '__CHECKPOINT', with args beginning with: '100' ");
    expect(s.run("__RESTORE", "k", "x")).toBe("-ERR unknown command '__RESTORE', with args beginning with: 'k' 'x' ");
  });
});

describe("effects", () => {
  it("effects replayed on a fresh core reproduce the state", () => {
    const s = new Session();
    const script: string[][] = [
      ["SET", "a", "1", "EX", "100"],
      ["INCRBY", "a", "41"],
      ["INCRBYFLOAT", "f", "1.5"],
      ["INCRBYFLOAT", "f", "0.1"],
      ["APPEND", "s", "hello"],
      ["SETRANGE", "s", "8", "xy"],
      ["MSET", "m1", "x", "m2", "y"],
      ["MSETNX", "n1", "x", "n2", "y"],
      ["RENAME", "m1", "r1"],
      ["GETSET", "m2", "z"],
      ["SETEX", "e", "10", "v"],
      ["GETEX", "e", "EX", "300"],
      ["PEXPIRE", "r1", "5000"],
      ["SET", "gone", "x", "PX", "50"],
      ["GETDEL", "n1"],
      ["SET", "k", "v", "GET"],
      ["PERSIST", "a"],
      ["UNLINK", "n2"],
    ];
    for (const c of script) {
      s.run(...c);
      s.advance(7);
    }
    s.advance(100);
    s.run("GET", "gone"); // lazily expired: logged as DEL
    const fresh = new Session();
    for (const batch of s.effects) fresh.core.execute(batch, fresh.now, true);
    fresh.now = s.now;
    const keys = ["a", "f", "s", "m1", "m2", "n1", "n2", "r1", "e", "gone", "k"];
    expect(snapshot(fresh, keys)).toEqual(snapshot(s, keys));
    expect(fresh.core.keyCount()).toBe(s.core.keyCount());
    expect(fresh.core.volatileCount()).toBe(s.core.volatileCount());
  });
});

/** A seeded stream of writes over a small key pool, with time moving between batches. */
function randomStream(seed: number, batches: number, s: Session, onBatch: () => void): void {
  let x = seed;
  const rnd = (n: number) => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x % n;
  };
  const keys = ["a", "b", "c", "d", "{t}e", ""];
  const values = ["", "0", "1", "-7", "1.5", "abc", "9223372036854775807"];
  const k = () => keys[rnd(keys.length)];
  const v = () => values[rnd(values.length)];
  const ms = () => String(1 + rnd(3000));
  const gens: (() => string[])[] = [
    () => ["SET", k(), v()],
    () => ["SET", k(), v(), "PX", ms()],
    () => ["SET", k(), v(), "KEEPTTL", "GET"],
    () => ["SET", k(), v(), "NX", "EX", "1"],
    () => ["SETEX", k(), "2", v()],
    () => ["GETEX", k(), "PX", ms()],
    () => ["GETEX", k(), "PERSIST"],
    () => ["GETDEL", k()],
    () => ["MSET", k(), v(), k(), v()],
    () => ["MSETNX", k(), v(), k(), v()],
    () => ["APPEND", k(), v()],
    () => ["SETRANGE", k(), String(rnd(5)), v()],
    () => ["INCR", k()],
    () => ["INCRBYFLOAT", k(), "0.1"],
    () => ["DEL", k(), k()],
    () => ["PEXPIRE", k(), ms()],
    () => ["EXPIRE", k(), "-1"],
    () => ["PERSIST", k()],
    () => ["RENAME", k(), k()],
    () => ["RENAMENX", k(), k()],
    () => ["GET", k()],
  ];
  for (let b = 0; b < batches; b++) {
    const batch: string[][] = [];
    for (let i = 0; i < 1 + rnd(8); i++) batch.push(gens[rnd(gens.length)]());
    if (rnd(50) === 0) batch.push(["FLUSHALL"]);
    s.batch(batch);
    if (rnd(10) === 0) s.internal("__SWEEP", "3");
    s.advance(rnd(400));
    onBatch();
  }
}

function fullState(s: Session): unknown {
  const keys = (s.run("KEYS", "*") as string[]).sort();
  return keys.map((k) => [k, s.run("GET", k), s.run("PTTL", k)]);
}

describe("replay semantics", () => {
  it("effects replayed long after they were produced still reproduce the state (no expiry while replaying)", () => {
    const s = new Session();
    s.run("SET", "k", "v", "PX", "100");
    s.advance(50);
    s.run("PEXPIRE", "k", "10000");
    s.run("SET", "gone", "x", "PX", "10");
    s.advance(20);
    s.run("GET", "gone");
    const replay = new Session();
    replay.now = s.now + 3_600_000; // recovery an hour later
    for (const batch of s.effects) replay.core.execute(batch, replay.now, true);
    replay.now = s.now;
    expect(replay.run("PEXPIRETIME", "k")).toBe(s.run("PEXPIRETIME", "k"));
    expect(replay.run("GET", "k")).toBe("v");
    expect(replay.run("EXISTS", "gone")).toBe(0);
  });

  it("__SWEEP still removes expired keys in an internal batch", () => {
    const s = new Session();
    s.run("SET", "k", "v", "PX", "10");
    s.advance(11);
    expect(s.internal("__SWEEP", "10")).toBe(1);
    expect(s.core.keyCount()).toBe(0);
  });
});

describe("randomised durability", () => {
  it("effects of a random stream, replayed batch by batch, keep a replica identical", () => {
    const primary = new Session();
    const replica = new Session();
    let applied = 0;
    randomStream(7, 400, primary, () => {
      for (; applied < primary.effects.length; applied++) replica.core.execute(primary.effects[applied], primary.now, true);
      replica.now = primary.now;
      expect(fullState(replica)).toEqual(fullState(primary));
    });
  });

  it("checkpoints taken during a random stream restore to the same state", () => {
    const s = new Session();
    const store = new Map<string, Uint8Array>();
    let n = 0;
    randomStream(11, 300, s, () => {
      if (n++ % 7 !== 0) return;
      applyRows(store, checkpoint(s, 64));
      const fresh = new Session();
      fresh.now = s.now;
      restoreAll(store, fresh);
      expect(fullState(fresh)).toEqual(fullState(s));
    });
  });
});
