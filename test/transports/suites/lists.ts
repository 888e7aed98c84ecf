// List commands over any transport: every command, option and error path, WRONGTYPE both ways, multi-key
// moves on one shard and across shards, read-only access.
import { describe, expect, it } from "vitest";
import type { Client } from "../transport";

const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

export function listsSuite(t: Client, reader: Client): void {
  describe(`list commands over ${t.name}`, () => {
    it("LPUSH, RPUSH, LPUSHX, RPUSHX, LLEN, LRANGE, LINDEX", async () => {
      expect(await t.result(["LPUSHX", "l", "a"])).toBe(0);
      expect(await t.result(["RPUSH", "l", "c", "d"])).toBe(2);
      expect(await t.result(["LPUSH", "l", "b", "a"])).toBe(4);
      expect(await t.result(["LPUSHX", "l", "0"])).toBe(5);
      expect(await t.result(["RPUSHX", "l", "e"])).toBe(6);
      expect(await t.result(["LLEN", "l"])).toBe(6);
      expect(await t.result(["LRANGE", "l", 0, -1])).toEqual(["0", "a", "b", "c", "d", "e"]);
      expect(await t.result(["LRANGE", "l", -2, 100])).toEqual(["d", "e"]);
      expect(await t.result(["LRANGE", "missing", 0, -1])).toEqual([]);
      expect(await t.result(["LINDEX", "l", -1])).toBe("e");
      expect(await t.result(["LINDEX", "l", 99])).toBe(null);
      expect(await t.error(["LINDEX", "l", "x"])).toBe("ERR value is not an integer or out of range");
      expect(await t.result(["TYPE", "l"])).toBe("list");
      expect(await t.result(["OBJECT", "ENCODING", "l"])).toBe("quicklist");
    });

    it("LPOP and RPOP with counts; the empty list is deleted", async () => {
      await t.result(["RPUSH", "l", "a", "b", "c", "d"]);
      expect(await t.result(["LPOP", "l"])).toBe("a");
      expect(await t.result(["RPOP", "l", 2])).toEqual(["d", "c"]);
      expect(await t.result(["LPOP", "l", 0])).toEqual([]);
      expect(await t.result(["LPOP", "l", 5])).toEqual(["b"]);
      expect(await t.result(["EXISTS", "l"])).toBe(0);
      expect(await t.result(["LPOP", "l"])).toBe(null);
      expect(await t.result(["RPOP", "l", 3])).toBe(null);
      expect(await t.error(["LPOP", "l", -1])).toBe("ERR value is out of range, must be positive");
      expect(await t.error(["RPOP", "l", 1, 2])).toBe("ERR wrong number of arguments for 'rpop' command");
    });

    it("LSET, LINSERT, LREM, LTRIM, LPOS", async () => {
      await t.result(["RPUSH", "l", "a", "b", "a", "c", "a"]);
      expect(await t.result(["LSET", "l", 1, "B"])).toBe("OK");
      expect(await t.error(["LSET", "l", 10, "x"])).toBe("ERR index out of range");
      expect(await t.error(["LSET", "missing", 0, "x"])).toBe("ERR no such key");
      expect(await t.result(["LINSERT", "l", "BEFORE", "c", "X"])).toBe(6);
      expect(await t.result(["LINSERT", "l", "AFTER", "nope", "X"])).toBe(-1);
      expect(await t.error(["LINSERT", "l", "MIDDLE", "c", "X"])).toBe("ERR syntax error");
      expect(await t.result(["LPOS", "l", "a"])).toBe(0);
      expect(await t.result(["LPOS", "l", "a", "RANK", -1])).toBe(5);
      expect(await t.result(["LPOS", "l", "a", "COUNT", 0])).toEqual([0, 2, 5]);
      expect(await t.result(["LPOS", "l", "a", "COUNT", 0, "MAXLEN", 3])).toEqual([0, 2]);
      expect(await t.result(["LPOS", "l", "zz"])).toBe(null);
      expect(await t.error(["LPOS", "l", "a", "RANK", 0])).toMatch(/^ERR RANK can't be zero/);
      expect(await t.error(["LPOS", "l", "a", "COUNT", -1])).toBe("ERR COUNT can't be negative");
      expect(await t.error(["LPOS", "l", "a", "MAXLEN", -1])).toBe("ERR MAXLEN can't be negative");
      expect(await t.error(["LPOS", "l", "a", "BOGUS"])).toBe("ERR syntax error");
      expect(await t.result(["LREM", "l", -1, "a"])).toBe(1);
      expect(await t.result(["LREM", "l", 0, "a"])).toBe(2);
      expect(await t.result(["LRANGE", "l", 0, -1])).toEqual(["B", "X", "c"]);
      expect(await t.result(["LTRIM", "l", 1, -1])).toBe("OK");
      expect(await t.result(["LRANGE", "l", 0, -1])).toEqual(["X", "c"]);
      expect(await t.result(["LTRIM", "l", 5, 1])).toBe("OK");
      expect(await t.result(["EXISTS", "l"])).toBe(0);
    });

    it("LMOVE, RPOPLPUSH and LMPOP on one shard and across shards", async () => {
      await t.result(["RPUSH", "{q}src", "a", "b", "c"]);
      expect(await t.result(["LMOVE", "{q}src", "{q}dst", "LEFT", "RIGHT"])).toBe("a");
      expect(await t.result(["RPOPLPUSH", "{q}src", "{q}dst"])).toBe("c");
      expect(await t.result(["LMOVE", "{q}dst", "{q}dst", "LEFT", "RIGHT"])).toBe("c");
      expect(await t.result(["LRANGE", "{q}dst", 0, -1])).toEqual(["a", "c"]);
      expect(await t.result(["LMOVE", "{q}none", "{q}dst", "LEFT", "LEFT"])).toBe(null);
      expect(await t.error(["LMOVE", "{q}src", "{q}dst", "UP", "LEFT"])).toBe("ERR syntax error");
      expect(await t.result(["LMPOP", 2, "{q}none", "{q}dst", "RIGHT", "COUNT", 5])).toEqual(["{q}dst", ["c", "a"]]);
      expect(await t.result(["LMPOP", 1, "{q}none", "LEFT"])).toBe(null);
      expect(await t.error(["LMPOP", 0, "{q}a", "LEFT"])).toBe("ERR numkeys should be greater than 0");
      expect(await t.error(["LMPOP", 1, "{q}a", "LEFT", "COUNT", 0])).toBe("ERR count should be greater than 0");
      expect(await t.error(["LMPOP", 1, "{q}a", "MIDDLE"])).toBe("ERR syntax error");
      const [a, b] = await t.keysOnShards();
      await t.result(["RPUSH", a!, "x"]);
      await t.result(["RPUSH", a!, "y", "z"]);
      expect(await t.result(["LMOVE", a!, b!, "LEFT", "LEFT"])).toBe("x");
      expect(await t.result(["RPOPLPUSH", a!, b!])).toBe("z");
      expect(await t.result(["LRANGE", b!, 0, -1])).toEqual(["z", "x"]);
      expect(await t.result(["LMPOP", 2, "{q}none", b!, "RIGHT", "COUNT", 1])).toEqual([b!, ["x"]]);
      expect(await t.result(["LMPOP", 2, a!, b!, "LEFT", "COUNT", 5])).toEqual([a!, ["y"]]);
      expect(await t.result(["EXISTS", a!])).toBe(0);
      expect(await t.result(["LRANGE", b!, 0, -1])).toEqual(["z"]);
    });

    it("a list past one node (thousands of elements) through the public interface", async () => {
      const items = Array.from({ length: 3000 }, (_, i) => `item-${i}`);
      expect(await t.result(["RPUSH", "big", ...items])).toBe(3000);
      expect(await t.result(["LINDEX", "big", 2999])).toBe("item-2999");
      expect(await t.result(["LRANGE", "big", 1500, 1502])).toEqual(["item-1500", "item-1501", "item-1502"]);
      expect(await t.result(["LPOP", "big", 1000])).toEqual(items.slice(0, 1000));
      expect(await t.result(["LLEN", "big"])).toBe(2000);
    });

    it("WRONGTYPE both ways and arity errors as Redis words them", async () => {
      await t.result(["SET", "s", "x"]);
      await t.result(["RPUSH", "l", "a"]);
      expect(await t.error(["LPUSH", "s", "a"])).toBe(WRONGTYPE);
      expect(await t.error(["LRANGE", "s", 0, -1])).toBe(WRONGTYPE);
      expect(await t.error(["LPOP", "s", 0])).toBe(WRONGTYPE);
      expect(await t.error(["GET", "l"])).toBe(WRONGTYPE);
      expect(await t.error(["HGET", "l", "a"])).toBe(WRONGTYPE);
      expect(await t.error(["LPUSH", "l"])).toBe("ERR wrong number of arguments for 'lpush' command");
      expect(await t.error(["LMPOP", 1, "l"])).toBe("ERR wrong number of arguments for 'lmpop' command");
    });

    it("reads go through a read-only token, writes are refused", async () => {
      await t.result(["RPUSH", "l", "a", "b"]);
      expect(await reader.result(["LRANGE", "l", 0, -1])).toEqual(["a", "b"]);
      expect(await reader.result(["LLEN", "l"])).toBe(2);
      expect(await reader.result(["LPOS", "l", "b"])).toBe(1);
      expect(await reader.error(["LPUSH", "l", "c"])).toMatch(/^NOPERM/);
      expect(await reader.error(["LPOP", "l"])).toMatch(/^NOPERM/);
    });
  });
}
