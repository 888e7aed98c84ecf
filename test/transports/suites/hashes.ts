// Hash commands over any transport: every command and its errors, WRONGTYPE both ways, read-only access.
import { describe, expect, it } from "vitest";
import type { Client } from "../transport";

const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

export function hashesSuite(t: Client, reader: Client): void {
  describe(`hash commands over ${t.name}`, () => {
    it("HSET, HSETNX, HMSET, HGET, HMGET, HLEN, HEXISTS, HSTRLEN, HKEYS, HVALS, HGETALL", async () => {
      expect(await t.result(["HSET", "h", "a", "1", "b", "2"])).toBe(2);
      expect(await t.result(["HSETNX", "h", "a", "x"])).toBe(0);
      expect(await t.result(["HSETNX", "h", "c", "3"])).toBe(1);
      expect(await t.result(["HMSET", "h", "b", "22"])).toBe("OK");
      expect(await t.result(["HGET", "h", "b"])).toBe("22");
      expect(await t.result(["HGET", "h", "nope"])).toBe(null);
      expect(await t.result(["HMGET", "h", "a", "nope", "c"])).toEqual(["1", null, "3"]);
      expect(await t.result(["HLEN", "h"])).toBe(3);
      expect(await t.result(["HEXISTS", "h", "c"])).toBe(1);
      expect(await t.result(["HSTRLEN", "h", "b"])).toBe(2);
      expect(await t.result(["HKEYS", "h"])).toEqual(["a", "b", "c"]);
      expect(await t.result(["HVALS", "h"])).toEqual(["1", "22", "3"]);
      expect(await t.result(["HGETALL", "h"])).toEqual(["a", "1", "b", "22", "c", "3"]);
      expect(await t.result(["TYPE", "h"])).toBe("hash");
      expect(await t.result(["HGETALL", "missing"])).toEqual([]);
    });

    it("HDEL deletes the key with its last field", async () => {
      await t.result(["HSET", "h", "a", "1", "b", "2"]);
      expect(await t.result(["HDEL", "h", "a", "zz"])).toBe(1);
      expect(await t.result(["HDEL", "h", "b"])).toBe(1);
      expect(await t.result(["EXISTS", "h"])).toBe(0);
    });

    it("HINCRBY and HINCRBYFLOAT with their errors", async () => {
      expect(await t.result(["HINCRBY", "h", "n", 5])).toBe(5);
      expect(await t.result(["HINCRBYFLOAT", "h", "f", "10.5"])).toBe("10.5");
      expect(await t.result(["HINCRBYFLOAT", "h", "f", "0.1"])).toBe("10.6");
      await t.result(["HSET", "h", "s", "abc"]);
      expect(await t.error(["HINCRBY", "h", "s", 1])).toBe("ERR hash value is not an integer");
      expect(await t.error(["HINCRBYFLOAT", "h", "s", 1])).toBe("ERR hash value is not a float");
      expect(await t.error(["HINCRBY", "h", "n", "x"])).toBe("ERR value is not an integer or out of range");
      expect(await t.error(["HINCRBYFLOAT", "h", "f", "inf"])).toBe("ERR value is NaN or Infinity");
    });

    it("HRANDFIELD and HSCAN", async () => {
      await t.result(["HSET", "h", "a1", "1", "b1", "2", "a2", "3"]);
      expect(["a1", "b1", "a2"]).toContain(await t.result(["HRANDFIELD", "h"]));
      expect(await t.result(["HRANDFIELD", "h", 10])).toEqual(["a1", "b1", "a2"]);
      expect(await t.result(["HRANDFIELD", "h", -5, "WITHVALUES"])).toHaveLength(10);
      expect(await t.error(["HRANDFIELD", "h", 1, "x"])).toBe("ERR syntax error");
      expect(await t.result(["HSCAN", "h", 0, "MATCH", "a*"])).toEqual(["0", ["a1", "1", "a2", "3"]]);
      expect(await t.error(["HSCAN", "h", "x"])).toBe("ERR invalid cursor");
      await t.result(["SET", "s", "x"]);
      const seen: string[] = [];
      let cursor = "0";
      do {
        const [next, keys] = await t.result(["SCAN", cursor, "TYPE", "hash"]);
        seen.push(...keys);
        cursor = next;
      } while (cursor !== "0");
      expect(seen).toEqual(["h"]);
    });

    it("WRONGTYPE both ways and errors as Redis words them", async () => {
      await t.result(["SET", "s", "x"]);
      await t.result(["HSET", "h", "f", "v"]);
      expect(await t.error(["HGET", "s", "f"])).toBe(WRONGTYPE);
      expect(await t.error(["HSET", "s", "f", "v"])).toBe(WRONGTYPE);
      expect(await t.error(["GET", "h"])).toBe(WRONGTYPE);
      expect(await t.error(["INCR", "h"])).toBe(WRONGTYPE);
      expect(await t.error(["HSET", "h", "a"])).toBe("ERR wrong number of arguments for 'hset' command");
    });

    it("reads go through a read-only token, writes are refused", async () => {
      await t.result(["HSET", "h", "f", "v"]);
      expect(await reader.result(["HGET", "h", "f"])).toBe("v");
      expect(await reader.result(["HGETALL", "h"])).toEqual(["f", "v"]);
      expect(await reader.error(["HSET", "h", "f", "w"])).toMatch(/^NOPERM/);
    });
  });
}
