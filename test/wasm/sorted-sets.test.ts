// Sorted sets in the wasm core: score parsing and "%.17g" replies, the listpack → skiplist conversion,
// 100,000-member sets, exact memory accounting, maxmemory, effects that replay, and checkpoint payloads.
import { describe, expect, it } from "vitest";
import { Session, show } from "./session";

const WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value";

function rows(s: Session): (Uint8Array | null)[] {
  return s.internal("__CHECKPOINT", "100000000") as (Uint8Array | null)[];
}

function restoreAll(rowsIn: (Uint8Array | null)[]): Session {
  const fresh = new Session();
  for (let i = 0; i < rowsIn.length; i += 2) {
    if (rowsIn[i] === null) continue;
    expect(show(fresh.internal("__RESTORE", rowsIn[i]!, rowsIn[i + 1]!))).toBe("+OK");
  }
  return fresh;
}

describe("sorted-set commands", () => {
  it("scores are parsed as strtod and replied as %.17g", () => {
    const s = new Session();
    const cases: [string, string][] = [
      ["1", "1"], ["1.5", "1.5"], ["0.1", "0.10000000000000001"], ["1e-300", "1e-300"], ["1.2345678901234567e-300", "1.2345678901234568e-300"], ["2.5e-310", "2.5000000000000171e-310"], ["0.1e-5", "9.9999999999999995e-07"], ["9007199254740993", "9007199254740992"], ["1e21", "1e+21"],
      ["inf", "inf"], ["-inf", "-inf"], ["+inf", "inf"], ["Infinity", "inf"], ["1e17", "1e+17"], ["1e16", "10000000000000000"],
      ["123456789012345678", "1.2345678901234568e+17"], ["0.0001", "0.0001"], ["0.00001", "1.0000000000000001e-05"],
      ["0x10", "16"], ["0x1p-2", "0.25"], ["5e-324", "4.9406564584124654e-324"], ["1.7976931348623157e308", "1.7976931348623157e+308"],
      ["-1.5e-7", "-1.4999999999999999e-07"], ["0.30000000000000004", "0.30000000000000004"], [".5", "0.5"], ["5.", "5"],
    ];
    for (const [input, shown] of cases) {
      expect(s.run("ZADD", "z", input, "m"), input).toBeTypeOf("number");
      expect(s.run("ZSCORE", "z", "m"), input).toBe(shown);
    }
    for (const bad of ["", " 1", "1 ", "abc", "nan", "1e400", "1e-400", "1e", "0x"]) {
      expect(s.run("ZADD", "z", bad, "m"), JSON.stringify(bad)).toBe("-ERR value is not a valid float");
    }
    // The listpack drops a zero's sign (Redis 7.0 answers "0"); the skiplist keeps it.
    s.run("ZADD", "zero", "-0", "m");
    expect(s.run("ZSCORE", "zero", "m")).toBe("0");
    s.run("ZADD", "zero", "1", "x".repeat(65));
    s.run("ZADD", "zero", "-0", "n");
    expect(s.run("ZSCORE", "zero", "n")).toBe("-0");
  });

  it("parsing is correctly rounded and replies round-trip: 3,000 random decimals against JavaScript's parser", () => {
    const s = new Session();
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const cmds: string[][] = [];
    const inputs: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const digits = Array.from({ length: 1 + rnd(25) }, () => String(rnd(10))).join("");
      const dot = rnd(digits.length + 1);
      const text = `${rnd(2) ? "-" : ""}${digits.slice(0, dot)}.${digits.slice(dot)}e${rnd(600) - 320}`;
      if (!Number.isFinite(Number(text)) || (Number(text) === 0 && /[1-9]/.test(digits))) continue;
      inputs.push(text);
      cmds.push(["ZADD", "p", text, `m${i}`], ["ZSCORE", "p", `m${i}`]);
    }
    const replies = s.batch(cmds);
    // (A skiplist set keeps a zero's sign, so -0 and 0 compare equal here.)
    inputs.forEach((text, i) => expect(Number(replies[2 * i + 1]) === Number(text), `${text} → ${replies[2 * i + 1]}`).toBe(true));
  });

  it("range bounds: exclusive, infinite, empty, C-string and lex items with Redis's errors", () => {
    const s = new Session();
    s.run("ZADD", "z", "1", "a", "2", "b", "3", "c");
    expect(s.run("ZRANGEBYSCORE", "z", "(1", "3")).toEqual(["b", "c"]);
    expect(s.run("ZRANGEBYSCORE", "z", "-inf", "(2")).toEqual(["a"]);
    expect(s.run("ZRANGEBYSCORE", "z", " 1", "1\x00junk")).toEqual(["a"]);
    expect(s.run("ZCOUNT", "z", "", "")).toBe(0);
    expect(s.run("ZCOUNT", "z", "(", "+inf")).toBe(3);
    expect(s.run("ZCOUNT", "z", "1e999", "inf")).toBe(0);
    expect(s.run("ZCOUNT", "z", "nan", "1")).toBe("-ERR min or max is not a float");
    expect(s.run("ZCOUNT", "z", "1x", "1")).toBe("-ERR min or max is not a float");
    expect(s.run("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "-1", "5")).toEqual([]);
    expect(s.run("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "1", "-5")).toEqual(["b", "c"]);
    s.run("ZADD", "l", "0", "a", "0", "b", "0", "c");
    expect(s.run("ZLEXCOUNT", "l", "-", "+")).toBe(3);
    expect(s.run("ZLEXCOUNT", "l", "+", "-")).toBe(0);
    expect(s.run("ZLEXCOUNT", "l", "[b", "[b")).toBe(1);
    expect(s.run("ZLEXCOUNT", "l", "(b", "[b")).toBe(0);
    expect(s.run("ZLEXCOUNT", "l", "+\x00", "+")).toBe(0);
    for (const [min, max] of [["a", "+"], ["-", "b"], ["", "+"], ["+x", "+"]]) {
      expect(s.run("ZLEXCOUNT", "l", min, max)).toBe("-ERR min or max not valid string range item");
    }
  });

  it("ties are ordered by member bytes, binary members included", () => {
    const s = new Session();
    s.run("ZADD", "z", "1", "b", "1", "a", "1", "\xff", "1", "", "1", "a\x00", "0", "z");
    expect(s.run("ZRANGE", "z", "0", "-1")).toEqual(["z", "", "a", "a\x00", "b", "\xff"].map((m) => new TextDecoder().decode(new TextEncoder().encode(m))));
    expect(s.run("ZRANK", "z", "b")).toBe(4);
  });

  it("WRONGTYPE both ways", () => {
    const s = new Session();
    s.run("SET", "s", "x");
    s.run("ZADD", "z", "1", "a");
    for (const cmd of [
      ["ZADD", "s", "1", "a"], ["ZINCRBY", "s", "1", "a"], ["ZREM", "s", "a"], ["ZCARD", "s"], ["ZSCORE", "s", "a"],
      ["ZMSCORE", "s", "a"], ["ZRANK", "s", "a"], ["ZCOUNT", "s", "0", "1"], ["ZRANGE", "s", "0", "1"], ["ZPOPMIN", "s"],
      ["ZRANDMEMBER", "s"], ["ZSCAN", "s", "0"], ["ZUNION", "1", "s"], ["ZUNIONSTORE", "d", "1", "s"], ["ZMPOP", "1", "s", "MIN"],
      ["ZRANGESTORE", "d", "s", "0", "1"], ["ZREMRANGEBYRANK", "s", "0", "1"], ["ZLEXCOUNT", "s", "-", "+"],
    ]) expect(s.run(...cmd), cmd.join(" ")).toBe(WRONGTYPE);
    for (const cmd of [["GET", "z"], ["INCR", "z"], ["HGET", "z", "f"], ["APPEND", "z", "x"]]) expect(s.run(...cmd), cmd.join(" ")).toBe(WRONGTYPE);
    expect(s.run("TYPE", "z")).toBe("+zset");
  });

  it("ZUNION, ZINTER, ZDIFF and their STORE forms take plain sets too, each member scoring 1 × its weight", () => {
    const s = new Session();
    s.run("ZADD", "z", "1", "a", "2", "b", "3", "c");
    s.run("SADD", "ints", "1", "2", "a");
    s.run("SADD", "words", "b", "c", "x");
    for (let i = 0; i < 600; i++) s.run("SADD", "big", `m${i}`);
    s.run("SADD", "big", "a");
    expect(s.run("ZUNION", "2", "z", "words", "WITHSCORES")).toEqual(["a", "1", "x", "1", "b", "3", "c", "4"]);
    expect(s.run("ZINTER", "2", "z", "ints", "WEIGHTS", "1", "10", "WITHSCORES")).toEqual(["a", "11"]);
    expect(s.run("ZINTER", "2", "words", "z", "AGGREGATE", "MAX", "WITHSCORES")).toEqual(["b", "2", "c", "3"]);
    expect(s.run("ZDIFF", "2", "z", "words", "WITHSCORES")).toEqual(["a", "1"]);
    expect(s.run("ZDIFF", "2", "ints", "z")).toEqual(["1", "2"]);
    expect(s.run("ZINTERCARD", "2", "big", "z")).toBe(1);
    expect(s.run("ZUNIONSTORE", "dst", "2", "ints", "big")).toBe(603);
    expect(s.run("ZSCORE", "dst", "a")).toBe("2");
    expect(s.run("ZINTERSTORE", "dst", "2", "ints", "words")).toBe(0);
    expect(s.run("EXISTS", "dst")).toBe(0);
    s.run("SET", "str", "x");
    expect(s.run("ZUNION", "2", "z", "str")).toBe(WRONGTYPE);
  });

  it("converts to a skiplist past 128 members or a 64-byte member, and never back", () => {
    const s = new Session();
    for (let i = 0; i < 128; i++) s.run("ZADD", "z", String(i % 10), `m${i}`);
    expect(s.run("OBJECT", "ENCODING", "z")).toBe("listpack");
    s.run("ZADD", "z", "5", "one-more");
    expect(s.run("OBJECT", "ENCODING", "z")).toBe("skiplist");
    expect(s.run("ZCARD", "z")).toBe(129);
    expect(s.run("ZRANGE", "z", "0", "2")).toEqual(["m0", "m10", "m100"]);
    s.run("ZREMRANGEBYRANK", "z", "0", "-3");
    expect(s.run("OBJECT", "ENCODING", "z")).toBe("skiplist");
    s.run("ZADD", "w", "1", "x".repeat(64));
    expect(s.run("OBJECT", "ENCODING", "w")).toBe("listpack");
    s.run("ZADD", "w", "1", "y".repeat(65));
    expect(s.run("OBJECT", "ENCODING", "w")).toBe("skiplist");
    // A store picks its encoding by the result's size, as Redis does.
    expect(s.run("ZRANGESTORE", "small", "z", "0", "0")).toBe(1);
    expect(s.run("OBJECT", "ENCODING", "small")).toBe("listpack");
  });

  it("100,000 members: ranks, ranges, scores and removal stay O(log n) and exact", () => {
    const s = new Session();
    const n = 100_000;
    for (let start = 0; start < n; start += 5000) {
      const cmds: string[][] = [];
      for (let i = start; i < start + 5000; i++) cmds.push(["ZADD", "big", String((i * 7919) % n), `member:${i}`]);
      s.batch(cmds);
    }
    expect(s.run("ZCARD", "big")).toBe(n);
    expect(s.run("OBJECT", "ENCODING", "big")).toBe("skiplist");
    // score (i * 7919) % n is a permutation of 0..n-1, so rank == score.
    for (const i of [0, 1, 12345, 99999]) {
      const score = (i * 7919) % n;
      expect(s.run("ZRANK", "big", `member:${i}`)).toBe(score);
      expect(s.run("ZREVRANK", "big", `member:${i}`)).toBe(n - 1 - score);
      expect(s.run("ZSCORE", "big", `member:${i}`)).toBe(String(score));
    }
    expect(s.run("ZRANGE", "big", "50000", "50001", "WITHSCORES")).toEqual([expect.any(String), "50000", expect.any(String), "50001"]);
    expect(s.run("ZCOUNT", "big", "(1000", "2000")).toBe(1000);
    expect(s.run("ZRANGEBYSCORE", "big", "99998", "+inf", "WITHSCORES")).toHaveLength(4);
    expect(s.run("ZREMRANGEBYSCORE", "big", "0", "(50000")).toBe(50_000);
    expect(s.run("ZRANGE", "big", "0", "0", "WITHSCORES")).toEqual([expect.any(String), "50000"]);
    expect(s.run("ZINCRBY", "big", "-1e6", "member:50000")).toBe("-950000");
    const popped = s.run("ZPOPMAX", "big", "3") as string[];
    expect(popped.filter((_, i) => i % 2 === 1)).toEqual(["99999", "99998", "99997"]);
  });

  it("a skiplist set under random adds, in-place and moving score changes, ties and removals matches a model", () => {
    // Every link carries its target's score: a change that keeps a node in place must still update the
    // links into it on every level, or later searches and ranks go astray. Scores from a narrow range
    // give many ties (ordered by member bytes); small ZINCRBY steps mostly keep a node in place.
    const s = new Session();
    const model = new Map<string, number>();
    let seed = 12345;
    const next = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const sorted = () =>
      [...model].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (let round = 0; round < 6; round++) {
      const cmds: string[][] = [];
      for (let i = 0; i < 4000; i++) {
        const m = `m${next(3000)}`;
        const op = next(10);
        if (op < 5) {
          const score = next(400);
          cmds.push(["ZADD", "z", String(score), m]);
          model.set(m, score);
        } else if (op < 8) {
          const by = next(3) - 1;
          cmds.push(["ZINCRBY", "z", String(by), m]);
          model.set(m, (model.get(m) ?? 0) + by);
        } else {
          cmds.push(["ZREM", "z", m]);
          model.delete(m);
        }
      }
      s.batch(cmds);
      const want = sorted();
      expect(s.run("ZCARD", "z")).toBe(want.length);
      expect(s.run("ZRANGE", "z", "0", "-1", "WITHSCORES")).toEqual(want.flatMap(([m, sc]) => [m, String(sc)]));
      for (let k = 0; k < 200; k++) {
        const r = next(want.length);
        expect(s.run("ZRANK", "z", want[r][0])).toBe(r);
      }
      const lo = next(400);
      expect(s.run("ZCOUNT", "z", String(lo), `(${lo + 50}`)).toBe(want.filter(([, sc]) => sc >= lo && sc < lo + 50).length);
    }
    expect(s.run("OBJECT", "ENCODING", "z")).toBe("skiplist");
  });

  it("memory returns exactly to the baseline after a 100,000-member set is deleted", () => {
    const s = new Session();
    const chunk = (start: number) => {
      const pairs: string[] = [];
      for (let i = start; i < start + 10_000; i++) pairs.push(String(i % 977), `m${i}`);
      return pairs;
    };
    // Warm up with a command as large as the ones below: the input region keeps its size between batches.
    s.run("ZADD", "warm", ...chunk(0));
    s.run("ZRANGESTORE", "warm2", "warm", "0", "-1");
    s.run("DEL", "warm", "warm2");
    const base = s.core.usedMemory();
    for (let start = 0; start < 100_000; start += 10_000) s.run("ZADD", "big", ...chunk(start));
    s.run("ZUNIONSTORE", "copy", "1", "big");
    s.run("ZRANGESTORE", "part", "big", "0", "99");
    expect(s.core.usedMemory()).toBeGreaterThan(base + 100_000 * 24);
    expect(s.run("DEL", "big", "copy", "part")).toBe(3);
    expect(s.core.usedMemory()).toBe(base);
    for (let i = 0; i < 300; i++) s.run("ZADD", "z", String(i), `m${i}`);
    for (let i = 0; i < 300; i++) s.run("ZREM", "z", `m${i}`);
    expect(s.run("EXISTS", "z")).toBe(0);
    expect(s.core.usedMemory()).toBe(base);
  });

  it("a skiplist set moves with RENAME and PEXPIRE, is freed by SET, expiry and FLUSHALL, memory exact throughout", () => {
    const s = new Session();
    const pairs = Array.from({ length: 300 }, (_, i) => [String(i), `m${i}`]).flat();
    s.run("ZADD", "warm", ...pairs);
    s.run("DEL", "warm");
    const base = s.core.usedMemory();
    s.run("ZADD", "z", ...pairs);
    s.run("RENAME", "z", "y");
    s.run("PEXPIRE", "y", "1000");
    s.run("PERSIST", "y");
    expect(s.run("ZRANGE", "y", "298", "-1", "WITHSCORES")).toEqual(["m298", "298", "m299", "299"]);
    s.run("ZADD", "other", ...pairs);
    s.run("RENAME", "y", "other");
    expect(s.run("ZCARD", "other")).toBe(300);
    s.run("SET", "other", "now a string");
    expect(s.run("DEL", "other")).toBe(1);
    expect(s.core.usedMemory()).toBe(base);
    s.run("ZADD", "e", ...pairs);
    s.run("PEXPIRE", "e", "10");
    s.advance(20);
    expect(s.run("ZCARD", "e")).toBe(0);
    expect(s.core.usedMemory()).toBe(base);
    s.run("ZADD", "f", ...pairs);
    s.run("FLUSHALL");
    s.run("ZADD", "warm", ...pairs);
    s.run("DEL", "warm");
    expect(s.run("DBSIZE")).toBe(0);
  });

  it("maxmemory refuses a growing ZADD with OOM and changes nothing", () => {
    const s = new Session();
    s.run("ZADD", "z", "1", "a");
    s.core.setMaxMemory(s.core.usedMemory() + 256);
    expect(s.run("ZADD", "z", "2", "x".repeat(4096))).toBe("-OOM command not allowed when used memory > 'maxmemory'.");
    expect(s.run("ZRANGE", "z", "0", "-1")).toEqual(["a"]);
    expect(s.run("ZREM", "z", "a")).toBe(1);
  });

  it("maxmemory: a skiplist set refuses a large ZADD whole, a store refuses and leaves its destination, deletes still work", () => {
    const s = new Session();
    const pairs = (from: number, n: number) => Array.from({ length: n }, (_, i) => [String(from + i), `m${from + i}`]).flat();
    s.run("ZADD", "big", ...pairs(0, 500));
    s.run("ZADD", "dst", "1", "keep");
    s.core.setMaxMemory(s.core.usedMemory() + 4096);
    const oom = "-OOM command not allowed when used memory > 'maxmemory'.";
    expect(s.run("ZADD", "big", ...pairs(500, 200))).toBe(oom);
    expect(s.run("ZCARD", "big")).toBe(500);
    expect(s.run("ZUNIONSTORE", "dst", "1", "big")).toBe(oom);
    expect(s.run("ZRANGESTORE", "dst", "big", "0", "-1")).toBe(oom);
    expect(s.run("ZRANGE", "dst", "0", "-1")).toEqual(["keep"]);
    expect(s.run("ZADD", "big", "1", "one-more")).toBe(1);
    expect(s.run("ZREMRANGEBYRANK", "big", "0", "-1")).toBe(501);
    expect(s.run("EXISTS", "big")).toBe(0);
  });

  it("effects replay exactly: ZINCRBY/ZADD INCR as ZADD of the 17-digit result, pops as ZREM, ZRANDMEMBER logs nothing", () => {
    const s = new Session({ seed: 3 });
    s.run("ZADD", "z", "0.1", "a", "2", "b", "3", "c", "4", "d");
    s.run("ZINCRBY", "z", "0.2", "a");
    s.run("ZADD", "z", "INCR", "1e-300", "b"); // 2 + 1e-300 is 2: nothing changes, nothing is logged
    s.run("ZADD", "z", "INCR", "1.5", "b");
    s.run("ZADD", "z", "GT", "CH", "1", "c");
    s.run("ZPOPMAX", "z");
    s.run("ZRANDMEMBER", "z", "-5", "WITHSCORES");
    for (let i = 0; i < 200; i++) s.run("ZADD", "{k}big", String(i), `m${i}`);
    s.run("ZMPOP", "2", "{k}none", "{k}big", "MIN", "COUNT", "3");
    s.run("ZUNIONSTORE", "{k}u", "2", "{k}big", "z", "WEIGHTS", "2", "0.5");
    s.run("ZRANGESTORE", "{k}r", "{k}big", "10", "20", "BYSCORE", "LIMIT", "0", "4");
    s.run("ZREMRANGEBYRANK", "{k}big", "0", "9");
    const effects = s.effectCommands();
    expect(effects).toContainEqual(["ZADD", "z", "0.30000000000000004", "a"]);
    expect(effects).toContainEqual(["ZADD", "z", "3.5", "b"]);
    expect(effects.filter((c) => c.includes("1e-300"))).toEqual([]);
    expect(effects).toContainEqual(["ZREM", "z", "d"]);
    expect(effects).toContainEqual(["ZREM", "{k}big", "m0", "m1", "m2"]);
    expect(effects.filter((c) => c[0] === "ZRANDMEMBER" || c[0] === "ZADD" && c.includes("GT"))).toEqual([]);
    const replica = new Session();
    for (const batch of s.effects) replica.core.execute(batch, 0, true);
    for (const k of ["z", "{k}big", "{k}u", "{k}r"]) {
      expect(replica.run("ZRANGE", k, "0", "-1", "WITHSCORES"), k).toEqual(s.run("ZRANGE", k, "0", "-1", "WITHSCORES"));
      expect(replica.run("OBJECT", "ENCODING", k), k).toEqual(s.run("OBJECT", "ENCODING", k));
    }
  });

  it("checkpoint payloads restore both encodings (a large one back to a skiplist); corrupt bodies are refused", () => {
    const s = new Session();
    s.run("ZADD", "small", "1.5", "a", "-inf", "b", "0.1", "\x00bin");
    for (let start = 0; start < 20_000; start += 5000) {
      const pairs: string[] = [];
      for (let i = start; i < start + 5000; i++) pairs.push(String(i % 100), `m${i}`);
      s.run("ZADD", "large", ...pairs);
    }
    s.run("PEXPIRE", "small", "100000");
    const all = rows(s);
    const fresh = restoreAll(all);
    for (const k of ["small", "large"]) {
      expect(fresh.run("ZRANGE", k, "0", "-1", "WITHSCORES"), k).toEqual(s.run("ZRANGE", k, "0", "-1", "WITHSCORES"));
      expect(fresh.run("OBJECT", "ENCODING", k), k).toEqual(s.run("OBJECT", "ENCODING", k));
    }
    expect(fresh.run("PTTL", "small")).toBe(100000);
    expect(fresh.run("ZRANK", "large", "m19999")).toBe(s.run("ZRANK", "large", "m19999"));
    const smallRow = all[all.findIndex((k, i) => i % 2 === 0 && k !== null && new TextDecoder().decode(k) === "small") + 1]!;
    // Layout: [type][hasExp][i64 exp][u32 len] then [u32 count]([f64 score][u32 len][member])*.
    const value = 14;
    const corrupt = (edit: (p: Uint8Array, v: DataView) => void) => {
      const bad = smallRow.slice();
      edit(bad, new DataView(bad.buffer, bad.byteOffset));
      fixCrc(bad);
      return show(new Session().internal("__RESTORE", "small", bad));
    };
    const refused = "-ERR DUMP payload version or checksum are wrong";
    expect(corrupt(() => {})).toBe("+OK");
    expect(corrupt((_, v) => v.setUint32(value, 4, true))).toBe(refused); // count mismatch
    expect(corrupt((_, v) => v.setFloat64(value + 4, NaN, true))).toBe(refused); // NaN score
    expect(corrupt((_, v) => v.setFloat64(value + 4, 1e300, true))).toBe(refused); // out of order
    // Same member twice, in order by score: (-inf, "b"), (0.1, "b\x00"→"b") needs equal lengths, so rename.
    expect(
      corrupt((p, v) => {
        // items: (-inf,"b") (0.1,"\0bin") (1.5,"a"): make the last member "b" too, still ordered by score.
        const last = p.length - 10 - 1;
        p[last] = "b".charCodeAt(0);
        void v;
      }),
    ).toBe(refused);
  });

  it("a large payload with one member twice is refused; the same payload with the member renamed loads", () => {
    const s = new Session();
    // Distinct scores keep the items in order whatever a member is renamed to.
    const pairs: string[] = [];
    for (let i = 10_000; i < 30_000; i++) pairs.push(String(i), `m${i}`);
    s.run("ZADD", "big", ...pairs);
    const all = rows(s);
    const row = all[all.findIndex((k, i) => i % 2 === 0 && k !== null && new TextDecoder().decode(k) === "big") + 1]!;
    const renamed = (to: string) => {
      const p = row.slice();
      const at = new TextDecoder("latin1").decode(p).indexOf("m25000");
      p.set(new TextEncoder().encode(to), at);
      fixCrc(p);
      return show(new Session().internal("__RESTORE", "big", p));
    };
    expect(renamed("m12345")).toBe("-ERR DUMP payload version or checksum are wrong");
    expect(renamed("m99999")).toBe("+OK");
  });
});

/** Recomputes the trailing CRC-64/Jones (reflected, poly 0xad93d23594c935a9) of a payload. */
function fixCrc(p: Uint8Array): void {
  const poly = 0x95ac9329ac4bc9b5n;
  let crc = 0n;
  for (let i = 0; i < p.length - 8; i++) {
    crc ^= BigInt(p[i]!);
    for (let b = 0; b < 8; b++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  new DataView(p.buffer, p.byteOffset).setBigUint64(p.length - 8, crc, true);
}
