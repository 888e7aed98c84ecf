// maxmemory policies in the core: writes past the limit evict keys chosen by Redis's sampled
// approximations (5 samples), log each eviction as DEL, and answer OOM only when nothing is evictable.
import { describe, expect, it } from "vitest";
import { EVICTION_POLICIES, type EvictionPolicy } from "../../wasm/host";
import { shardConfig } from "../../shards/config";
import { Session } from "./session";

const OOM = "-OOM command not allowed when used memory > 'maxmemory'.";
const value = (n = 200) => "v".repeat(n);

/** A session under `policy` holding `setup`'s keys, with maxmemory set to what they use now. */
function full(policy: EvictionPolicy, setup: (s: Session) => void, seed = 7): Session {
  const s = new Session({ maxMemoryPolicy: policy, seed });
  setup(s);
  s.run("PING"); // the batch buffers shrink back once the big set-up batch is done
  s.core.setMaxMemory(s.core.usedMemory());
  return s;
}

function fill(s: Session, prefix: string, n: number, ttlSeconds?: (i: number) => number): void {
  const batch: string[][] = [];
  for (let i = 0; i < n; i++) {
    batch.push(["SET", `${prefix}${i}`, value()]);
    if (ttlSeconds) batch.push(["EXPIRE", `${prefix}${i}`, String(ttlSeconds(i))]);
  }
  s.batch(batch);
}

const keys = (s: Session) => (s.run("KEYS", "*") as string[]).sort();
const evicted = (s: Session) => Number(/evicted_keys:(\d+)/.exec(s.run("INFO", "stats") as string)![1]);

/** Replays every effect into a fresh core (as the log and replicas do) and compares keyspaces. */
function expectReplayMatches(s: Session): void {
  const replica = new Session();
  replica.now = s.now;
  for (const batch of s.effects) replica.core.execute(batch, s.now, true);
  expect(keys(replica)).toEqual(keys(s));
  for (const k of keys(s)) expect(replica.run("GET", k)).toEqual(s.run("GET", k));
}

describe("maxmemory policies", () => {
  it("noeviction is unchanged: OOM, nothing evicted", () => {
    const s = full("noeviction", (x) => fill(x, "k", 50));
    expect(s.run("SET", "new", value(4000))).toBe(OOM);
    expect(s.run("DBSIZE")).toBe(50);
    expect(s.run("INFO", "memory")).toContain("maxmemory_policy:noeviction\r\n");
    expect(evicted(s)).toBe(0);
  });

  for (const policy of ["allkeys-lru", "allkeys-random"] as const) {
    it(`${policy}: writes past the limit succeed by evicting, logged as DEL, replayable`, () => {
      const s = full(policy, (x) => fill(x, "k", 200));
      const limit = s.core.usedMemory();
      for (let i = 0; i < 300; i++) {
        expect(s.run("SET", `new${i}`, value())).toBe("+OK");
        expect(s.run("GET", `new${i}`)).toBe(value()); // never the key being written
      }
      expect(s.core.usedMemory()).toBeLessThanOrEqual(limit);
      expect(s.run("INFO", "memory")).toContain(`maxmemory_policy:${policy}\r\n`);
      const dels = s.effectCommands().filter((c) => c[0] === "DEL");
      expect(dels.length).toBeGreaterThanOrEqual(300);
      expect(evicted(s)).toBe(dels.length);
      expect(s.run("DBSIZE")).toBe(500 - dels.length);
      // Every DEL precedes the SET it made room for; replay gives the same keyspace.
      expectReplayMatches(s);
      // Other write commands evict too: a hash, a list, an APPEND.
      expect(s.run("HSET", "h", "f", value())).toBe(1);
      expect(s.run("RPUSH", "l", value())).toBe(1);
      // (LRU: a key just written is the youngest, so APPEND's evictions spare it.)
      s.advance(20_000);
      expect(s.run("SET", "a", value())).toBe("+OK");
      if (policy === "allkeys-lru") expect(s.run("APPEND", "a", value(500))).toBe(700);
      expectReplayMatches(s);
    });
  }

  it("writes of every type past the limit evict and replay to the same keyspace, byte for byte (DUMP)", () => {
    const s = full("allkeys-lru", (x) => fill(x, "k", 300), 11);
    let n = 0;
    const m = (i: number) => `m${i}:${"x".repeat(40)}`;
    for (let round = 0; round < 40; round++) {
      s.advance(17_000);
      const batch: string[][] = [];
      for (let j = 0; j < 8; j++, n++) {
        batch.push(["HSET", `h${n % 13}`, `f${n}`, value(60), `g${n}`, value(30)]);
        batch.push(["RPUSH", `l${n % 11}`, m(n), m(n + 1), m(n + 2)]);
        batch.push(["SADD", `s${n % 7}`, m(n), String(n)]);
        batch.push(["ZADD", `z${n % 5}`, String(n), m(n), String(-n), m(-n)]);
        batch.push(["SETRANGE", `r${n % 9}`, String(n * 3), value(50)]);
        batch.push(["INCRBYFLOAT", `f${n % 3}`, "1.5"]);
        batch.push(["SUNIONSTORE", `u${n % 4}`, `s${n % 7}`, `s${(n + 1) % 7}`]);
        batch.push(["SET", `e${n}`, value(), "PX", String(5_000 + n)]);
        batch.push(["GET", `k${n % 300}`]);
      }
      const replies = s.batch(batch);
      expect(replies.filter((r) => typeof r === "string" && r.startsWith("-"))).toEqual([]);
    }
    expect(evicted(s)).toBeGreaterThan(300);
    const replica = new Session();
    replica.now = s.now;
    for (const batch of s.effects) replica.core.execute(batch, s.now, true);
    const all = keys(s);
    expect(keys(replica)).toEqual(all);
    const dumps = (x: Session) => x.batch(all.map((k) => ["DUMP", k]));
    expect(dumps(replica)).toEqual(dumps(s));
  });

  it("a write bigger than all memory evicts everything and still answers OOM", () => {
    const s = full("allkeys-random", (x) => fill(x, "k", 20));
    expect(s.run("SET", "huge", value(1_000_000))).toBe(OOM);
    expect(s.run("DBSIZE")).toBe(0);
    expect(evicted(s)).toBe(20);
  });

  it("allkeys-lru keeps recently read keys over untouched ones", () => {
    const s = full("allkeys-lru", (x) => fill(x, "k", 1000));
    let survivorsRandom = 0;
    for (let round = 0; round < 5; round++) {
      s.advance(20_000); // past one tick of the 16-second LRU clock
      s.batch(Array.from({ length: 100 }, (_, i) => ["GET", `k${i}`]));
      const replies = s.batch(Array.from({ length: 100 }, (_, i) => ["SET", `r${round}:${i}`, value()]));
      expect(replies.every((x) => x === "+OK")).toBe(true);
    }
    const hot = s.batch(Array.from({ length: 100 }, (_, i) => ["EXISTS", `k${i}`])).filter((x) => x === 1).length;
    const cold = s.batch(Array.from({ length: 900 }, (_, i) => ["EXISTS", `k${i + 100}`])).filter((x) => x === 1).length;
    expect(evicted(s)).toBeGreaterThanOrEqual(500);
    expect(hot).toBeGreaterThanOrEqual(95);
    expect(cold).toBeLessThan(450);
    // The same workload under allkeys-random loses about half of the hot keys.
    const r = full("allkeys-random", (x) => fill(x, "k", 1000));
    for (let round = 0; round < 5; round++) {
      r.batch(Array.from({ length: 100 }, (_, i) => ["GET", `k${i}`]));
      r.batch(Array.from({ length: 100 }, (_, i) => ["SET", `r${round}:${i}`, value()]));
    }
    survivorsRandom = r.batch(Array.from({ length: 100 }, (_, i) => ["EXISTS", `k${i}`])).filter((x) => x === 1).length;
    expect(survivorsRandom).toBeLessThan(80);
    expectReplayMatches(s);
  });

  for (const policy of ["volatile-lru", "volatile-random", "volatile-ttl"] as const) {
    it(`${policy}: evicts only keys with a TTL, then answers OOM`, () => {
      const s = full(policy, (x) => {
        fill(x, "p", 50);
        fill(x, "t", 30, (i) => 1000 + i);
      });
      let ok = 0;
      let oom = 0;
      for (let i = 0; i < 60; i++) {
        const reply = s.run("SET", `new${i}`, value());
        if (reply === "+OK") ok++;
        else {
          expect(reply).toBe(OOM);
          oom++;
        }
      }
      expect(ok).toBeGreaterThanOrEqual(25);
      expect(oom).toBeGreaterThan(0);
      expect(s.run("KEYS", "t*")).toEqual([]);
      expect(s.core.volatileCount()).toBe(0);
      for (let i = 0; i < 50; i++) expect(s.run("GET", `p${i}`)).toBe(value());
      expect(evicted(s)).toBe(30);
      expectReplayMatches(s);
    });
  }

  it("volatile-* with no key holding a TTL answers OOM and evicts nothing", () => {
    const s = full("volatile-lru", (x) => fill(x, "p", 50));
    expect(s.run("SET", "new", value())).toBe(OOM);
    expect(s.run("DBSIZE")).toBe(50);
  });

  it("volatile-ttl evicts the soonest-expiring keys first", () => {
    const s = full("volatile-ttl", (x) => fill(x, "t", 40, (i) => 1000 + 100 * i));
    for (let i = 0; i < 20; i++) expect(s.run("SET", `p${i}`, value())).toBe("+OK");
    const gone: number[] = [];
    const kept: number[] = [];
    for (let i = 0; i < 40; i++) (s.run("EXISTS", `t${i}`) === 1 ? kept : gone).push(i);
    expect(gone.length).toBeGreaterThanOrEqual(20);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // Sampled, not exact: most of the evicted keys are among the soonest to expire.
    expect(mean(gone)).toBeLessThan(mean(kept) - 10);
    expect(gone.filter((i) => i < 20).length).toBeGreaterThanOrEqual(15);
    expectReplayMatches(s);
  });

  it("internal batches (replay) never evict", () => {
    const s = full("allkeys-lru", (x) => fill(x, "k", 20));
    const reply = s.batch([["SET", "new", value()]], true)[0];
    expect(reply).toBe(OOM);
    expect(s.run("DBSIZE")).toBe(20);
  });
});

describe("policy settings", () => {
  it("the host knows Redis's policy names and refuses others", () => {
    expect(EVICTION_POLICIES).toContain("allkeys-lru");
    const s = new Session();
    expect(() => s.core.setEvictionPolicy("allkeys-lfu" as EvictionPolicy)).toThrow(/unknown maxmemory policy/);
  });

  it("EDGESLOT_MAXMEMORY_POLICY defaults to noeviction and rejects unknown names", () => {
    expect(shardConfig({}).maxMemoryPolicy).toBe("noeviction");
    expect(shardConfig({ EDGESLOT_MAXMEMORY_POLICY: "allkeys-lru" }).maxMemoryPolicy).toBe("allkeys-lru");
    expect(shardConfig({ EDGESLOT_MAXMEMORY_POLICY: "VOLATILE-TTL" }).maxMemoryPolicy).toBe("volatile-ttl");
    expect(() => shardConfig({ EDGESLOT_MAXMEMORY_POLICY: "allkeys-lfu" })).toThrow(/EDGESLOT_MAXMEMORY_POLICY must be one of/);
  });
});
