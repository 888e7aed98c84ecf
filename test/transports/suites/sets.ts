// Set commands over any transport: every command and option, errors as Redis words them, WRONGTYPE both ways,
// multi-key commands on one shard and across shards, read-only access.
import { describe, expect, it } from "vitest";
import type { Client } from "../transport";

const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
const sorted = (items: string[]) => [...items].sort();

export function setsSuite(t: Client, reader: Client): void {
  describe(`set commands over ${t.name}`, () => {
    it("SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS; the key goes with its last member", async () => {
      expect(await t.result(["SADD", "s", "a", "b", "a", "c"])).toBe(3);
      expect(await t.result(["SCARD", "s"])).toBe(3);
      expect(await t.result(["SISMEMBER", "s", "b"])).toBe(1);
      expect(await t.result(["SMISMEMBER", "s", "a", "z"])).toEqual([1, 0]);
      expect(sorted(await t.result(["SMEMBERS", "s"]))).toEqual(["a", "b", "c"]);
      expect(await t.result(["TYPE", "s"])).toBe("set");
      expect(await t.result(["OBJECT", "ENCODING", "s"])).toBe("hashtable");
      expect(await t.result(["SREM", "s", "a", "b", "c", "d"])).toBe(3);
      expect(await t.result(["EXISTS", "s"])).toBe(0);
      expect(await t.error(["SADD", "s"])).toBe("ERR wrong number of arguments for 'sadd' command");
    });

    it("intsets answer in ascending order and convert past 512 members", async () => {
      expect(await t.result(["SADD", "i", 10, -3, 7])).toBe(3);
      expect(await t.result(["SMEMBERS", "i"])).toEqual(["-3", "7", "10"]);
      expect(await t.result(["OBJECT", "ENCODING", "i"])).toBe("intset");
      await t.result(["SADD", "i", ...Array.from({ length: 600 }, (_, k) => k)]);
      expect(await t.result(["OBJECT", "ENCODING", "i"])).toBe("hashtable");
      expect(await t.result(["SCARD", "i"])).toBe(601);
    });

    it("SPOP and SRANDMEMBER with counts and their errors", async () => {
      await t.result(["SADD", "s", "a", "b", "c", "d"]);
      expect(["a", "b", "c", "d"]).toContain(await t.result(["SPOP", "s"]));
      expect(await t.result(["SPOP", "s", 2])).toHaveLength(2);
      expect(await t.result(["SCARD", "s"])).toBe(1);
      expect(await t.error(["SPOP", "s", -1])).toBe("ERR value is out of range, must be positive");
      expect(await t.error(["SPOP", "s", 1, 2])).toBe("ERR syntax error");
      expect(await t.result(["SPOP", "missing"])).toBe(null);
      await t.result(["SADD", "r", "x", "y", "z"]);
      expect(["x", "y", "z"]).toContain(await t.result(["SRANDMEMBER", "r"]));
      expect(sorted(await t.result(["SRANDMEMBER", "r", 10]))).toEqual(["x", "y", "z"]);
      expect(await t.result(["SRANDMEMBER", "r", -7])).toHaveLength(7);
      expect(await t.result(["SRANDMEMBER", "missing", 3])).toEqual([]);
      expect(await t.error(["SRANDMEMBER", "r", "x"])).toBe("ERR value is not an integer or out of range");
      expect(await t.result(["SCARD", "r"])).toBe(3);
    });

    it("SMOVE, SINTER, SUNION, SDIFF, their STORE forms and SINTERCARD on one shard", async () => {
      await t.result(["SADD", "{g}a", 1, 2, 3, "x"]);
      await t.result(["SADD", "{g}b", 2, 3, 4]);
      expect(await t.result(["SMOVE", "{g}a", "{g}c", "x"])).toBe(1);
      expect(await t.result(["SMOVE", "{g}a", "{g}a", 1])).toBe(1);
      expect(await t.result(["SMEMBERS", "{g}c"])).toEqual(["x"]);
      expect(sorted(await t.result(["SINTER", "{g}a", "{g}b"]))).toEqual(["2", "3"]);
      expect(await t.result(["SUNION", "{g}a", "{g}b"])).toEqual(["1", "2", "3", "4"]);
      expect(await t.result(["SDIFF", "{g}b", "{g}a"])).toEqual(["4"]);
      expect(await t.result(["SINTERCARD", 2, "{g}a", "{g}b", "LIMIT", 1])).toBe(1);
      expect(await t.result(["SINTERSTORE", "{g}d", "{g}a", "{g}b"])).toBe(2);
      expect(await t.result(["SUNIONSTORE", "{g}e", "{g}a", "{g}c"])).toBe(4);
      expect(sorted(await t.result(["SMEMBERS", "{g}e"]))).toEqual(["1", "2", "3", "x"]);
      expect(await t.result(["SDIFFSTORE", "{g}d", "{g}a", "{g}a"])).toBe(0);
      expect(await t.result(["EXISTS", "{g}d"])).toBe(0);
      expect(await t.error(["SINTERCARD", 0, "{g}a"])).toBe("ERR numkeys should be greater than 0");
      expect(await t.error(["SINTERCARD", 1, "{g}a", "LIMIT", -1])).toBe("ERR LIMIT can't be negative");
    });

    it("multi-key set commands across shards", async () => {
      const [a, b, c] = await t.keysOnShards();
      await t.result(["SADD", a!, "m", "n"]);
      await t.result(["SADD", b!, "m", "o"]);
      expect(await t.result(["SINTER", a!, b!])).toEqual(["m"]);
      expect((await t.result(["SUNION", a!, b!]) as string[]).sort()).toEqual(["m", "n", "o"]);
      expect(await t.result(["SDIFF", a!, b!])).toEqual(["n"]);
      expect(await t.result(["SINTERCARD", 2, a!, b!])).toBe(1);
      expect(await t.result(["SMOVE", a!, b!, "n"])).toBe(1);
      expect(await t.result(["SMEMBERS", a!])).toEqual(["m"]);
      expect(await t.result(["SUNIONSTORE", c!, a!, b!])).toBe(3);
      expect(await t.result(["SDIFFSTORE", c!, c!, a!])).toBe(2);
      expect(await t.result(["SINTERSTORE", a!, a!, b!])).toBe(1);
      expect(await t.result(["SINTERSTORE", a!, a!, "{nowhere}"])).toBe(0);
      expect(await t.result(["EXISTS", a!])).toBe(0);
      // A numkeys past the arguments names no keys: the command's own error, not CROSSSLOT.
      expect(await t.error(["SINTERCARD", 3, a!, b!])).toBe("ERR Number of keys can't be greater than number of args");
    });

    it("SSCAN with MATCH and COUNT iterates every member", async () => {
      const members = Array.from({ length: 300 }, (_, k) => `m${k}`);
      await t.result(["SADD", "big", ...members]);
      const seen = new Set<string>();
      let cursor = "0";
      do {
        const [next, page] = await t.result(["SSCAN", "big", cursor, "COUNT", 40]);
        for (const m of page) seen.add(m);
        cursor = next;
      } while (cursor !== "0");
      expect(seen.size).toBe(300);
      await t.result(["SADD", "ints", 3, 1, 2, 11]);
      expect(await t.result(["SSCAN", "ints", 0, "MATCH", "1*"])).toEqual(["0", ["1", "11"]]);
      expect(await t.error(["SSCAN", "ints", "x"])).toBe("ERR invalid cursor");
      expect(await t.error(["SSCAN", "ints", 0, "COUNT", 0])).toBe("ERR syntax error");
    });

    it("WRONGTYPE both ways", async () => {
      await t.result(["SET", "str", "x"]);
      await t.result(["SADD", "set", "a"]);
      expect(await t.error(["SADD", "str", "a"])).toBe(WRONGTYPE);
      expect(await t.error(["SMEMBERS", "str"])).toBe(WRONGTYPE);
      expect(await t.error(["SPOP", "str"])).toBe(WRONGTYPE);
      expect(await t.error(["GET", "set"])).toBe(WRONGTYPE);
      expect(await t.error(["HGET", "set", "a"])).toBe(WRONGTYPE);
    });

    it("reads go through a read-only token, writes are refused", async () => {
      await t.result(["SADD", "s", "a"]);
      expect(await reader.result(["SMEMBERS", "s"])).toEqual(["a"]);
      expect(await reader.result(["SRANDMEMBER", "s"])).toBe("a");
      expect(await reader.error(["SADD", "s", "b"])).toMatch(/^NOPERM/);
      expect(await reader.error(["SPOP", "s"])).toMatch(/^NOPERM/);
    });
  });
}
