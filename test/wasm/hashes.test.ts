// Hashes in the wasm core: every H* command's replies and errors (Redis 7.0's), WRONGTYPE both ways,
// empty-hash deletion, exact memory accounting, effects that replay, and checkpoint payloads.
import { describe, expect, it } from "vitest";
import { Session, show } from "./session";

const WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value";

describe("hash commands", () => {
  it("HSET/HGET/HMGET/HLEN/HEXISTS/HSTRLEN keep fields in insertion order with updates in place", () => {
    const s = new Session();
    expect(s.run("HSET", "h", "a", "1", "b", "2", "a", "3")).toBe(2);
    expect(s.run("HSET", "h", "b", "22", "c", "")).toBe(1);
    expect(s.run("HGETALL", "h")).toEqual(["a", "3", "b", "22", "c", ""]);
    expect(s.run("HKEYS", "h")).toEqual(["a", "b", "c"]);
    expect(s.run("HVALS", "h")).toEqual(["3", "22", ""]);
    expect(s.run("HGET", "h", "b")).toBe("22");
    expect(s.run("HGET", "h", "zz")).toBe(null);
    expect(s.run("HGET", "nokey", "a")).toBe(null);
    expect(s.run("HMGET", "h", "a", "x", "c")).toEqual(["3", null, ""]);
    expect(s.run("HMGET", "nokey", "a", "b")).toEqual([null, null]);
    expect(s.run("HLEN", "h")).toBe(3);
    expect(s.run("HLEN", "nokey")).toBe(0);
    expect(s.run("HEXISTS", "h", "c")).toBe(1);
    expect(s.run("HEXISTS", "h", "d")).toBe(0);
    expect(s.run("HSTRLEN", "h", "b")).toBe(2);
    expect(s.run("HSTRLEN", "h", "nope")).toBe(0);
    expect(s.run("TYPE", "h")).toBe("+hash");
    expect(s.run("HKEYS", "nokey")).toEqual([]);
    expect(s.run("HGETALL", "nokey")).toEqual([]);
  });

  it("arity errors as Redis words them, including odd field/value pairs", () => {
    const s = new Session();
    expect(s.run("HSET", "h", "a")).toBe("-ERR wrong number of arguments for 'hset' command");
    expect(s.run("HSET", "h", "a", "1", "b")).toBe("-ERR wrong number of arguments for 'hset' command");
    expect(s.run("HMSET", "h", "a", "1", "b")).toBe("-ERR wrong number of arguments for 'hmset' command");
    expect(s.run("HGET", "h")).toBe("-ERR wrong number of arguments for 'hget' command");
    expect(s.run("HDEL", "h")).toBe("-ERR wrong number of arguments for 'hdel' command");
    expect(s.run("HRANDFIELD")).toBe("-ERR wrong number of arguments for 'hrandfield' command");
    expect(s.run("HSCAN", "h")).toBe("-ERR wrong number of arguments for 'hscan' command");
    expect(s.run("EXISTS", "h")).toBe(0);
  });

  it("HMSET answers OK, HSETNX sets only absent fields", () => {
    const s = new Session();
    expect(s.run("HMSET", "h", "a", "1", "b", "2")).toBe("+OK");
    expect(s.run("HSETNX", "h", "a", "9")).toBe(0);
    expect(s.run("HSETNX", "h", "c", "3")).toBe(1);
    expect(s.run("HSETNX", "n", "f", "v")).toBe(1);
    expect(s.run("HGETALL", "h")).toEqual(["a", "1", "b", "2", "c", "3"]);
  });

  it("HDEL counts removed fields and deletes the key with its last field", () => {
    const s = new Session();
    s.run("HSET", "h", "a", "1", "b", "2", "c", "3");
    expect(s.run("HDEL", "h", "b", "x", "b")).toBe(1);
    expect(s.run("HGETALL", "h")).toEqual(["a", "1", "c", "3"]);
    expect(s.run("HDEL", "nokey", "a")).toBe(0);
    expect(s.run("HDEL", "h", "a", "c", "d")).toBe(2);
    expect(s.run("EXISTS", "h")).toBe(0);
    expect(s.run("TYPE", "h")).toBe("+none");
  });

  it("WRONGTYPE from hash commands on strings and string commands on hashes", () => {
    const s = new Session();
    s.run("SET", "s", "x");
    s.run("HSET", "h", "f", "1");
    for (const cmd of [
      ["HSET", "s", "a", "1"], ["HSETNX", "s", "a", "1"], ["HGET", "s", "a"], ["HMGET", "s", "a"], ["HMSET", "s", "a", "1"],
      ["HDEL", "s", "a"], ["HEXISTS", "s", "a"], ["HLEN", "s"], ["HKEYS", "s"], ["HVALS", "s"], ["HGETALL", "s"],
      ["HINCRBY", "s", "a", "1"], ["HINCRBYFLOAT", "s", "a", "1"], ["HSTRLEN", "s", "a"], ["HRANDFIELD", "s"],
      ["HRANDFIELD", "s", "2"], ["HSCAN", "s", "0"],
    ]) expect(s.run(...cmd), cmd.join(" ")).toBe(WRONGTYPE);
    for (const cmd of [
      ["GET", "h"], ["GETSET", "h", "v"], ["GETDEL", "h"], ["GETEX", "h"], ["APPEND", "h", "x"], ["STRLEN", "h"],
      ["INCR", "h"], ["DECRBY", "h", "2"], ["INCRBYFLOAT", "h", "1"], ["GETRANGE", "h", "0", "1"], ["SETRANGE", "h", "0", "x"],
      ["SET", "h", "v", "GET"],
    ]) expect(s.run(...cmd), cmd.join(" ")).toBe(WRONGTYPE);
    expect(s.run("MGET", "h", "s")).toEqual([null, "x"]);
    expect(s.run("HGETALL", "h")).toEqual(["f", "1"]);
    // SET replaces any type, as in Redis.
    expect(s.run("SET", "h", "v")).toBe("+OK");
    expect(s.run("TYPE", "h")).toBe("+string");
  });

  it("HINCRBY: integers, overflow and non-integer values", () => {
    const s = new Session();
    expect(s.run("HINCRBY", "h", "n", "5")).toBe(5);
    expect(s.run("HINCRBY", "h", "n", "-7")).toBe(-2);
    s.run("HSET", "h", "big", "9223372036854775807", "s", "abc", "sp", " 1");
    expect(s.run("HINCRBY", "h", "big", "1")).toBe("-ERR increment or decrement would overflow");
    expect(s.run("HINCRBY", "h", "s", "1")).toBe("-ERR hash value is not an integer");
    expect(s.run("HINCRBY", "h", "sp", "1")).toBe("-ERR hash value is not an integer");
    expect(s.run("HINCRBY", "h", "n", "x")).toBe("-ERR value is not an integer or out of range");
    expect(s.run("HINCRBY", "s2", "n", "x")).toBe("-ERR value is not an integer or out of range");
    expect(s.run("EXISTS", "s2")).toBe(0);
  });

  it("HINCRBYFLOAT: long double arithmetic and Redis's errors", () => {
    const s = new Session();
    expect(s.run("HINCRBYFLOAT", "h", "f", "10.5")).toBe("10.5");
    expect(s.run("HINCRBYFLOAT", "h", "f", "0.1")).toBe("10.6");
    expect(s.run("HINCRBYFLOAT", "h", "e", "5.0e3")).toBe("5000");
    expect(s.run("HINCRBYFLOAT", "h", "f", "inf")).toBe("-ERR value is NaN or Infinity");
    expect(s.run("HINCRBYFLOAT", "h", "f", "abc")).toBe("-ERR value is not a valid float");
    expect(s.run("HINCRBYFLOAT", "h", "f", "1e5000")).toBe("-ERR value is not a valid float");
    s.run("HSET", "h", "s", "abc", "i", "inf");
    expect(s.run("HINCRBYFLOAT", "h", "s", "1")).toBe("-ERR hash value is not a float");
    expect(s.run("HINCRBYFLOAT", "h", "i", "1")).toBe("-ERR increment would produce NaN or Infinity");
    expect(s.run("HGET", "h", "f")).toBe("10.6");
  });

  it("HRANDFIELD: single, positive (distinct), negative (repeats), WITHVALUES and the range errors", () => {
    const s = new Session({ seed: 7 });
    s.run("HSET", "h", "a", "1", "b", "2", "c", "3");
    const fields = ["a", "b", "c"];
    const values: Record<string, string> = { a: "1", b: "2", c: "3" };
    expect(fields).toContain(s.run("HRANDFIELD", "h"));
    expect(s.run("HRANDFIELD", "nokey")).toBe(null);
    expect(s.run("HRANDFIELD", "nokey", "-5")).toEqual([]);
    expect(s.run("HRANDFIELD", "h", "0")).toEqual([]);
    expect(s.run("HRANDFIELD", "h", "5")).toEqual(["a", "b", "c"]);
    const two = s.run("HRANDFIELD", "h", "2") as string[];
    expect(new Set(two).size).toBe(2);
    for (const f of two) expect(fields).toContain(f);
    const many = s.run("HRANDFIELD", "h", "-10", "WITHVALUES") as string[];
    expect(many).toHaveLength(20);
    for (let i = 0; i < many.length; i += 2) expect(values[many[i]]).toBe(many[i + 1]);
    expect(s.run("HRANDFIELD", "h", "1", "2")).toBe("-ERR syntax error");
    expect(s.run("HRANDFIELD", "h", "1", "WITHVALUES", "x")).toBe("-ERR syntax error");
    expect(s.run("HRANDFIELD", "h", "WITHVALUES")).toBe("-ERR value is not an integer or out of range");
    expect(s.run("HRANDFIELD", "nokey", "abc")).toBe("-ERR value is not an integer or out of range");
    expect(s.run("HRANDFIELD", "h", "-9223372036854775808")).toBe(
      "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
    );
    expect(s.run("HRANDFIELD", "h", "9223372036854775807", "WITHVALUES")).toBe("-ERR value is out of range");
    expect(s.run("HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES")).toBe("-ERR value is out of range");
    // Deliberate: a shard refuses more than 2^20 repeats instead of building a reply that exhausts its memory.
    expect(s.run("HRANDFIELD", "h", "-9223372036854775807")).toBe("-ERR value is out of range");
    expect(s.run("HRANDFIELD", "h", String(-(2 ** 20) - 1))).toBe("-ERR value is out of range");
    expect(s.run("HRANDFIELD", "h", String(-(2 ** 20)))).toHaveLength(2 ** 20);
  });

  it("HSCAN returns a compact hash whole with cursor 0, filtered by MATCH", () => {
    const s = new Session();
    s.run("HSET", "h", "a1", "x", "b1", "y", "a2", "z");
    expect(s.run("HSCAN", "h", "0")).toEqual(["0", ["a1", "x", "b1", "y", "a2", "z"]]);
    expect(s.run("HSCAN", "h", "0", "MATCH", "a*", "COUNT", "1")).toEqual(["0", ["a1", "x", "a2", "z"]]);
    expect(s.run("HSCAN", "nokey", "0", "COUNT", "0")).toEqual(["0", []]);
    expect(s.run("HSCAN", "h", "x")).toBe("-ERR invalid cursor");
    expect(s.run("HSCAN", "nokey", "x")).toBe("-ERR invalid cursor");
    expect(s.run("HSCAN", "h", "0", "COUNT", "0")).toBe("-ERR syntax error");
    expect(s.run("HSCAN", "h", "0", "COUNT", "z")).toBe("-ERR value is not an integer or out of range");
    expect(s.run("HSCAN", "h", "0", "TYPE", "string")).toBe("-ERR syntax error");
  });

  it("binary-safe fields and values", () => {
    const s = new Session();
    const f = Uint8Array.of(0, 255, 13, 10);
    const v = Uint8Array.of(1, 0, 2);
    expect(s.run("HSET", "h", f, v)).toBe(1);
    const r = s.raw([["HGET", "h", f]])[0] as Uint8Array;
    expect([...r]).toEqual([1, 0, 2]);
  });

  it("SCAN TYPE hash and KEYS see hashes", () => {
    const s = new Session();
    s.run("HSET", "h1", "a", "1");
    s.run("SET", "s1", "x");
    expect(s.run("SCAN", "0", "TYPE", "hash")).toEqual(["0", ["h1"]]);
    expect(s.run("SCAN", "0", "TYPE", "string")).toEqual(["0", ["s1"]]);
  });
});

describe("hash memory and durability", () => {
  it("memory returns exactly to the baseline after a hash grows and is deleted", () => {
    const s = new Session();
    s.run("SET", "warm", "x");
    s.run("DEL", "warm");
    const base = s.core.usedMemory();
    for (let i = 0; i < 200; i++) s.run("HSET", "h", `field:${i}`, "v".repeat(i % 70));
    expect(s.run("HLEN", "h")).toBe(200);
    expect(s.core.usedMemory()).toBeGreaterThan(base);
    for (let i = 0; i < 200; i++) s.run("HDEL", "h", `field:${i}`);
    expect(s.run("EXISTS", "h")).toBe(0);
    expect(s.core.usedMemory()).toBe(base);
  });

  it("maxmemory refuses a growing HSET with OOM and changes nothing", () => {
    const s = new Session();
    s.run("HSET", "h", "a", "1");
    s.core.setMaxMemory(s.core.usedMemory() + 256);
    expect(s.run("HSET", "h", "b", "x".repeat(4096))).toBe("-OOM command not allowed when used memory > 'maxmemory'.");
    expect(s.run("HGETALL", "h")).toEqual(["a", "1"]);
    expect(s.run("HDEL", "h", "a")).toBe(1);
  });

  it("effects replay to the same hashes (HINCRBYFLOAT as HSET, HRANDFIELD logs nothing, lazy expiry as DEL)", () => {
    const s = new Session();
    s.run("HSET", "h", "a", "1", "b", "2");
    s.run("HINCRBYFLOAT", "h", "f", "0.1");
    s.run("HINCRBY", "h", "a", "41");
    s.run("HSETNX", "h", "a", "no");
    s.run("HMSET", "h", "c", "3");
    s.run("HDEL", "h", "b", "zz");
    s.run("HDEL", "h", "zz");
    s.run("HRANDFIELD", "h", "-3");
    s.run("HSET", "t", "x", "1");
    s.run("PEXPIRE", "t", "10");
    s.advance(20);
    s.run("HGET", "t", "x");
    const effects = s.effectCommands();
    expect(effects).toContainEqual(["HSET", "h", "f", "0.1"]);
    expect(effects.filter((c) => c[0] === "HRANDFIELD")).toEqual([]);
    expect(effects.filter((c) => c[0] === "HSETNX")).toEqual([]);
    expect(effects.at(-1)).toEqual(["DEL", "t"]);
    const replica = new Session();
    for (const batch of s.effects) replica.core.execute(batch, 0, true);
    for (const k of ["h", "t"]) expect(replica.run("HGETALL", k)).toEqual(s.run("HGETALL", k));
    expect(replica.run("HGETALL", "h")).toEqual(["a", "42", "f", "0.1", "c", "3"]);
  });

  it("checkpoint payloads of hashes restore into a fresh core; corrupt hash bodies are refused", () => {
    const s = new Session();
    s.run("HSET", "h", "a", "1", "b", "2");
    s.run("HSET", "ht", "x", "y");
    s.run("PEXPIRE", "ht", "100000");
    s.run("SET", "s", "v");
    const rows = s.internal("__CHECKPOINT", "1000000") as (Uint8Array | null)[];
    const fresh = new Session();
    for (let i = 0; i < rows.length; i += 2) expect(show(fresh.internal("__RESTORE", rows[i]!, rows[i + 1]!))).toBe("+OK");
    expect(fresh.run("HGETALL", "h")).toEqual(["a", "1", "b", "2"]);
    expect(fresh.run("TYPE", "h")).toBe("+hash");
    expect(fresh.run("HGETALL", "ht")).toEqual(["x", "y"]);
    expect(fresh.run("PTTL", "ht")).toBe(100000);
    expect(fresh.run("GET", "s")).toBe("v");
    // Changing a hash marks it dirty again; deleting its last field reports the row gone.
    s.run("HDEL", "h", "a", "b");
    const after = s.internal("__CHECKPOINT", "1000000") as (Uint8Array | null)[];
    expect(after.map((x) => (x === null ? null : new TextDecoder().decode(x)))).toEqual(["h", null]);
    // A well-checksummed payload whose hash body is malformed is refused.
    const hashRow = rows[rows.findIndex((k, i) => i % 2 === 0 && k !== null && new TextDecoder().decode(k) === "h") + 1]!;
    const bad = hashRow.slice();
    bad[6] = 9; // the field count no longer matches the pairs
    fixCrc(bad);
    expect(show(new Session().internal("__RESTORE", "h", bad))).toBe("-ERR DUMP payload version or checksum are wrong");
  });
});

/** Recomputes the trailing CRC-64/Jones (reflected, poly 0xad93d23594c935a9) of a payload. */
function fixCrc(p: Uint8Array): void {
  const poly = 0x95ac9329ac4bc9b5n; // reflected 0xad93d23594c935a9
  let crc = 0n;
  for (let i = 0; i < p.length - 8; i++) {
    crc ^= BigInt(p[i]);
    for (let b = 0; b < 8; b++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  new DataView(p.buffer, p.byteOffset).setBigUint64(p.length - 8, crc, true);
}

describe("hash table encoding (past 512 fields or a 64-byte field or value)", () => {
  const sorted = (flat: string[]) => {
    const pairs: string[] = [];
    for (let i = 0; i < flat.length; i += 2) pairs.push(`${flat[i]}=${flat[i + 1]}`);
    return pairs.sort();
  };

  it("converts on the 513th field and on a long field or value (not on an HSETNX that sets nothing); never back", () => {
    const s = new Session();
    for (let i = 0; i < 512; i++) s.run("HSET", "h", `f${i}`, String(i));
    expect(s.run("OBJECT", "ENCODING", "h")).toBe("listpack");
    s.run("HSET", "h", "f512", "512");
    expect(s.run("OBJECT", "ENCODING", "h")).toBe("hashtable");
    expect(s.run("HLEN", "h")).toBe(513);
    for (let i = 0; i < 513; i++) expect(s.run("HGET", "h", `f${i}`)).toBe(String(i));
    for (let i = 0; i < 512; i++) s.run("HDEL", "h", `f${i}`);
    expect(s.run("OBJECT", "ENCODING", "h")).toBe("hashtable");
    expect(s.run("HGETALL", "h")).toEqual(["f512", "512"]);
    s.run("HSET", "v", "a", "x".repeat(64));
    expect(s.run("OBJECT", "ENCODING", "v")).toBe("listpack");
    s.run("HSET", "v", "b", "x".repeat(65));
    expect(s.run("OBJECT", "ENCODING", "v")).toBe("hashtable");
    expect(s.run("HGETALL", "v")).toHaveLength(4);
    s.run("HSET", "n", "a", "1");
    expect(s.run("HSETNX", "n", "a", "y".repeat(65))).toBe(0);
    expect(s.run("OBJECT", "ENCODING", "n")).toBe("listpack");
    expect(s.run("HINCRBYFLOAT", "n", "a", "1e70")).toHaveLength(71);
    expect(s.run("OBJECT", "ENCODING", "n")).toBe("hashtable");
  });

  it("every command works on a table-encoded hash", () => {
    const s = new Session();
    const fields = Array.from({ length: 600 }, (_, i) => [`field:${i}`, `value:${i}`]).flat();
    expect(s.run("HSET", "h", ...fields)).toBe(600);
    expect(s.run("HSET", "h", "field:1", "changed", "new", "n")).toBe(1);
    expect(s.run("HGET", "h", "field:1")).toBe("changed");
    expect(s.run("HMGET", "h", "field:2", "missing", "new")).toEqual(["value:2", null, "n"]);
    expect(s.run("HEXISTS", "h", "field:599")).toBe(1);
    expect(s.run("HSTRLEN", "h", "field:10")).toBe(8);
    expect(s.run("HSETNX", "h", "field:3", "x")).toBe(0);
    expect(s.run("HSETNX", "h", "fresh", "x")).toBe(1);
    expect(s.run("HINCRBY", "h", "counter", "5")).toBe(5);
    expect(s.run("HINCRBYFLOAT", "h", "counter", "0.5")).toBe("5.5");
    expect(s.run("HDEL", "h", "field:0", "field:0", "missing")).toBe(1);
    expect(s.run("HLEN", "h")).toBe(602);
    const all = s.run("HGETALL", "h") as string[];
    expect(all).toHaveLength(1204);
    expect(sorted(all)).toContain("field:1=changed");
    expect((s.run("HKEYS", "h") as string[]).sort()).toEqual(all.filter((_, i) => i % 2 === 0).sort());
    expect((s.run("HVALS", "h") as string[]).sort()).toEqual(all.filter((_, i) => i % 2 === 1).sort());
    const one = s.run("HRANDFIELD", "h") as string;
    expect(s.run("HEXISTS", "h", one)).toBe(1);
    const distinct = s.run("HRANDFIELD", "h", "50", "WITHVALUES") as string[];
    expect(new Set(distinct.filter((_, i) => i % 2 === 0)).size).toBe(50);
    for (let i = 0; i < distinct.length; i += 2) expect(s.run("HGET", "h", distinct[i]!)).toBe(distinct[i + 1]);
    expect(s.run("HRANDFIELD", "h", "-1000")).toHaveLength(1000);
    expect(s.run("HRANDFIELD", "h", "5000")).toHaveLength(602);
  });

  it("HSCAN pages through a table with a real cursor, every field at least once, MATCH applied", () => {
    const s = new Session();
    for (let i = 0; i < 1000; i++) s.run("HSET", "h", `f:${i}`, String(i));
    const seen = new Set<string>();
    let cursor = "0";
    let pages = 0;
    do {
      const [next, items] = s.run("HSCAN", "h", cursor, "COUNT", "20") as [string, string[]];
      for (let i = 0; i < items.length; i += 2) {
        expect(items[i + 1]).toBe(items[i]!.slice(2));
        seen.add(items[i]!);
      }
      cursor = next;
      pages++;
    } while (cursor !== "0");
    expect(seen.size).toBe(1000);
    expect(pages).toBeGreaterThan(10);
    const matched: string[] = [];
    cursor = "0";
    do {
      const [next, items] = s.run("HSCAN", "h", cursor, "MATCH", "f:9?") as [string, string[]];
      matched.push(...items.filter((_, i) => i % 2 === 0));
      cursor = next;
    } while (cursor !== "0");
    expect(new Set(matched)).toEqual(new Set(Array.from({ length: 10 }, (_, i) => `f:9${i}`)));
  });

  it("memory returns exactly to the baseline after a 100,000-field hash is deleted, and after a table is overwritten", () => {
    const s = new Session();
    // The input and output buffers keep the size of the largest batch: warm them with one as large.
    s.run("HSET", "warm", ...Array.from({ length: 1000 }, (_, j) => [`field:${99_000 + j}`, "v"]).flat());
    s.run("DEL", "warm");
    const base = s.core.usedMemory();
    for (let i = 0; i < 100_000; i += 1000) {
      s.run("HSET", "big", ...Array.from({ length: 1000 }, (_, j) => [`field:${i + j}`, "v"]).flat());
    }
    expect(s.run("HLEN", "big")).toBe(100_000);
    expect(s.core.usedMemory()).toBeLessThan(base + 100_000 * 64);
    expect(s.run("DEL", "big")).toBe(1);
    expect(s.core.usedMemory()).toBe(base);
    for (let i = 0; i < 600; i++) s.run("HSET", "t", `f${i}`, "v");
    s.run("SET", "t", "now a string");
    s.run("DEL", "t");
    expect(s.core.usedMemory()).toBe(base);
    for (let i = 0; i < 600; i++) s.run("HSET", "r", `f${i}`, "v");
    s.run("RENAME", "r", "r2");
    expect(s.run("HLEN", "r2")).toBe(600);
    s.run("EXPIRE", "r2", "100");
    s.run("PERSIST", "r2");
    s.run("COPY", "r2", "r3");
    s.run("HSET", "r3", "extra", "1");
    expect(s.run("HLEN", "r2")).toBe(600);
    s.run("FLUSHALL");
    expect(s.core.usedMemory()).toBe(base);
  });

  it("a table-encoded hash checkpoints in compact form and loads back into the table encoding", () => {
    const s = new Session();
    for (let i = 0; i < 700; i++) s.run("HSET", "h", `f${i}`, `v${i}`);
    s.run("PEXPIRE", "h", "100000");
    const rows = s.internal("__CHECKPOINT", "100000000") as (Uint8Array | null)[];
    const fresh = new Session();
    expect(show(fresh.internal("__RESTORE", rows[0]!, rows[1]!))).toBe("+OK");
    expect(fresh.run("OBJECT", "ENCODING", "h")).toBe("hashtable");
    expect(fresh.run("HLEN", "h")).toBe(700);
    expect(fresh.run("HGET", "h", "f321")).toBe("v321");
    expect(fresh.run("PTTL", "h")).toBe(100000);
    expect(sorted(fresh.run("HGETALL", "h") as string[])).toEqual(sorted(s.run("HGETALL", "h") as string[]));
  });
});
