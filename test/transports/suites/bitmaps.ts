// Bitmap and HyperLogLog commands over any transport: every command and option, their errors, WRONGTYPE,
// multi-key commands across shards, and read-only access.
import { describe, expect, it } from "vitest";
import type { Client } from "../transport";

const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
const NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value.";

export function bitmapsSuite(t: Client, reader: Client): void {
  describe(`bitmap commands over ${t.name}`, () => {
    it("SETBIT, GETBIT, BITCOUNT (BYTE|BIT), BITPOS (BYTE|BIT)", async () => {
      expect(await t.result(["SETBIT", "b", 7, 1])).toBe(0);
      expect(await t.result(["SETBIT", "b", 7, 1])).toBe(1);
      expect(await t.result(["SETBIT", "b", 17, 1])).toBe(0);
      expect(await t.result(["GETBIT", "b", 17])).toBe(1);
      expect(await t.result(["GETBIT", "b", 1000])).toBe(0);
      expect(await t.result(["STRLEN", "b"])).toBe(3);
      expect(await t.result(["OBJECT", "ENCODING", "b"])).toBe("raw");
      await t.result(["SET", "s", "foobar"]);
      expect(await t.result(["BITCOUNT", "s"])).toBe(26);
      expect(await t.result(["BITCOUNT", "s", 1, 1])).toBe(6);
      expect(await t.result(["BITCOUNT", "s", 5, 30, "BIT"])).toBe(17);
      expect(await t.result(["BITCOUNT", "s", -2, -1, "BYTE"])).toBe(7);
      expect(await t.result(["BITPOS", "b", 1])).toBe(7);
      expect(await t.result(["BITPOS", "b", 0])).toBe(0);
      expect(await t.result(["BITPOS", "b", 1, 1])).toBe(17);
      expect(await t.result(["BITPOS", "b", 1, 8, 16, "BIT"])).toBe(-1);
      expect(await t.result(["BITPOS", "b", 1, 8, -1, "BIT"])).toBe(17);
      expect(await t.result(["BITPOS", "missing", 1])).toBe(-1);
    });

    it("bit errors as Redis words them", async () => {
      expect(await t.error(["SETBIT", "b", -1, 1])).toBe("ERR bit offset is not an integer or out of range");
      expect(await t.error(["SETBIT", "b", 4294967296, 1])).toBe("ERR bit offset is not an integer or out of range");
      expect(await t.error(["SETBIT", "b", 1, 2])).toBe("ERR bit is not an integer or out of range");
      expect(await t.result(["BITCOUNT", "s", 0])).toBe(0); // a missing key counts 0 before the arguments are read
      await t.result(["SET", "s", "x"]);
      expect(await t.error(["BITCOUNT", "s", 0])).toBe("ERR syntax error");
      expect(await t.error(["BITCOUNT", "s", 0, 1, "BITS"])).toBe("ERR syntax error");
      expect(await t.error(["BITPOS", "s", 2])).toBe("ERR The bit argument must be 1 or 0.");
      await t.result(["HSET", "h", "f", "v"]);
      expect(await t.error(["SETBIT", "h", 1, 1])).toBe(WRONGTYPE);
      expect(await t.error(["GETBIT", "h", 1])).toBe(WRONGTYPE);
      expect(await t.error(["BITCOUNT", "h"])).toBe(WRONGTYPE);
      expect(await t.error(["BITPOS", "h", 1])).toBe(WRONGTYPE);
      expect(await t.error(["BITFIELD", "h", "GET", "u8", 0])).toBe(WRONGTYPE);
      expect(await t.error(["SETBIT", "b", 1])).toBe("ERR wrong number of arguments for 'setbit' command");
    });

    it("BITOP AND, OR, XOR, NOT on one shard and across shards", async () => {
      await t.result(["SET", "{k}a", "ab"]);
      await t.result(["SET", "{k}b", "a"]);
      expect(await t.result(["BITOP", "AND", "{k}d", "{k}a", "{k}b"])).toBe(2);
      expect(await t.result(["GET", "{k}d"])).toBe("a\u0000");
      expect(await t.result(["BITOP", "OR", "{k}d", "{k}a", "{k}b"])).toBe(2);
      expect(await t.result(["GET", "{k}d"])).toBe("ab");
      expect(await t.result(["BITOP", "XOR", "{k}d", "{k}a", "{k}b"])).toBe(2);
      expect(await t.result(["BITCOUNT", "{k}d"])).toBe(3);
      expect(await t.result(["BITOP", "NOT", "{k}d", "{k}b"])).toBe(1);
      expect(await t.result(["BITCOUNT", "{k}d"])).toBe(5);
      expect(await t.result(["BITOP", "AND", "{k}d", "{k}none"])).toBe(0);
      expect(await t.result(["EXISTS", "{k}d"])).toBe(0);
      expect(await t.error(["BITOP", "NOT", "{k}d", "{k}a", "{k}b"])).toBe("ERR BITOP NOT must be called with a single source key.");
      expect(await t.error(["BITOP", "NAND", "{k}d", "{k}a"])).toBe("ERR syntax error");
      const [a, b, c] = (await t.keysOnShards("bitop")).filter(Boolean);
      await t.result(["SET", b!, "a"]);
      await t.result(["SET", c!, "b"]);
      expect(await t.result(["BITOP", "OR", a!, b!, c!])).toBe(1);
      expect(await t.result(["GET", a!])).toBe("c");
    });

    it("BITFIELD GET/SET/INCRBY, OVERFLOW WRAP|SAT|FAIL, # offsets; BITFIELD_RO", async () => {
      expect(await t.result(["BITFIELD", "bf", "SET", "i8", 0, -100, "GET", "u8", 0])).toEqual([0, 156]);
      expect(await t.result(["BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "i8", 0, -200, "INCRBY", "u4", "#2", 100])).toEqual([-128, 15]);
      expect(await t.result(["BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "u4", "#2", 1])).toEqual([null]);
      expect(await t.result(["BITFIELD", "bf", "OVERFLOW", "WRAP", "INCRBY", "u4", "#2", 1])).toEqual([0]);
      expect(await t.result(["BITFIELD_RO", "bf", "GET", "i8", 0, "GET", "u4", "#2"])).toEqual([-128, 0]);
      expect(await t.error(["BITFIELD", "bf", "GET", "u64", 0])).toBe(
        "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.",
      );
      expect(await t.error(["BITFIELD", "bf", "GET", "u8", "#-1"])).toBe("ERR bit offset is not an integer or out of range");
      expect(await t.error(["BITFIELD", "bf", "OVERFLOW", "MAYBE"])).toBe("ERR Invalid OVERFLOW type specified");
      expect(await t.error(["BITFIELD", "bf", "SET", "u8", 0])).toBe("ERR syntax error");
      expect(await t.error(["BITFIELD_RO", "bf", "SET", "u8", 0, 1])).toBe("ERR BITFIELD_RO only supports the GET subcommand");
    });

    it("reads go through a read-only token, writes are refused", async () => {
      await t.result(["SETBIT", "b", 3, 1]);
      expect(await reader.result(["GETBIT", "b", 3])).toBe(1);
      expect(await reader.result(["BITCOUNT", "b"])).toBe(1);
      expect(await reader.result(["BITPOS", "b", 1])).toBe(3);
      expect(await reader.result(["BITFIELD_RO", "b", "GET", "u4", 0])).toEqual([1]);
      expect(await reader.error(["SETBIT", "b", 3, 0])).toMatch(/^NOPERM/);
      expect(await reader.error(["BITFIELD", "b", "GET", "u4", 0])).toMatch(/^NOPERM/);
      await t.result(["PFADD", "hll", "a", "b"]);
      expect(await reader.result(["PFCOUNT", "hll"])).toBe(2);
      expect(await reader.error(["PFADD", "hll", "c"])).toMatch(/^NOPERM/);
    });
  });

  describe(`hyperloglog commands over ${t.name}`, () => {
    it("PFADD, PFCOUNT, PFMERGE and multi-key PFCOUNT on one shard", async () => {
      expect(await t.result(["PFADD", "{h}a", "x", "y", "z"])).toBe(1);
      expect(await t.result(["PFADD", "{h}a", "x"])).toBe(0);
      expect(await t.result(["PFADD", "{h}b", "z", "w"])).toBe(1);
      expect(await t.result(["PFADD", "{h}e"])).toBe(1);
      expect(await t.result(["PFCOUNT", "{h}a"])).toBe(3);
      expect(await t.result(["PFCOUNT", "{h}a", "{h}b", "{h}none"])).toBe(4);
      expect(await t.result(["PFMERGE", "{h}m", "{h}a", "{h}b"])).toBe("OK");
      expect(await t.result(["PFCOUNT", "{h}m"])).toBe(4);
      expect(await t.result(["PFCOUNT", "{h}e"])).toBe(0);
      expect(await t.result(["PFCOUNT", "nothing"])).toBe(0);
      expect(await t.result(["TYPE", "{h}m"])).toBe("string");
      const many = Array.from({ length: 1000 }, (_, i) => `e${i}`);
      await t.result(["PFADD", "big", ...many]);
      const count: number = await t.result(["PFCOUNT", "big"]);
      expect(Math.abs(count - 1000)).toBeLessThan(1000 * 0.0081 * 3);
    });

    it("errors: plain strings, other types; PFMERGE and PFCOUNT across shards", async () => {
      await t.result(["SET", "s", "hello"]);
      await t.result(["HSET", "h", "f", "v"]);
      expect(await t.error(["PFADD", "s", "a"])).toBe(NOT_HLL);
      expect(await t.error(["PFCOUNT", "s"])).toBe(NOT_HLL);
      expect(await t.error(["PFADD", "h", "a"])).toBe(WRONGTYPE);
      expect(await t.error(["PFADD"])).toBe("ERR wrong number of arguments for 'pfadd' command");
      const [a, b] = (await t.keysOnShards("pf")).filter(Boolean);
      await t.result(["PFADD", a!, "x", "y"]);
      await t.result(["PFADD", b!, "y", "z"]);
      expect(await t.result(["PFCOUNT", a!, b!])).toBe(3);
      expect(await t.result(["PFMERGE", a!, b!])).toBe("OK");
      expect(await t.result(["PFCOUNT", a!])).toBe(3);
    });
  });
}
