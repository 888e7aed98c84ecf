// Sets in the wasm core: every S* command's replies and errors (Redis 7.0's), the intset → hashtable
// conversion, large sets, exact memory accounting, effects that replay, and checkpoint payloads.
import { describe, expect, it } from "vitest";
import { Session, show, type Shown } from "./session";

const WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value";
const sorted = (r: Shown) => [...(r as string[])].sort();
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => String(from + i));

describe("set commands", () => {
  it("SADD/SREM/SCARD/SISMEMBER/SMISMEMBER, and the key goes with its last member", () => {
    const s = new Session();
    expect(s.run("SADD", "s", "b", "a", "b", "c")).toBe(3);
    expect(s.run("SADD", "s", "a", "d")).toBe(1);
    expect(s.run("SCARD", "s")).toBe(4);
    expect(s.run("SCARD", "nokey")).toBe(0);
    expect(s.run("SISMEMBER", "s", "a")).toBe(1);
    expect(s.run("SISMEMBER", "s", "z")).toBe(0);
    expect(s.run("SISMEMBER", "nokey", "a")).toBe(0);
    expect(s.run("SMISMEMBER", "s", "a", "z", "d")).toEqual([1, 0, 1]);
    expect(s.run("SMISMEMBER", "nokey", "a", "b")).toEqual([0, 0]);
    expect(sorted(s.run("SMEMBERS", "s"))).toEqual(["a", "b", "c", "d"]);
    expect(s.run("SMEMBERS", "nokey")).toEqual([]);
    expect(s.run("TYPE", "s")).toBe("+set");
    expect(s.run("SREM", "s", "a", "zz", "a")).toBe(1);
    expect(s.run("SREM", "nokey", "a")).toBe(0);
    expect(s.run("SREM", "s", "b", "c", "d", "e")).toBe(3);
    expect(s.run("EXISTS", "s")).toBe(0);
    expect(s.run("SADD", "s")).toBe("-ERR wrong number of arguments for 'sadd' command");
    expect(s.run("SISMEMBER", "s")).toBe("-ERR wrong number of arguments for 'sismember' command");
  });

  it("an intset answers in ascending order and converts to a hashtable on a non-integer or its 513th member", () => {
    const s = new Session();
    expect(s.run("SADD", "i", "10", "-5", "3", "9223372036854775807", "-9223372036854775808")).toBe(5);
    expect(s.run("OBJECT", "ENCODING", "i")).toBe("intset");
    expect(s.run("SMEMBERS", "i")).toEqual(["-9223372036854775808", "-5", "3", "10", "9223372036854775807"]);
    expect(s.run("SISMEMBER", "i", "03")).toBe(0);
    expect(s.run("SADD", "i", "03")).toBe(1);
    expect(s.run("OBJECT", "ENCODING", "i")).toBe("hashtable");
    expect(sorted(s.run("SMEMBERS", "i"))).toEqual(sorted(["-9223372036854775808", "-5", "3", "10", "9223372036854775807", "03"]));
    // Never converted back, as Redis.
    s.run("SREM", "i", "03");
    expect(s.run("OBJECT", "ENCODING", "i")).toBe("hashtable");
    s.run("SADD", "j", ...range(0, 512));
    expect(s.run("OBJECT", "ENCODING", "j")).toBe("intset");
    s.run("SADD", "j", "512");
    expect(s.run("OBJECT", "ENCODING", "j")).toBe("hashtable");
    expect(s.run("SCARD", "j")).toBe(513);
    expect(s.run("SADD", "k", "x", "1")).toBe(2);
    expect(s.run("OBJECT", "ENCODING", "k")).toBe("hashtable");
  });

  it("large sets of 10,000+ members: membership, removal and iteration stay exact", () => {
    const s = new Session();
    const members = range(0, 12_000).map((i) => `m:${i}`);
    for (let i = 0; i < members.length; i += 1000) expect(s.run("SADD", "big", ...members.slice(i, i + 1000))).toBe(1000);
    expect(s.run("SCARD", "big")).toBe(12_000);
    expect(s.run("SISMEMBER", "big", "m:11999")).toBe(1);
    expect((s.run("SMEMBERS", "big") as string[]).length).toBe(12_000);
    expect(new Set(s.run("SMEMBERS", "big") as string[]).size).toBe(12_000);
    expect(s.run("SREM", "big", ...members.slice(0, 11_000))).toBe(11_000);
    expect(sorted(s.run("SMEMBERS", "big"))).toEqual(members.slice(11_000).sort());
    s.run("SADD", "ints", ...range(0, 20_000));
    expect(s.run("SCARD", "ints")).toBe(20_000);
    expect(s.run("SINTERCARD", "2", "ints", "ints")).toBe(20_000);
  });

  it("WRONGTYPE from every set command, and set keys refuse other types' commands", () => {
    const s = new Session();
    s.run("SET", "str", "x");
    s.run("SADD", "set", "a");
    for (const cmd of [
      ["SADD", "str", "a"], ["SREM", "str", "a"], ["SMEMBERS", "str"], ["SISMEMBER", "str", "a"], ["SMISMEMBER", "str", "a"],
      ["SCARD", "str"], ["SPOP", "str"], ["SPOP", "str", "0"], ["SRANDMEMBER", "str"], ["SRANDMEMBER", "str", "-1"],
      ["SMOVE", "str", "set", "a"], ["SMOVE", "set", "str", "a"], ["SINTER", "set", "nokey", "str"], ["SINTERCARD", "2", "set", "str"],
      ["SINTERSTORE", "d", "set", "str"], ["SUNION", "str"], ["SUNIONSTORE", "d", "set", "str"], ["SDIFF", "nokey", "str"],
      ["SDIFFSTORE", "d", "set", "str"], ["SSCAN", "str", "0"],
    ]) expect(s.run(...cmd), cmd.join(" ")).toBe(WRONGTYPE);
    for (const cmd of [["GET", "set"], ["HGET", "set", "a"], ["INCR", "set"], ["APPEND", "set", "x"]]) {
      expect(s.run(...cmd), cmd.join(" ")).toBe(WRONGTYPE);
    }
    expect(s.run("SMOVE", "nokey", "str", "a")).toBe(0);
    expect(s.run("EXISTS", "d")).toBe(0);
  });

  it("SPOP: single, with count, the whole set, and the range errors", () => {
    const s = new Session({ seed: 3 });
    s.run("SADD", "s", "a", "b", "c", "d", "e");
    const one = s.run("SPOP", "s") as string;
    expect(["a", "b", "c", "d", "e"]).toContain(one);
    expect(s.run("SISMEMBER", "s", one)).toBe(0);
    const two = s.run("SPOP", "s", "2") as string[];
    expect(new Set(two).size).toBe(2);
    expect(s.run("SCARD", "s")).toBe(2);
    expect(s.run("SPOP", "s", "0")).toEqual([]);
    expect((s.run("SPOP", "s", "10") as string[]).length).toBe(2);
    expect(s.run("EXISTS", "s")).toBe(0);
    expect(s.run("SPOP", "s")).toBe(null);
    expect(s.run("SPOP", "s", "3")).toEqual([]);
    expect(s.run("SPOP", "s", "-1")).toBe("-ERR value is out of range, must be positive");
    expect(s.run("SPOP", "s", "x")).toBe("-ERR value is out of range, must be positive");
    expect(s.run("SPOP", "s", "1", "2")).toBe("-ERR syntax error");
    s.run("SADD", "i", ...range(0, 100));
    const popped = s.run("SPOP", "i", "40") as string[];
    expect(new Set(popped).size).toBe(40);
    expect(s.run("SCARD", "i")).toBe(60);
    expect(s.run("SMISMEMBER", "i", ...popped)).toEqual(popped.map(() => 0));
  });

  it("SRANDMEMBER: single, distinct, repeats, whole set, errors", () => {
    const s = new Session({ seed: 5 });
    s.run("SADD", "s", "a", "b", "c");
    expect(["a", "b", "c"]).toContain(s.run("SRANDMEMBER", "s"));
    expect(s.run("SRANDMEMBER", "nokey")).toBe(null);
    expect(s.run("SRANDMEMBER", "nokey", "5")).toEqual([]);
    expect(s.run("SRANDMEMBER", "s", "0")).toEqual([]);
    expect(sorted(s.run("SRANDMEMBER", "s", "5"))).toEqual(["a", "b", "c"]);
    const two = s.run("SRANDMEMBER", "s", "2") as string[];
    expect(new Set(two).size).toBe(2);
    const many = s.run("SRANDMEMBER", "s", "-10") as string[];
    expect(many).toHaveLength(10);
    for (const m of many) expect(["a", "b", "c"]).toContain(m);
    s.run("SADD", "i", "3", "1", "2");
    expect(s.run("SRANDMEMBER", "i", "3")).toEqual(["1", "2", "3"]);
    expect(s.run("SRANDMEMBER", "s", "1", "2")).toBe("-ERR syntax error");
    expect(s.run("SRANDMEMBER", "nokey", "x")).toBe("-ERR value is not an integer or out of range");
    expect(s.run("SRANDMEMBER", "s", "-9223372036854775808")).toBe(
      "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
    );
    expect(s.run("SRANDMEMBER", "s", String(-(2 ** 20) - 1))).toBe("-ERR value is out of range");
    expect(s.run("SCARD", "s")).toBe(3);
  });

  it("SMOVE: between sets, to a new key, src == dst, the source deleted with its last member", () => {
    const s = new Session();
    s.run("SADD", "a", "1", "x");
    expect(s.run("SMOVE", "a", "b", "1")).toBe(1);
    expect(s.run("OBJECT", "ENCODING", "b")).toBe("intset");
    expect(s.run("SMOVE", "a", "b", "nope")).toBe(0);
    expect(s.run("SMOVE", "a", "a", "x")).toBe(1);
    expect(s.run("SMOVE", "a", "a", "nope")).toBe(0);
    expect(s.run("SMOVE", "a", "b", "x")).toBe(1);
    expect(s.run("EXISTS", "a")).toBe(0);
    expect(sorted(s.run("SMEMBERS", "b"))).toEqual(["1", "x"]);
    expect(s.run("OBJECT", "ENCODING", "b")).toBe("hashtable");
    expect(s.run("SMOVE", "nokey", "b", "x")).toBe(0);
  });

  it("SINTER/SUNION/SDIFF and their STORE forms; integer results of union and difference come sorted", () => {
    const s = new Session();
    s.run("SADD", "a", "1", "2", "3", "x");
    s.run("SADD", "b", "3", "2", "y");
    s.run("SADD", "c", "30", "20", "10");
    expect(sorted(s.run("SINTER", "a", "b"))).toEqual(["2", "3"]);
    expect(s.run("SINTER", "a", "nokey")).toEqual([]);
    expect(sorted(s.run("SUNION", "a", "b"))).toEqual(["1", "2", "3", "x", "y"]);
    expect(s.run("SUNION", "c", "nokey")).toEqual(["10", "20", "30"]);
    expect(sorted(s.run("SDIFF", "a", "b", "nokey"))).toEqual(["1", "x"]);
    expect(sorted(s.run("SDIFF", "a", "b"))).toEqual(["1", "x"]);
    expect(s.run("SDIFF", "c", "a")).toEqual(["10", "20", "30"]);
    expect(s.run("SDIFF", "a", "a")).toEqual([]);
    expect(s.run("SINTERSTORE", "d", "a", "b")).toBe(2);
    expect(s.run("OBJECT", "ENCODING", "d")).toBe("intset");
    expect(s.run("SMEMBERS", "d")).toEqual(["2", "3"]);
    s.run("SET", "str", "v");
    expect(s.run("SUNIONSTORE", "str", "a", "b")).toBe(5);
    expect(s.run("TYPE", "str")).toBe("+set");
    expect(s.run("OBJECT", "ENCODING", "str")).toBe("hashtable");
    expect(s.run("SDIFFSTORE", "a", "a", "b")).toBe(2);
    expect(sorted(s.run("SMEMBERS", "a"))).toEqual(["1", "x"]);
    // An empty result deletes the destination.
    s.run("PEXPIRE", "d", "100000");
    expect(s.run("SINTERSTORE", "d", "a", "nokey")).toBe(0);
    expect(s.run("EXISTS", "d")).toBe(0);
    expect(s.run("SUNIONSTORE", "d", "c")).toBe(3);
    expect(s.run("PTTL", "d")).toBe(-1);
  });

  it("SDIFFSTORE keeps Redis 7.0's encoding when it copies the first set and removes from it (its algorithm 2)", () => {
    const s = new Session();
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
    s.run("SADD", "y", ...range(0, 519));
    s.run("SADD", "a", ...range(0, 19));
    // |y| * 3 / 2 > |y| + 2|a|: the 520 copied members made a hash table, which 500 survivors do not undo.
    expect(s.run("SDIFFSTORE", "a", "y", "a", "a")).toBe(500);
    expect(s.run("OBJECT", "ENCODING", "a")).toBe("hashtable");
    s.run("DEL", "a");
    s.run("SADD", "a", ...range(0, 19));
    // Two sets: algorithm 1 adds only the survivors.
    expect(s.run("SDIFFSTORE", "d", "y", "a")).toBe(500);
    expect(s.run("OBJECT", "ENCODING", "d")).toBe("intset");
    // A non-integer in the copied first set converts it, even though the survivors are integers.
    s.run("SADD", "x", "1", "2", "3", "4", "5", "foo");
    s.run("SADD", "f", "foo");
    s.run("SADD", "g", "foo");
    expect(s.run("SDIFFSTORE", "d", "x", "f", "g")).toBe(5);
    expect(s.run("OBJECT", "ENCODING", "d")).toBe("hashtable");
    // Missing keys add no work: 2 * 6 / 2 <= 7 picks algorithm 1.
    expect(s.run("SDIFFSTORE", "d", "x", "f", "nokey", "nokey")).toBe(5);
    expect(s.run("OBJECT", "ENCODING", "d")).toBe("intset");
    // The halved work is floored: 3 * 5 / 2 = 7 <= 7 picks algorithm 1.
    s.run("SREM", "x", "5");
    expect(s.run("SDIFFSTORE", "d", "x", "f", "g")).toBe(4);
    expect(s.run("OBJECT", "ENCODING", "d")).toBe("intset");
    // A hash table holding only integers is copied member by member into an intset.
    s.run("SADD", "h", "foo", "1", "2", "3", "4", "5");
    s.run("SREM", "h", "foo");
    for (const k of ["k", "l", "m"]) s.run("SADD", k, "9");
    expect(s.run("SDIFFSTORE", "d", "h", "k", "l", "m")).toBe(5);
    expect(s.run("OBJECT", "ENCODING", "d")).toBe("intset");
    expect(s.run("SMEMBERS", "d")).toEqual(["1", "2", "3", "4", "5"]);
  });

  it("SINTERCARD: LIMIT and its errors", () => {
    const s = new Session();
    s.run("SADD", "a", "1", "2", "3");
    s.run("SADD", "b", "1", "2", "3", "4");
    expect(s.run("SINTERCARD", "2", "a", "b")).toBe(3);
    expect(s.run("SINTERCARD", "2", "a", "b", "LIMIT", "2")).toBe(2);
    expect(s.run("SINTERCARD", "2", "a", "b", "limit", "0")).toBe(3);
    expect(s.run("SINTERCARD", "2", "a", "nokey")).toBe(0);
    expect(s.run("SINTERCARD", "1", "a", "LIMIT", "1", "LIMIT", "2")).toBe(2);
    expect(s.run("SINTERCARD", "0", "a")).toBe("-ERR numkeys should be greater than 0");
    expect(s.run("SINTERCARD", "x", "a")).toBe("-ERR numkeys should be greater than 0");
    expect(s.run("SINTERCARD", "3", "a", "b")).toBe("-ERR Number of keys can't be greater than number of args");
    expect(s.run("SINTERCARD", "1", "a", "LIMIT", "-1")).toBe("-ERR LIMIT can't be negative");
    expect(s.run("SINTERCARD", "1", "a", "LIMIT")).toBe("-ERR syntax error");
    expect(s.run("SINTERCARD", "1", "a", "b")).toBe("-ERR syntax error");
  });

  it("SSCAN: an intset whole and sorted, a table by cursor (every member at least once), MATCH and COUNT", () => {
    const s = new Session();
    s.run("SADD", "i", "10", "3", "-5", "12");
    expect(s.run("SSCAN", "i", "0")).toEqual(["0", ["-5", "3", "10", "12"]]);
    expect(s.run("SSCAN", "i", "0", "MATCH", "1*")).toEqual(["0", ["10", "12"]]);
    expect(s.run("SSCAN", "nokey", "0", "COUNT", "0")).toEqual(["0", []]);
    expect(s.run("SSCAN", "i", "x")).toBe("-ERR invalid cursor");
    expect(s.run("SSCAN", "i", "0", "COUNT", "0")).toBe("-ERR syntax error");
    expect(s.run("SSCAN", "i", "0", "TYPE", "set")).toBe("-ERR syntax error");
    const members = range(0, 3000).map((i) => `m${i}`);
    s.run("SADD", "t", ...members);
    const seen = new Set<string>();
    let cursor = "0";
    let rounds = 0;
    do {
      const [next, page] = s.run("SSCAN", "t", cursor, "COUNT", "50") as [string, string[]];
      for (const m of page) seen.add(m);
      cursor = next;
      rounds++;
      // Growing and shrinking between calls: members present throughout are still returned.
      if (rounds === 5) s.run("SADD", "t", ...range(0, 5000).map((i) => `extra${i}`));
      if (rounds === 20) s.run("SREM", "t", ...range(0, 5000).map((i) => `extra${i}`));
    } while (cursor !== "0");
    for (const m of members) expect(seen.has(m), m).toBe(true);
    expect(rounds).toBeGreaterThan(10);
    const [, matched] = s.run("SSCAN", "t", "0", "MATCH", "m1?", "COUNT", "100000") as [string, string[]];
    expect(matched.sort()).toEqual(range(10, 20).map((i) => `m${i}`));
  });

  it("RENAME, EXPIRE and PERSIST move a set's entry without losing or double-freeing its member table", () => {
    const s = new Session();
    s.run("SADD", "warm", ...range(0, 1000).map((i) => `m${i}`)); // sizes the input region
    s.run("DEL", "warm");
    const base = s.core.usedMemory();
    s.run("SADD", "t", ...range(0, 1000).map((i) => `m${i}`));
    s.run("SADD", "i", "1", "2");
    expect(s.run("PEXPIRE", "t", "100000")).toBe(1);
    expect(s.run("RENAME", "t", "u")).toBe("+OK");
    expect(s.run("PERSIST", "u")).toBe(1);
    expect(s.run("RENAME", "i", "u2")).toBe("+OK");
    expect(s.run("SCARD", "u")).toBe(1000);
    expect(s.run("SISMEMBER", "u", "m999")).toBe(1);
    expect(s.run("SMEMBERS", "u2")).toEqual(["1", "2"]);
    expect(s.run("SET", "u", "now a string")).toBe("+OK");
    expect(s.run("DEL", "u", "u2")).toBe(2);
    expect(s.core.usedMemory()).toBe(base);
  });

  it("binary-safe members", () => {
    const s = new Session();
    const m = Uint8Array.of(0, 255, 13, 10);
    expect(s.run("SADD", "s", m, "1")).toBe(2);
    const r = s.raw([["SMEMBERS", "s"]])[0] as Uint8Array[];
    expect(r.map((x) => [...x]).sort()).toEqual([[0, 255, 13, 10], [49]].sort());
    expect(s.run("SISMEMBER", "s", m)).toBe(1);
  });
});

describe("set memory and durability", () => {
  it("memory returns exactly to the baseline after sets grow, convert and are deleted", () => {
    const s = new Session();
    // The input region keeps its size for requests up to 1 MB: warm it with the largest request first.
    s.run("SADD", "warm", ...range(0, 15_000).map((i) => `member:${i}`));
    s.run("DEL", "warm");
    const base = s.core.usedMemory();
    s.run("SADD", "i", ...range(0, 400));
    s.run("SADD", "i", ...range(400, 600));
    s.run("SADD", "t", ...range(0, 15_000).map((i) => `member:${i}`));
    s.run("SUNIONSTORE", "u", "i", "t");
    s.run("SINTER", "i", "t");
    s.run("SPOP", "t", "7000");
    s.run("SMOVE", "t", "i", "member:14999");
    s.run("SREM", "i", ...range(0, 300));
    expect(s.core.usedMemory()).toBeGreaterThan(base);
    expect(s.run("DEL", "i", "t", "u")).toBe(3);
    expect(s.core.usedMemory()).toBe(base);
    s.run("SADD", "x", "a", "b");
    s.run("SREM", "x", "a", "b");
    expect(s.core.usedMemory()).toBe(base);
  });

  it("maxmemory refuses a growing SADD or *STORE with OOM and changes nothing", () => {
    const s = new Session();
    s.run("SADD", "s", "a");
    s.run("SADD", "i", ...range(0, 500));
    s.core.setMaxMemory(s.core.usedMemory() + 256);
    const OOM = "-OOM command not allowed when used memory > 'maxmemory'.";
    expect(s.run("SADD", "s", ...range(0, 100).map((i) => `x${i}`))).toBe(OOM);
    expect(s.run("SADD", "i", "x")).toBe(OOM);
    expect(s.run("SUNIONSTORE", "d", "i", "s")).toBe(OOM);
    expect(s.run("SMEMBERS", "s")).toEqual(["a"]);
    expect(s.run("OBJECT", "ENCODING", "i")).toBe("intset");
    expect(s.run("EXISTS", "d")).toBe(0);
    expect(s.run("SREM", "s", "a")).toBe(1);
  });

  it("effects replay to the same sets (SPOP as SREM of what it popped, SRANDMEMBER logs nothing)", () => {
    const s = new Session({ seed: 11 });
    s.run("SADD", "a", "1", "2", "3", "x", "y");
    s.run("SADD", "b", ...range(0, 50));
    s.run("SPOP", "a");
    s.run("SPOP", "b", "7");
    s.run("SRANDMEMBER", "a", "-3");
    s.run("SMOVE", "a", "c", "zz");
    s.run("SMOVE", "b", "c", "49");
    s.run("SINTERSTORE", "d", "a", "b");
    s.run("SUNIONSTORE", "e", "a", "b");
    s.run("SDIFFSTORE", "f", "b", "a");
    s.run("SPOP", "a", "100");
    s.run("SREM", "b", "0", "1", "nope");
    const effects = s.effectCommands();
    expect(effects.filter((c) => c[0] === "SPOP" || c[0] === "SRANDMEMBER")).toEqual([]);
    expect(effects.filter((c) => c[0] === "SREM" && c[1] === "b")[0]).toHaveLength(9);
    const replica = new Session();
    for (const batch of s.effects) replica.core.execute(batch, 0, true);
    for (const k of ["a", "b", "c", "d", "e", "f"]) {
      expect(sorted(replica.run("SMEMBERS", k)), k).toEqual(sorted(s.run("SMEMBERS", k)));
      expect(replica.run("OBJECT", "ENCODING", k), k).toEqual(s.run("OBJECT", "ENCODING", k));
    }
  });

  it("checkpoint payloads of intsets and tables restore into a fresh core, encodings kept; corrupt bodies refused", () => {
    const s = new Session();
    s.run("SADD", "i", "5", "-1", "3");
    s.run("SADD", "t", "a", "b", ...range(0, 600));
    s.run("SADD", "h", "7", "x");
    s.run("SREM", "h", "x");
    s.run("PEXPIRE", "t", "100000");
    const rows = s.internal("__CHECKPOINT", "100000000") as (Uint8Array | null)[];
    const fresh = new Session();
    for (let i = 0; i < rows.length; i += 2) expect(show(fresh.internal("__RESTORE", rows[i]!, rows[i + 1]!))).toBe("+OK");
    expect(fresh.run("SMEMBERS", "i")).toEqual(["-1", "3", "5"]);
    expect(fresh.run("OBJECT", "ENCODING", "i")).toBe("intset");
    expect(fresh.run("SCARD", "t")).toBe(602);
    expect(fresh.run("OBJECT", "ENCODING", "t")).toBe("hashtable");
    expect(fresh.run("PTTL", "t")).toBe(100000);
    expect(fresh.run("OBJECT", "ENCODING", "h")).toBe("hashtable");
    expect(fresh.run("SMEMBERS", "h")).toEqual(["7"]);
    const row = rows[rows.findIndex((k, i) => i % 2 === 0 && k !== null && new TextDecoder().decode(k) === "i") + 1]!;
    // A duplicate member: "3" made into a second "5".
    const dup = row.slice();
    const at = new TextDecoder("latin1").decode(dup).indexOf("\x01\x00\x00\x003") + 4;
    expect(at).toBeGreaterThan(4);
    dup[at] = 0x35;
    fixCrc(dup);
    expect(show(new Session().internal("__RESTORE", "i", dup))).toBe("-ERR DUMP payload version or checksum are wrong");
    const bad = row.slice();
    bad[6] = 9; // the member count no longer matches
    fixCrc(bad);
    expect(show(new Session().internal("__RESTORE", "i", bad))).toBe("-ERR DUMP payload version or checksum are wrong");
    s.run("DEL", "i");
    const after = s.internal("__CHECKPOINT", "1000000") as (Uint8Array | null)[];
    expect(after.map((x) => (x === null ? null : new TextDecoder().decode(x)))).toEqual(["i", null]);
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
