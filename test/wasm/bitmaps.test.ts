// Bitmaps in the wasm core: SETBIT/GETBIT/BITCOUNT/BITPOS/BITOP/BITFIELD replies and errors (Redis 7.0's),
// raw encoding of grown strings, maxmemory, and effects that replay to the same bytes.
import { describe, expect, it } from "vitest";
import { Session } from "./session";

const WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value";
const OFFSET = "-ERR bit offset is not an integer or out of range";
const TYPE = "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
const OOM = "-OOM command not allowed when used memory > 'maxmemory'.";

const bytes = (s: Session, key: string) => [...(s.raw([["GET", key]])[0] as Uint8Array)];

describe("bitmap commands", () => {
  it("SETBIT grows a zero-filled raw string and returns the old bit; GETBIT reads past the end as 0", () => {
    const s = new Session();
    expect(s.run("SETBIT", "b", "7", "1")).toBe(0);
    expect(s.run("SETBIT", "b", "7", "1")).toBe(1);
    expect(s.run("SETBIT", "b", "17", "1")).toBe(0);
    expect(bytes(s, "b")).toEqual([1, 0, 0x40]);
    expect(s.run("GETBIT", "b", "17")).toBe(1);
    expect(s.run("GETBIT", "b", "16")).toBe(0);
    expect(s.run("GETBIT", "b", "4294967295")).toBe(0);
    expect(s.run("GETBIT", "nokey", "3")).toBe(0);
    expect(s.run("OBJECT", "ENCODING", "b")).toBe("raw");
    s.run("SET", "s", "a");
    expect(s.run("OBJECT", "ENCODING", "s")).toBe("embstr");
    expect(s.run("SETBIT", "s", "6", "1")).toBe(0);
    expect(s.run("GET", "s")).toBe("c");
    expect(s.run("OBJECT", "ENCODING", "s")).toBe("raw");
    // An integer-encoded string's bits are its digits' bits.
    s.run("SET", "n", "1");
    expect(s.run("GETBIT", "n", "7")).toBe(1);
    expect(s.run("GETBIT", "n", "2")).toBe(1);
  });

  it("SETBIT and GETBIT errors in Redis's order", () => {
    const s = new Session();
    s.run("HSET", "h", "f", "v");
    for (const off of ["-1", "4294967296", "abc", "", "1.5", "#1"]) expect(s.run("SETBIT", "k", off, "1"), off).toBe(OFFSET);
    for (const bit of ["2", "-1", "x", ""]) expect(s.run("SETBIT", "k", "1", bit)).toBe("-ERR bit is not an integer or out of range");
    expect(s.run("SETBIT", "h", "x", "1")).toBe(OFFSET);
    expect(s.run("SETBIT", "h", "1", "1")).toBe(WRONGTYPE);
    expect(s.run("GETBIT", "h", "1")).toBe(WRONGTYPE);
    expect(s.run("GETBIT", "h", "-1")).toBe(OFFSET);
    expect(s.run("EXISTS", "k")).toBe(0);
  });

  it("BITCOUNT over bytes and bits, negative ranges, and Redis 7.0's argument order", () => {
    const s = new Session();
    s.run("SET", "s", "foobar");
    expect(s.run("BITCOUNT", "s")).toBe(26);
    expect(s.run("BITCOUNT", "s", "0", "0")).toBe(4);
    expect(s.run("BITCOUNT", "s", "1", "1")).toBe(6);
    expect(s.run("BITCOUNT", "s", "1", "1", "BYTE")).toBe(6);
    expect(s.run("BITCOUNT", "s", "5", "30", "BIT")).toBe(17);
    expect(s.run("BITCOUNT", "s", "-2", "-1")).toBe(7);
    expect(s.run("BITCOUNT", "s", "-1", "-2")).toBe(0);
    expect(s.run("BITCOUNT", "s", "-1", "-2", "bogus")).toBe(0);
    expect(s.run("BITCOUNT", "s", "0", "1", "bogus")).toBe("-ERR syntax error");
    expect(s.run("BITCOUNT", "s", "0")).toBe("-ERR syntax error");
    expect(s.run("BITCOUNT", "s", "a", "1")).toBe("-ERR value is not an integer or out of range");
    expect(s.run("BITCOUNT", "s", "0", "-1", "BIT")).toBe(26);
    expect(s.run("BITCOUNT", "s", "100", "200")).toBe(0);
    // A missing key counts 0 before any argument is looked at (Redis 7.0).
    expect(s.run("BITCOUNT", "nokey", "a", "b")).toBe(0);
    s.run("HSET", "h", "f", "v");
    expect(s.run("BITCOUNT", "h", "a", "b")).toBe(WRONGTYPE);
    // Word-at-a-time counting agrees with a byte loop on a long value.
    const big = Uint8Array.from({ length: 1001 }, (_, i) => (i * 37) & 0xff);
    s.run("SET", "big", big);
    const expected = big.reduce((n, b) => n + [...b.toString(2)].filter((c) => c === "1").length, 0);
    expect(s.run("BITCOUNT", "big")).toBe(expected);
  });

  it("BITPOS finds set and clear bits, with BYTE|BIT ranges and the explicit-end rule", () => {
    const s = new Session();
    s.run("SET", "s", Uint8Array.of(0xff, 0xf0, 0x00));
    expect(s.run("BITPOS", "s", "0")).toBe(12);
    s.run("SET", "s", Uint8Array.of(0x00, 0xff, 0xf0));
    expect(s.run("BITPOS", "s", "1", "0")).toBe(8);
    expect(s.run("BITPOS", "s", "1", "2")).toBe(16);
    s.run("SET", "s", Uint8Array.of(0x00, 0x00, 0x00));
    expect(s.run("BITPOS", "s", "1")).toBe(-1);
    s.run("SET", "s", Uint8Array.of(0xff, 0xff, 0xff));
    expect(s.run("BITPOS", "s", "0")).toBe(24);
    expect(s.run("BITPOS", "s", "0", "0")).toBe(24);
    expect(s.run("BITPOS", "s", "0", "0", "-1")).toBe(-1);
    s.run("SET", "s", Uint8Array.of(0x00, 0x01, 0x80));
    expect(s.run("BITPOS", "s", "1", "7", "15", "BIT")).toBe(15);
    expect(s.run("BITPOS", "s", "1", "7", "14", "BIT")).toBe(-1);
    expect(s.run("BITPOS", "s", "1", "16", "-1", "bit")).toBe(16);
    expect(s.run("BITPOS", "s", "0", "15", "16", "BIT")).toBe(-1);
    expect(s.run("BITPOS", "s", "1", "2", "1")).toBe(-1);
    expect(s.run("BITPOS", "nokey", "1")).toBe(-1);
    expect(s.run("BITPOS", "nokey", "0", "x")).toBe(0);
    expect(s.run("BITPOS", "s", "2")).toBe("-ERR The bit argument must be 1 or 0.");
    expect(s.run("BITPOS", "s", "x")).toBe("-ERR value is not an integer or out of range");
    expect(s.run("BITPOS", "s", "1", "0", "1", "bogus")).toBe("-ERR syntax error");
    expect(s.run("BITPOS", "s", "1", "a")).toBe("-ERR value is not an integer or out of range");
    s.run("HSET", "h", "f", "v");
    expect(s.run("BITPOS", "h", "1")).toBe(WRONGTYPE);
  });

  it("BITOP AND/OR/XOR/NOT pad shorter sources with zeros, delete the destination when all are empty", () => {
    const s = new Session();
    s.run("SET", "a", Uint8Array.of(0xf0, 0x0f, 0xaa));
    s.run("SET", "b", Uint8Array.of(0xff, 0x01));
    expect(s.run("BITOP", "AND", "d", "a", "b")).toBe(3);
    expect(bytes(s, "d")).toEqual([0xf0, 0x01, 0x00]);
    expect(s.run("BITOP", "or", "d", "a", "b", "missing")).toBe(3);
    expect(bytes(s, "d")).toEqual([0xff, 0x0f, 0xaa]);
    expect(s.run("BITOP", "XOR", "d", "a", "b")).toBe(3);
    expect(bytes(s, "d")).toEqual([0x0f, 0x0e, 0xaa]);
    expect(s.run("BITOP", "NOT", "d", "a")).toBe(3);
    expect(bytes(s, "d")).toEqual([0x0f, 0xf0, 0x55]);
    expect(s.run("OBJECT", "ENCODING", "d")).toBe("raw");
    // The destination may be a source; its TTL goes, as with SET.
    s.run("PEXPIRE", "a", "100000");
    expect(s.run("BITOP", "AND", "a", "a", "b")).toBe(3);
    expect(s.run("PTTL", "a")).toBe(-1);
    expect(s.run("BITOP", "AND", "d", "missing", "missing2")).toBe(0);
    expect(s.run("EXISTS", "d")).toBe(0);
    s.run("HSET", "h", "f", "v");
    expect(s.run("BITOP", "AND", "h", "nokey")).toBe(0);
    expect(s.run("EXISTS", "h")).toBe(0);
    s.run("HSET", "h", "f", "v");
    expect(s.run("BITOP", "AND", "d", "a", "h")).toBe(WRONGTYPE);
    expect(s.run("BITOP", "OR", "h", "a")).toBe(3);
    expect(s.run("BITOP", "NOT", "d", "a", "b")).toBe("-ERR BITOP NOT must be called with a single source key.");
    expect(s.run("BITOP", "NAND", "d", "a")).toBe("-ERR syntax error");
    expect(s.run("BITOP", "AND", "d")).toBe("-ERR wrong number of arguments for 'bitop' command");
  });

  it("BITFIELD GET/SET/INCRBY with signed and unsigned types, # offsets and overflow modes", () => {
    const s = new Session();
    expect(s.run("BITFIELD", "bf", "SET", "i8", "0", "-100", "GET", "i8", "0", "GET", "u8", "0")).toEqual([0, -100, 156]);
    expect(s.run("BITFIELD", "bf", "INCRBY", "i8", "0", "-100")).toEqual([56]);
    expect(s.run("BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "-200", "INCRBY", "u4", "#2", "100")).toEqual([-128, 15]);
    expect(s.run("BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "u4", "#2", "1", "GET", "u4", "8")).toEqual([null, 15]);
    expect(s.run("BITFIELD", "bf", "OVERFLOW", "WRAP", "INCRBY", "u4", "#2", "1")).toEqual([0]);
    expect(s.run("BITFIELD", "bf", "SET", "u8", "#1", "-1")).toEqual([0]);
    expect(s.run("BITFIELD", "bf", "GET", "u8", "#1")).toEqual([255]);
    // Replies checked against redis-server 7.0.
    expect(s.run("BITFIELD", "bf", "SET", "i64", "0", "-9223372036854775808", "GET", "i64", "0")).toEqual([-9151595917793558528n, -9223372036854775808n]);
    expect(s.run("BITFIELD", "bf", "SET", "u63", "0", "9223372036854775807", "GET", "u63", "0", "GET", "u63", "1")).toEqual([
      4611686018427387904n, 9223372036854775807n, 9223372036854775806n,
    ]);
    expect(s.run("BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "9223372036854775807", "INCRBY", "i64", "0", "1")).toEqual([
      9223372036854775805n, 9223372036854775806n,
    ]);
    expect(s.run("BITFIELD", "nokey", "GET", "u8", "100")).toEqual([0]);
    expect(s.run("EXISTS", "nokey")).toBe(0);
    expect(s.run("BITFIELD", "nokey")).toEqual([]);
    // A FAIL that writes nothing still creates and grows the key, as Redis does.
    expect(s.run("BITFIELD", "new", "OVERFLOW", "FAIL", "INCRBY", "u2", "20", "5")).toEqual([null]);
    expect(bytes(s, "new")).toEqual([0, 0, 0]);
  });

  it("BITFIELD and BITFIELD_RO errors as Redis words them", () => {
    const s = new Session();
    s.run("HSET", "h", "f", "v");
    for (const t of ["u64", "i65", "i0", "I8", "x8", "u", "", "i-1"]) expect(s.run("BITFIELD", "k", "GET", t, "0"), t).toBe(TYPE);
    for (const o of ["-1", "#-1", "#", "abc", "4294967296", "#9223372036854775807", "#536870912"]) {
      expect(s.run("BITFIELD", "k", "GET", "u8", o), o).toBe(OFFSET);
    }
    expect(s.run("BITFIELD", "k", "SET", "u8", "0", "x")).toBe("-ERR value is not an integer or out of range");
    expect(s.run("BITFIELD", "k", "OVERFLOW", "NOPE")).toBe("-ERR Invalid OVERFLOW type specified");
    expect(s.run("BITFIELD", "k", "GET", "u8")).toBe("-ERR syntax error");
    expect(s.run("BITFIELD", "k", "BOGUS")).toBe("-ERR syntax error");
    expect(s.run("BITFIELD", "h", "GET", "u8", "0")).toBe(WRONGTYPE);
    expect(s.run("BITFIELD", "h", "SET", "u8", "0", "1")).toBe(WRONGTYPE);
    expect(s.run("BITFIELD_RO", "h", "GET", "u8", "0")).toBe(WRONGTYPE);
    expect(s.run("BITFIELD_RO", "h", "SET", "u8", "0", "1")).toBe("-ERR BITFIELD_RO only supports the GET subcommand");
    expect(s.run("BITFIELD_RO", "k", "GET", "u8", "0", "INCRBY", "u8", "0", "x")).toBe("-ERR value is not an integer or out of range");
    s.run("SET", "k", "A");
    expect(s.run("BITFIELD_RO", "k", "GET", "u8", "0", "GET", "i4", "#1")).toEqual([65, 1]);
    expect(s.run("EXISTS", "k")).toBe(1);
  });

  it("maxmemory refuses a growing bit write with OOM and leaves the value untouched", () => {
    const s = new Session();
    s.run("SET", "b", "abc");
    s.core.setMaxMemory(s.core.usedMemory() + 512);
    expect(s.run("SETBIT", "b", "80000", "1")).toBe(OOM);
    expect(s.run("BITFIELD", "b", "SET", "u8", "80000", "1")).toBe(OOM);
    expect(s.run("SETBIT", "fresh", "80000", "1")).toBe(OOM);
    expect(s.run("BITOP", "NOT", "big", "b")).toBe(3);
    expect(s.run("GET", "b")).toBe("abc");
    expect(s.run("EXISTS", "fresh")).toBe(0);
    expect(s.run("SETBIT", "b", "0", "1")).toBe(0);
  });

  it("effects replay to the same bytes (BITFIELD logged as the values it stored)", () => {
    const s = new Session();
    s.run("SETBIT", "b", "100", "1");
    s.run("SETBIT", "b", "100", "1");
    s.run("SET", "s", "hello");
    s.run("BITFIELD", "s", "OVERFLOW", "SAT", "INCRBY", "u8", "#0", "250", "OVERFLOW", "FAIL", "INCRBY", "i5", "50", "100", "SET", "i3", "3", "9");
    s.run("BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u2", "60", "9");
    s.run("BITFIELD", "s", "GET", "u8", "0");
    s.run("BITOP", "XOR", "x", "b", "s");
    s.run("BITOP", "AND", "gone", "nokey");
    const effects = s.effectCommands();
    expect(effects.filter((c) => c[0] === "SETBIT")).toHaveLength(1);
    expect(effects).toContainEqual(["BITFIELD", "s", "SET", "u8", "0", "255", "INCRBY", "i5", "50", "0", "INCRBY", "i3", "3", "0"]);
    expect(effects).toContainEqual(["BITFIELD", "f", "INCRBY", "u2", "60", "0"]);
    const replica = new Session();
    for (const batch of s.effects) replica.core.execute(batch, 0, true);
    for (const k of ["b", "s", "f", "x"]) expect(bytes(replica, k), k).toEqual(bytes(s, k));
    expect(replica.run("EXISTS", "gone")).toBe(0);
  });
});
