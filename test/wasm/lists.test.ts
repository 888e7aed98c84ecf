// Lists in the wasm core: every L* command's replies and errors (Redis 7.0's), WRONGTYPE both ways, empty-list
// deletion, the quicklist across node boundaries (8 KB nodes, large elements, 10,000+ elements), exact memory
// accounting, effects that replay, and checkpoint payloads.
import { describe, expect, it } from "vitest";
import { Session, show } from "./session";

const WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value";
const OOM = "-OOM command not allowed when used memory > 'maxmemory'.";

function range(n: number, prefix = "e"): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}

describe("list commands", () => {
  it("LPUSH/RPUSH/LLEN/LRANGE/LINDEX with negative and out-of-range indexes", () => {
    const s = new Session();
    expect(s.run("RPUSH", "l", "c", "d")).toBe(2);
    expect(s.run("LPUSH", "l", "b", "a")).toBe(4);
    expect(s.run("LRANGE", "l", "0", "-1")).toEqual(["a", "b", "c", "d"]);
    expect(s.run("LRANGE", "l", "-2", "100")).toEqual(["c", "d"]);
    expect(s.run("LRANGE", "l", "-100", "1")).toEqual(["a", "b"]);
    expect(s.run("LRANGE", "l", "3", "1")).toEqual([]);
    expect(s.run("LRANGE", "l", "4", "10")).toEqual([]);
    expect(s.run("LRANGE", "nokey", "0", "-1")).toEqual([]);
    expect(s.run("LRANGE", "l", "x", "1")).toBe("-ERR value is not an integer or out of range");
    expect(s.run("LLEN", "l")).toBe(4);
    expect(s.run("LLEN", "nokey")).toBe(0);
    expect(s.run("LINDEX", "l", "0")).toBe("a");
    expect(s.run("LINDEX", "l", "-1")).toBe("d");
    expect(s.run("LINDEX", "l", "4")).toBe(null);
    expect(s.run("LINDEX", "l", "-5")).toBe(null);
    expect(s.run("LINDEX", "nokey", "x")).toBe(null);
    expect(s.run("LINDEX", "l", "x")).toBe("-ERR value is not an integer or out of range");
    expect(s.run("TYPE", "l")).toBe("+list");
    expect(s.run("OBJECT", "ENCODING", "l")).toBe("quicklist");
  });

  it("LPUSHX/RPUSHX push only onto an existing list", () => {
    const s = new Session();
    expect(s.run("LPUSHX", "l", "a")).toBe(0);
    expect(s.run("EXISTS", "l")).toBe(0);
    s.run("RPUSH", "l", "m");
    expect(s.run("LPUSHX", "l", "a", "b")).toBe(3);
    expect(s.run("RPUSHX", "l", "z")).toBe(4);
    expect(s.run("LRANGE", "l", "0", "-1")).toEqual(["b", "a", "m", "z"]);
  });

  it("LPOP/RPOP with and without count: nil, null array, empty array, range error, deletion", () => {
    const s = new Session();
    s.run("RPUSH", "l", "a", "b", "c", "d");
    expect(s.run("LPOP", "l")).toBe("a");
    expect(s.run("RPOP", "l")).toBe("d");
    expect(s.run("LPOP", "l", "0")).toEqual([]);
    expect(s.run("RPOP", "l", "5")).toEqual(["c", "b"]);
    expect(s.run("EXISTS", "l")).toBe(0);
    expect(s.run("LPOP", "l")).toBe(null);
    const [noCount, withCount, zero] = s.raw([["LPOP", "l"], ["LPOP", "l", "1"], ["RPOP", "l", "0"]]);
    expect(noCount).toBe(null);
    expect(withCount).toBe(null);
    expect(zero).toBe(null);
    expect(s.run("LPOP", "l", "-1")).toBe("-ERR value is out of range, must be positive");
    expect(s.run("LPOP", "l", "x")).toBe("-ERR value is out of range, must be positive");
    expect(s.run("LPOP", "l", "1", "2")).toBe("-ERR wrong number of arguments for 'lpop' command");
    expect(s.run("RPOP", "l", "1", "2")).toBe("-ERR wrong number of arguments for 'rpop' command");
  });

  it("LSET, LINSERT, LREM, LTRIM", () => {
    const s = new Session();
    s.run("RPUSH", "l", "a", "b", "a", "c", "a");
    expect(s.run("LSET", "l", "-1", "z")).toBe("+OK");
    expect(s.run("LSET", "l", "5", "z")).toBe("-ERR index out of range");
    expect(s.run("LSET", "l", "x", "z")).toBe("-ERR value is not an integer or out of range");
    expect(s.run("LSET", "nokey", "0", "z")).toBe("-ERR no such key");
    expect(s.run("LINSERT", "l", "BEFORE", "c", "X")).toBe(6);
    expect(s.run("LINSERT", "l", "after", "z", "Y")).toBe(7);
    expect(s.run("LINSERT", "l", "AFTER", "nope", "Y")).toBe(-1);
    expect(s.run("LINSERT", "nokey", "AFTER", "a", "Y")).toBe(0);
    expect(s.run("LINSERT", "l", "middle", "a", "Y")).toBe("-ERR syntax error");
    expect(s.run("LRANGE", "l", "0", "-1")).toEqual(["a", "b", "a", "X", "c", "z", "Y"]);
    expect(s.run("LREM", "l", "-1", "a")).toBe(1);
    expect(s.run("LRANGE", "l", "0", "-1")).toEqual(["a", "b", "X", "c", "z", "Y"]);
    expect(s.run("LREM", "l", "0", "a")).toBe(1);
    expect(s.run("LREM", "l", "x", "a")).toBe("-ERR value is not an integer or out of range");
    expect(s.run("LTRIM", "l", "1", "-2")).toBe("+OK");
    expect(s.run("LRANGE", "l", "0", "-1")).toEqual(["X", "c", "z"]);
    expect(s.run("LTRIM", "nokey", "0", "1")).toBe("+OK");
    expect(s.run("LTRIM", "l", "5", "1")).toBe("+OK");
    expect(s.run("EXISTS", "l")).toBe(0);
  });

  it("LPOS with RANK, COUNT and MAXLEN, and their errors", () => {
    const s = new Session();
    s.run("RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c");
    expect(s.run("LPOS", "l", "c")).toBe(2);
    expect(s.run("LPOS", "l", "c", "RANK", "2")).toBe(6);
    expect(s.run("LPOS", "l", "c", "RANK", "-1")).toBe(7);
    expect(s.run("LPOS", "l", "c", "COUNT", "0")).toEqual([2, 6, 7]);
    expect(s.run("LPOS", "l", "c", "COUNT", "2", "RANK", "-1")).toEqual([7, 6]);
    expect(s.run("LPOS", "l", "c", "COUNT", "0", "MAXLEN", "7")).toEqual([2, 6]);
    expect(s.run("LPOS", "l", "x")).toBe(null);
    expect(s.run("LPOS", "l", "x", "COUNT", "1")).toEqual([]);
    expect(s.run("LPOS", "nokey", "x", "COUNT", "1")).toEqual([]);
    expect(s.run("LPOS", "l", "c", "RANK", "-9223372036854775808", "COUNT", "1")).toEqual([7, 6, 2]);
    expect(s.run("LPOS", "l", "c", "RANK", "0")).toBe(
      "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
    );
    expect(s.run("LPOS", "l", "c", "COUNT", "-1")).toBe("-ERR COUNT can't be negative");
    expect(s.run("LPOS", "l", "c", "MAXLEN", "x")).toBe("-ERR MAXLEN can't be negative");
    expect(s.run("LPOS", "l", "c", "RANK")).toBe("-ERR syntax error");
  });

  it("LMOVE, RPOPLPUSH (including rotation of one list) and LMPOP", () => {
    const s = new Session();
    s.run("RPUSH", "src", "a", "b", "c");
    expect(s.run("LMOVE", "src", "dst", "LEFT", "RIGHT")).toBe("a");
    expect(s.run("RPOPLPUSH", "src", "dst")).toBe("c");
    expect(s.run("LRANGE", "dst", "0", "-1")).toEqual(["c", "a"]);
    expect(s.run("LMOVE", "dst", "dst", "LEFT", "RIGHT")).toBe("c");
    expect(s.run("LRANGE", "dst", "0", "-1")).toEqual(["a", "c"]);
    expect(s.run("RPOPLPUSH", "src", "src")).toBe("b");
    expect(s.run("LRANGE", "src", "0", "-1")).toEqual(["b"]);
    expect(s.run("LMOVE", "src", "dst", "RIGHT", "LEFT")).toBe("b");
    expect(s.run("EXISTS", "src")).toBe(0);
    expect(s.run("LMOVE", "src", "dst", "LEFT", "LEFT")).toBe(null);
    expect(s.run("LMOVE", "src", "dst", "UP", "LEFT")).toBe("-ERR syntax error");
    expect(s.run("LMPOP", "2", "nokey", "dst", "RIGHT", "COUNT", "2")).toEqual(["dst", ["c", "a"]]);
    expect(s.run("LMPOP", "1", "dst", "LEFT")).toEqual(["dst", ["b"]]);
    expect(s.raw([["LMPOP", "1", "dst", "LEFT"]])[0]).toBe(null);
    expect(s.run("LMPOP", "0", "a", "LEFT")).toBe("-ERR numkeys should be greater than 0");
    expect(s.run("LMPOP", "5", "a", "LEFT")).toBe("-ERR syntax error");
    expect(s.run("LMPOP", "1", "a", "LEFT", "COUNT", "0")).toBe("-ERR count should be greater than 0");
    expect(s.run("LMPOP", "1", "a", "LEFT", "COUNT", "1", "COUNT", "1")).toBe("-ERR syntax error");
  });

  it("WRONGTYPE from list commands on strings and string/hash commands on lists", () => {
    const s = new Session();
    s.run("SET", "s", "v");
    s.run("RPUSH", "l", "a");
    for (const c of [
      ["LPUSH", "s", "a"], ["LPUSHX", "s", "a"], ["RPOP", "s"], ["LPOP", "s", "0"], ["LLEN", "s"], ["LRANGE", "s", "0", "1"],
      ["LINDEX", "s", "x"], ["LSET", "s", "x", "a"], ["LINSERT", "s", "BEFORE", "a", "b"], ["LREM", "s", "0", "a"],
      ["LTRIM", "s", "0", "1"], ["LPOS", "s", "a"], ["LMOVE", "l", "s", "LEFT", "LEFT"], ["RPOPLPUSH", "s", "l"],
      ["LMPOP", "2", "nokey", "s", "LEFT"], ["GET", "l"], ["HGET", "l", "a"], ["APPEND", "l", "x"],
    ]) expect(s.run(...c), c.join(" ")).toBe(WRONGTYPE);
    expect(s.run("LRANGE", "l", "0", "-1")).toEqual(["a"]);
    expect(s.run("SET", "l", "x")).toBe("+OK");
    expect(s.run("TYPE", "l")).toBe("+string");
  });

  it("binary-safe elements", () => {
    const s = new Session();
    const bin = new Uint8Array([0, 255, 13, 10, 0]);
    s.run("RPUSH", "l", bin, "");
    const [all] = s.raw([["LRANGE", "l", "0", "-1"]]);
    expect(all).toEqual([bin, new Uint8Array()]);
    expect(s.run("LPOS", "l", bin)).toBe(0);
    expect(s.run("LREM", "l", "0", "")).toBe(1);
  });
});

describe("lists in the keyspace", () => {
  it("SCAN TYPE list, RENAME, EXPIRE and lazy expiry (logged as DEL) see lists", () => {
    const s = new Session();
    s.run("RPUSH", "l", "a", "b");
    s.run("SET", "s", "v");
    expect(s.run("SCAN", "0", "TYPE", "list")).toEqual(["0", ["l"]]);
    expect(s.run("RENAME", "l", "m")).toBe("+OK");
    expect(s.run("LRANGE", "m", "0", "-1")).toEqual(["a", "b"]);
    expect(s.run("PEXPIRE", "m", "10")).toBe(1);
    s.advance(20);
    expect(s.run("LLEN", "m")).toBe(0);
    expect(s.effectCommands().at(-1)).toEqual(["DEL", "m"]);
    expect(s.run("DBSIZE")).toBe(1);
  });
});

describe("the quicklist across node boundaries", () => {
  it("a list of 20,000 elements: ends, middle, LRANGE from both halves, LINSERT/LSET/LREM across nodes", () => {
    const s = new Session();
    const items = range(20_000);
    for (let i = 0; i < items.length; i += 1000) s.run("RPUSH", "l", ...items.slice(i, i + 1000));
    expect(s.run("LLEN", "l")).toBe(20_000);
    expect(s.run("LINDEX", "l", "12345")).toBe("e12345");
    expect(s.run("LINDEX", "l", "-12345")).toBe("e7655");
    expect(s.run("LRANGE", "l", "9998", "10001")).toEqual(["e9998", "e9999", "e10000", "e10001"]);
    expect(s.run("LPOS", "l", "e19999")).toBe(19_999);
    expect(s.run("LRANGE", "l", "0", "-1")).toEqual(items);
    // A large element in the middle gets a node of its own; replacing it shrinks it back.
    const big = "B".repeat(20_000);
    expect(s.run("LINSERT", "l", "BEFORE", "e5000", big)).toBe(20_001);
    expect(s.run("LINDEX", "l", "5000")).toBe(big);
    expect(s.run("LINDEX", "l", "5001")).toBe("e5000");
    expect(s.run("LSET", "l", "5000", "small")).toBe("+OK");
    expect(s.run("LSET", "l", "0", big)).toBe("+OK");
    expect(s.run("LRANGE", "l", "4999", "5001")).toEqual(["e4999", "small", "e5000"]);
    expect(s.run("LREM", "l", "0", "small")).toBe(1);
    expect(s.run("LINDEX", "l", "0")).toBe(big);
    // Repeated middle inserts split a full node and keep order.
    for (let i = 0; i < 600; i++) s.run("LINSERT", "l", "AFTER", "e10000", `m${i}`);
    expect(s.run("LRANGE", "l", "10000", "10002")).toEqual(["e10000", "m599", "m598"]);
    expect(s.run("LINDEX", "l", "10600")).toBe("m0");
    expect(s.run("LREM", "l", "-300", "m" /* none */)).toBe(0);
    for (let i = 0; i < 600; i++) expect(s.run("LREM", "l", "1", `m${i}`)).toBe(1);
    expect(s.run("LSET", "l", "0", "e0")).toBe("+OK");
    expect(s.run("LRANGE", "l", "0", "-1")).toEqual(items);
    expect(s.run("LTRIM", "l", "100", "-101")).toBe("+OK");
    expect(s.run("LRANGE", "l", "0", "-1")).toEqual(items.slice(100, -100));
  });

  it("grows past a node and shrinks back from both ends (LPUSH/RPOP, RPUSH/LPOP, alternating ends)", () => {
    const s = new Session();
    const model: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const v = `v${i}:${"x".repeat(i % 50)}`;
      if (i % 3 === 0) {
        s.run("LPUSH", "l", v);
        model.unshift(v);
      } else {
        s.run("RPUSH", "l", v);
        model.push(v);
      }
    }
    expect(s.run("LRANGE", "l", "0", "-1")).toEqual(model);
    while (model.length > 0) {
      const n = Math.min(model.length, 37);
      const front = model.length % 2 === 0;
      const popped = s.run(front ? "LPOP" : "RPOP", "l", String(n));
      expect(popped).toEqual(front ? model.splice(0, n) : model.splice(model.length - n, n).reverse());
      if (model.length > 0 && model.length % 5 === 0) expect(s.run("LRANGE", "l", "0", "-1")).toEqual(model);
    }
    expect(s.run("EXISTS", "l")).toBe(0);
  });

  it("elements at every length-encoding edge walk both ways (1- to 4-byte lengths)", () => {
    const s = new Session();
    const sizes = [0, 1, 127, 128, 129, 16_383, 16_384, 2_097_151, 2_097_152];
    const items = sizes.map((n, i) => String.fromCharCode(97 + i).repeat(n));
    for (const item of items) s.run("RPUSH", "l", "m", item);
    for (const item of items) s.run("LPUSH", "l", item);
    const model = [...items].reverse().concat(items.flatMap((item) => ["m", item]));
    expect(s.run("LRANGE", "l", "0", "-1")).toEqual(model);
    for (let i = 0; i < model.length; i++) {
      expect(s.run("LINDEX", "l", String(i))).toBe(model[i]);
      expect(s.run("LINDEX", "l", String(-1 - i))).toBe(model[model.length - 1 - i]);
    }
    expect(s.run("LPOS", "l", "m", "RANK", "-1", "COUNT", "0")).toEqual(sizes.map((_, i) => model.length - 2 - 2 * i));
    expect(s.run("LREM", "l", "-3", "m")).toBe(3);
    expect(s.run("RPOP", "l", "100")).toEqual(model.filter((x, i) => x !== "m" || i < model.length - 6).reverse());
  });

  it("rotates a 10,000-element list with LMOVE onto itself", () => {
    const s = new Session();
    s.run("RPUSH", "l", ...range(10_000));
    for (let i = 0; i < 10_000; i++) s.run("RPOPLPUSH", "l", "l");
    expect(s.run("LRANGE", "l", "0", "2")).toEqual(["e0", "e1", "e2"]);
    s.run("LMOVE", "l", "l", "LEFT", "RIGHT");
    expect(s.run("LINDEX", "l", "-1")).toBe("e0");
  });
});

describe("list memory and durability", () => {
  it("memory returns exactly to the baseline after large lists are deleted, popped empty or trimmed away", () => {
    const s = new Session();
    const workload = () => {
      s.run("RPUSH", "a", ...range(12_000));
      s.run("LPUSH", "b", ...range(5000), "y".repeat(30_000));
      s.run("LINSERT", "b", "AFTER", "e2500", "z".repeat(9000));
      expect(s.run("DEL", "a")).toBe(1);
      expect(s.run("LPOP", "b", "3000")).toHaveLength(3000);
      expect(s.run("RPOP", "b", "3000")).toHaveLength(2002);
      s.run("RPUSH", "c", ...range(3000));
      s.run("LTRIM", "c", "10", "1");
      expect(s.run("DBSIZE")).toBe(0);
    };
    // The first round sizes the request and argument buffers (kept for reuse below 1 MB); the second must
    // give back every byte its lists took.
    workload();
    const base = s.core.usedMemory();
    workload();
    expect(s.core.usedMemory()).toBe(base);
    s.run("RPUSH", "a", ...range(12_000));
    expect(s.core.usedMemory()).toBeGreaterThan(base + 100_000);
  });

  it("LREM and LSET give back the room of emptied nodes: memory follows the data, not the list's history", () => {
    const s = new Session();
    const keep = range(10, "keep");
    const items = Array.from({ length: 10_000 }, (_, i) => (i % 1000 === 0 ? keep[i / 1000]! : `x${"-".repeat(i % 30)}`));
    // Warm the request, reply and effects buffers (kept for reuse up to their limits) to the sizes used below.
    s.run("RPUSH", "warm", ...items);
    s.run("SET", "warm", "B".repeat(50_000));
    s.run("DEL", "warm");
    const base = s.core.usedMemory();
    s.run("RPUSH", "direct", ...keep);
    const direct = s.core.usedMemory() - base;
    s.run("DEL", "direct");
    s.run("RPUSH", "l", ...items);
    for (let i = 0; i < 30; i++) s.run("LREM", "l", "0", `x${"-".repeat(i)}`);
    expect(s.run("LRANGE", "l", "0", "-1")).toEqual(keep);
    expect(s.core.usedMemory() - base).toBeLessThanOrEqual(direct * 2);
    s.run("LSET", "l", "5", "B".repeat(50_000));
    s.run("LSET", "l", "5", "keep5");
    expect(s.run("LRANGE", "l", "0", "-1")).toEqual(keep);
    expect(s.core.usedMemory() - base).toBeLessThanOrEqual(direct * 2);
  });

  it("maxmemory refuses growing pushes with OOM and changes nothing; pops still work", () => {
    const s = new Session();
    s.run("RPUSH", "l", "a");
    s.core.setMaxMemory(s.core.usedMemory() + 4096);
    expect(s.run("RPUSH", "l", "b".repeat(40_000))).toBe(OOM);
    expect(s.run("LPUSH", "new", ...range(5000))).toBe(OOM);
    expect(s.run("EXISTS", "new")).toBe(0);
    expect(s.run("LRANGE", "l", "0", "-1")).toEqual(["a"]);
    // A small push is bounded by one node moving to a larger block, not refused far below the limit.
    s.core.setMaxMemory(s.core.usedMemory() + 10_000);
    expect(s.run("RPUSH", "l", "b", "c")).toBe(3);
    expect(s.run("LPOP", "l")).toBe("a");
  });

  it("effects replay to the same lists (LMPOP as LPOP/RPOP with the count, no-ops log nothing)", () => {
    const s = new Session();
    s.run("RPUSH", "l", ...range(500));
    s.run("LPUSH", "l", "x", "y");
    s.run("LPOP", "l", "3");
    s.run("RPOP", "l");
    s.run("LSET", "l", "10", "set");
    s.run("LINSERT", "l", "BEFORE", "e100", "ins");
    s.run("LINSERT", "l", "BEFORE", "nope", "ins");
    s.run("LREM", "l", "0", "e7");
    s.run("LREM", "l", "0", "nope");
    s.run("LTRIM", "l", "1", "-2");
    s.run("LMOVE", "l", "m", "LEFT", "RIGHT");
    s.run("RPOPLPUSH", "l", "l");
    s.run("LMPOP", "3", "none", "m", "l", "RIGHT", "COUNT", "5");
    s.run("LMPOP", "2", "none", "l", "LEFT", "COUNT", "2");
    s.run("LPUSHX", "none", "a");
    const effects = s.effectCommands();
    expect(effects).toContainEqual(["RPOP", "m", "1"]);
    expect(effects).toContainEqual(["LPOP", "l", "2"]);
    expect(effects.filter((c) => c[0] === "LMPOP" || c[0] === "LPUSHX")).toEqual([]);
    expect(effects.filter((c) => c[0] === "LINSERT")).toHaveLength(1);
    expect(effects.filter((c) => c[0] === "LREM")).toHaveLength(1);
    const replica = new Session();
    for (const batch of s.effects) replica.core.execute(batch, 0, true);
    for (const k of ["l", "m"]) expect(replica.run("LRANGE", k, "0", "-1")).toEqual(s.run("LRANGE", k, "0", "-1"));
    expect(replica.run("EXISTS", "m")).toBe(0);
    expect(replica.run("LLEN", "l")).toBe(s.run("LLEN", "l"));
  });

  it("checkpoint payloads of small and multi-node lists restore into a fresh core; corrupt list bodies are refused", () => {
    const s = new Session();
    s.run("RPUSH", "small", "a", "b");
    s.run("RPUSH", "big", ...range(15_000), "q".repeat(20_000));
    s.run("PEXPIRE", "big", "100000");
    const rows = s.internal("__CHECKPOINT", "100000000") as (Uint8Array | null)[];
    const fresh = new Session();
    for (let i = 0; i < rows.length; i += 2) expect(show(fresh.internal("__RESTORE", rows[i]!, rows[i + 1]!))).toBe("+OK");
    expect(fresh.run("LRANGE", "small", "0", "-1")).toEqual(["a", "b"]);
    expect(fresh.run("LRANGE", "big", "0", "-1")).toEqual(s.run("LRANGE", "big", "0", "-1"));
    expect(fresh.run("PTTL", "big")).toBe(100000);
    expect(fresh.run("OBJECT", "ENCODING", "big")).toBe("quicklist");
    // The restored list is a working quicklist: push, pop, and its memory goes with it.
    expect(fresh.run("LPUSH", "big", "head")).toBe(15_002);
    expect(fresh.run("RPOP", "big")).toBe("q".repeat(20_000));
    s.run("RPOP", "small", "2");
    const after = s.internal("__CHECKPOINT", "1000000") as (Uint8Array | null)[];
    expect(after.map((x) => (x === null ? null : new TextDecoder().decode(x)))).toEqual(["small", null]);
    const smallRow = rows[rows.findIndex((k, i) => i % 2 === 0 && k !== null && new TextDecoder().decode(k) === "small") + 1]!;
    const bad = smallRow.slice();
    bad[6] = 3; // the element count no longer matches
    fixCrc(bad);
    expect(show(new Session().internal("__RESTORE", "small", bad))).toBe("-ERR DUMP payload version or checksum are wrong");
    const bad2 = smallRow.slice();
    bad2[10] = 200; // the first element's length runs past the end
    fixCrc(bad2);
    expect(show(new Session().internal("__RESTORE", "small", bad2))).toBe("-ERR DUMP payload version or checksum are wrong");
  });

  it("RENAME and EXPIRE move a list without copying or losing its nodes", () => {
    const s = new Session();
    const scenario = () => {
      s.run("RPUSH", "l", ...range(3000));
      s.run("EXPIRE", "l", "1000");
      s.run("RENAME", "l", "m");
      s.run("PERSIST", "m");
      expect(s.run("LRANGE", "m", "0", "-1")).toEqual(range(3000));
      s.run("SET", "m", "string now");
      s.run("DEL", "m");
    };
    scenario(); // sizes the request and reply buffers
    const base = s.core.usedMemory();
    scenario();
    expect(s.core.usedMemory()).toBe(base);
  });
});

/** Recomputes the trailing CRC-64/Jones (reflected, poly 0xad93d23594c935a9) of a payload. */
function fixCrc(p: Uint8Array): void {
  const poly = 0x95ac9329ac4bc9b5n;
  let crc = 0n;
  for (let i = 0; i < p.length - 8; i++) {
    crc ^= BigInt(p[i]);
    for (let b = 0; b < 8; b++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  new DataView(p.buffer, p.byteOffset).setBigUint64(p.length - 8, crc, true);
}
