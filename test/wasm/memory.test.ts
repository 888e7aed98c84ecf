// Memory of the wasm core: exact accounting, return to baseline, OOM refusals that keep data intact, scale.
import { describe, expect, it } from "vitest";
import { Session } from "./session";

const OOM = "-OOM command not allowed when used memory > 'maxmemory'.";

describe("memory", () => {
  it("usedMemory grows with data and returns to its baseline after FLUSHALL", () => {
    const s = new Session();
    s.run("PING");
    const baseline = s.core.usedMemory();
    for (let i = 0; i < 1000; i++) s.run("SET", `key:${i}`, "x".repeat(i));
    const used = s.core.usedMemory();
    // At least the payload bytes, and not wildly more than them plus per-key overhead.
    const payload = 1000 * 8 + (999 * 1000) / 2;
    expect(used - baseline).toBeGreaterThan(payload);
    expect(used - baseline).toBeLessThan(payload * 1.4 + 1000 * 64);
    s.run("FLUSHALL");
    expect(s.core.usedMemory()).toBe(baseline);
  });

  it("usedMemory is exact: a SET and a DEL of the same key cancel out", () => {
    const s = new Session();
    s.run("SET", "warm", "1");
    const before = s.core.usedMemory();
    s.run("SET", "k", "some value");
    expect(s.core.usedMemory()).toBeGreaterThan(before);
    s.run("DEL", "k");
    expect(s.core.usedMemory()).toBe(before);
  });

  it("writes over maxmemory are refused with OOM and leave data intact", () => {
    const s = new Session({ maxMemory: 2 * 1024 * 1024 });
    s.run("SET", "keep", "v");
    let refused = 0;
    for (let i = 0; i < 100; i++) {
      const reply = s.run("SET", `k${i}`, "x".repeat(64 * 1024));
      if (reply === OOM) refused++;
      else expect(reply).toBe("+OK");
    }
    expect(refused).toBeGreaterThan(0);
    expect(s.core.usedMemory()).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(s.run("GET", "keep")).toBe("v");
    expect(s.run("APPEND", "keep", "x".repeat(1024 * 1024))).toBe(OOM);
    expect(s.run("MSET", "m1", "x".repeat(600 * 1024), "m2", "x".repeat(600 * 1024))).toBe(OOM);
    expect(s.run("EXISTS", "m1", "m2")).toBe(0);
    expect(s.run("GET", "keep")).toBe("v");
    // Deletes always work, and free room for new writes.
    expect(s.run("DEL", "k0", "k1", "k2")).toBe(3);
    expect(s.run("SET", "after", "x".repeat(64 * 1024))).toBe("+OK");
  });

  it("100k keys: counts, reads and memory per key stay sane", () => {
    const s = new Session();
    const n = 100_000;
    for (let i = 0; i < n; i += 1000) {
      const batch: string[][] = [];
      for (let j = i; j < i + 1000; j++) batch.push(["SET", `key:${String(j).padStart(12, "0")}`, `val:${String(j).padStart(12, "0")}`]);
      s.batch(batch);
    }
    expect(s.core.keyCount()).toBe(n);
    expect(s.run("DBSIZE")).toBe(n);
    expect(s.run("GET", "key:000000054321")).toBe("val:000000054321");
    const perKey = s.core.usedMemory() / n;
    expect(perKey).toBeLessThan(90);
    // A mixed batch over a large table (the group-prefetch path): replies stay in order and exact.
    const k = (i: number) => `key:${String(i).padStart(12, "0")}`;
    const mixed = s.batch([
      ["GET", k(1)],
      ["PING"],
      ["MGET", k(2), "nope", k(3)],
      ["SET", k(4), "new", "GET"],
      ["INCR", "counter"],
      ["EXISTS", k(5), k(5)],
      ["DEL", k(6)],
      ["GET", k(6)],
      ["APPEND", k(7), "!"],
      ["GET", k(4)],
    ]);
    expect(mixed).toEqual(["val:000000000001", "+PONG", ["val:000000000002", null, "val:000000000003"], "val:000000000004", 1, 2, 1, null, 17, "new"]);
    s.run("SET", k(6), "back");
    for (let i = 0; i < n; i += 2) s.run("DEL", `key:${String(i).padStart(12, "0")}`);
    expect(s.core.keyCount()).toBe(n / 2 + 1);
    expect(s.run("GET", "key:000000054321")).toBe("val:000000054321");
    expect(s.run("GET", "key:000000054320")).toBeNull();
  });
});
