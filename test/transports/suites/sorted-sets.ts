// Sorted-set commands over any transport: every command, option and error path, WRONGTYPE both ways,
// multi-key commands on one slot and across shards, read-only access.
import { describe, expect, it } from "vitest";
import type { Client } from "../transport";

const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
const NOT_FLOAT = "ERR value is not a valid float";
const MINMAX = "ERR min or max is not a float";
const LEX = "ERR min or max not valid string range item";

export function sortedSetsSuite(t: Client, reader: Client): void {
  describe(`sorted-set commands over ${t.name}`, () => {
    it("ZADD with NX XX GT LT CH INCR and every option conflict", async () => {
      expect(await t.result(["ZADD", "z", 1, "a", 2, "b", "3", "c"])).toBe(3);
      expect(await t.result(["ZADD", "z", "NX", 10, "a", 4, "d"])).toBe(1);
      expect(await t.result(["ZADD", "z", "XX", "CH", 10, "a", 5, "e"])).toBe(1);
      expect(await t.result(["ZADD", "z", "GT", "CH", 1, "a", 20, "b"])).toBe(1);
      expect(await t.result(["ZADD", "z", "LT", "CH", 30, "c", 0, "d"])).toBe(1);
      expect(await t.result(["ZADD", "z", "INCR", "2.5", "a"])).toBe("12.5");
      expect(await t.result(["ZADD", "z", "NX", "INCR", 1, "a"])).toBe(null);
      expect(await t.result(["ZADD", "z", "XX", "INCR", 1, "nope"])).toBe(null);
      expect(await t.result(["ZINCRBY", "z", "-0.5", "a"])).toBe("12");
      expect(await t.result(["ZSCORE", "z", "a"])).toBe("12");
      expect(await t.result(["ZADD", "z", "0.1", "f"])).toBe(1);
      expect(await t.result(["ZSCORE", "z", "f"])).toBe("0.10000000000000001");
      expect(await t.result(["ZADD", "z", "1e-300", "g", "+inf", "h", "-inf", "i"])).toBe(3);
      expect(await t.result(["ZMSCORE", "z", "g", "h", "i", "nope"])).toEqual(["1e-300", "inf", "-inf", null]);
      expect(await t.error(["ZADD", "z", "NX", "XX", 1, "a"])).toBe("ERR XX and NX options at the same time are not compatible");
      expect(await t.error(["ZADD", "z", "GT", "LT", 1, "a"])).toBe("ERR GT, LT, and/or NX options at the same time are not compatible");
      expect(await t.error(["ZADD", "z", "NX", "GT", 1, "a"])).toBe("ERR GT, LT, and/or NX options at the same time are not compatible");
      expect(await t.error(["ZADD", "z", "INCR", 1, "a", 2, "b"])).toBe("ERR INCR option supports a single increment-element pair");
      expect(await t.error(["ZADD", "z", 1, "a", 2])).toBe("ERR syntax error");
      expect(await t.error(["ZADD", "z", "x", "a"])).toBe(NOT_FLOAT);
      expect(await t.error(["ZADD", "z", "nan", "a"])).toBe(NOT_FLOAT);
      expect(await t.error(["ZINCRBY", "z", "-inf", "h"])).toBe("ERR resulting score is not a number (NaN)");
      expect(await t.error(["ZADD", "z"])).toBe("ERR wrong number of arguments for 'zadd' command");
      expect(await t.result(["TYPE", "z"])).toBe("zset");
    });

    it("ZCARD, ZSCORE, ZRANK, ZREVRANK, ZREM (the key goes with its last member)", async () => {
      await t.result(["ZADD", "z", 1, "a", 1, "b", 2, "c"]);
      expect(await t.result(["ZCARD", "z"])).toBe(3);
      expect(await t.result(["ZCARD", "missing"])).toBe(0);
      expect(await t.result(["ZRANK", "z", "b"])).toBe(1);
      expect(await t.result(["ZREVRANK", "z", "b"])).toBe(1);
      expect(await t.result(["ZREVRANK", "z", "c"])).toBe(0);
      expect(await t.result(["ZRANK", "z", "nope"])).toBe(null);
      expect(await t.error(["ZRANK", "z", "a", "WITHSCORE"])).toBe("ERR wrong number of arguments for 'zrank' command");
      expect(await t.result(["ZSCORE", "missing", "a"])).toBe(null);
      expect(await t.result(["ZREM", "z", "a", "nope"])).toBe(1);
      expect(await t.result(["ZREM", "z", "b", "c"])).toBe(2);
      expect(await t.result(["EXISTS", "z"])).toBe(0);
    });

    it("ZRANGE by rank, score and lex with REV, LIMIT, WITHSCORES, and the older range commands", async () => {
      await t.result(["ZADD", "z", 1, "a", 2, "b", 3, "c", 4, "d"]);
      expect(await t.result(["ZRANGE", "z", 0, -1])).toEqual(["a", "b", "c", "d"]);
      expect(await t.result(["ZRANGE", "z", 1, 2, "REV", "WITHSCORES"])).toEqual(["c", "3", "b", "2"]);
      expect(await t.result(["ZRANGE", "z", "(1", "+inf", "BYSCORE", "LIMIT", 1, 2])).toEqual(["c", "d"]);
      expect(await t.result(["ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", 0, 1, "WITHSCORES"])).toEqual(["d", "4"]);
      expect(await t.result(["ZREVRANGE", "z", 0, 0])).toEqual(["d"]);
      expect(await t.result(["ZRANGEBYSCORE", "z", "-inf", "(3", "WITHSCORES"])).toEqual(["a", "1", "b", "2"]);
      expect(await t.result(["ZREVRANGEBYSCORE", "z", 3, 2])).toEqual(["c", "b"]);
      expect(await t.result(["ZCOUNT", "z", "(1", 3])).toBe(2);
      expect(await t.error(["ZCOUNT", "z", "x", 3])).toBe(MINMAX);
      expect(await t.error(["ZRANGE", "z", 0, 1, "LIMIT", 0, 1])).toBe(
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
      );
      expect(await t.error(["ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"])).toBe(
        "ERR syntax error, WITHSCORES not supported in combination with BYLEX",
      );
      expect(await t.error(["ZRANGE", "z", 0, "x"])).toBe("ERR value is not an integer or out of range");
      expect(await t.error(["ZREVRANGE", "z", 0, 1, "REV"])).toBe("ERR syntax error");
      expect(await t.result(["ZRANGE", "missing", 0, -1])).toEqual([]);
      await t.result(["ZADD", "lex", 0, "a", 0, "b", 0, "c", 0, "d"]);
      expect(await t.result(["ZRANGEBYLEX", "lex", "[b", "(d"])).toEqual(["b", "c"]);
      expect(await t.result(["ZREVRANGEBYLEX", "lex", "+", "-", "LIMIT", 1, 2])).toEqual(["c", "b"]);
      expect(await t.result(["ZRANGE", "lex", "-", "[a", "BYLEX"])).toEqual(["a"]);
      expect(await t.result(["ZLEXCOUNT", "lex", "(a", "+"])).toBe(3);
      expect(await t.error(["ZLEXCOUNT", "lex", "a", "+"])).toBe(LEX);
    });

    it("ZRANGESTORE, ZREMRANGEBYRANK/SCORE/LEX", async () => {
      await t.result(["ZADD", "{z}src", 1, "a", 2, "b", 3, "c", 4, "d", 5, "e"]);
      expect(await t.result(["ZRANGESTORE", "{z}dst", "{z}src", 1, 3, "REV"])).toBe(3);
      expect(await t.result(["ZRANGE", "{z}dst", 0, -1, "WITHSCORES"])).toEqual(["b", "2", "c", "3", "d", "4"]);
      expect(await t.result(["ZRANGESTORE", "{z}dst", "{z}src", 10, 20, "BYSCORE"])).toBe(0);
      expect(await t.result(["EXISTS", "{z}dst"])).toBe(0);
      expect(await t.error(["ZRANGESTORE", "{z}dst", "{z}src", 0, 1, "WITHSCORES"])).toBe("ERR syntax error");
      expect(await t.result(["ZREMRANGEBYRANK", "{z}src", 0, 0])).toBe(1);
      expect(await t.result(["ZREMRANGEBYSCORE", "{z}src", "(2", 3])).toBe(1);
      expect(await t.result(["ZREMRANGEBYLEX", "{z}src", "[d", "+"])).toBe(2);
      expect(await t.result(["ZRANGE", "{z}src", 0, -1])).toEqual(["b"]);
      expect(await t.error(["ZREMRANGEBYSCORE", "{z}src", "(", "x"])).toBe(MINMAX);
    });

    it("ZPOPMIN, ZPOPMAX, ZMPOP and ZRANDMEMBER", async () => {
      await t.result(["ZADD", "z", 1, "a", 2, "b", 3, "c", 4, "d"]);
      expect(await t.result(["ZPOPMIN", "z"])).toEqual(["a", "1"]);
      expect(await t.result(["ZPOPMAX", "z", 2])).toEqual(["d", "4", "c", "3"]);
      expect(await t.error(["ZPOPMIN", "z", -1])).toBe("ERR value is out of range, must be positive");
      expect(await t.result(["ZPOPMIN", "missing"])).toEqual([]);
      await t.result(["ZADD", "{m}2", 5, "x", 6, "y"]);
      expect(await t.result(["ZMPOP", 2, "{m}1", "{m}2", "MAX", "COUNT", 5])).toEqual(["{m}2", [["y", "6"], ["x", "5"]]]);
      expect(await t.result(["ZMPOP", 1, "{m}2", "MIN"])).toBe(null);
      expect(await t.error(["ZMPOP", 0, "{m}2", "MIN"])).toBe("ERR numkeys should be greater than 0");
      expect(await t.error(["ZMPOP", 1, "{m}2", "MIN", "COUNT", 0])).toBe("ERR count should be greater than 0");
      expect(["b"]).toContain(await t.result(["ZRANDMEMBER", "z"]));
      await t.result(["ZADD", "r", 1, "a", 2, "b", 3, "c"]);
      expect(await t.result(["ZRANDMEMBER", "r", 5, "WITHSCORES"])).toEqual(["a", "1", "b", "2", "c", "3"]);
      expect(await t.result(["ZRANDMEMBER", "r", -7])).toHaveLength(7);
      expect(await t.error(["ZRANDMEMBER", "r", 1, "x"])).toBe("ERR syntax error");
      expect(await t.result(["ZRANDMEMBER", "missing", 3])).toEqual([]);
    });

    it("ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD with WEIGHTS and AGGREGATE", async () => {
      await t.result(["ZADD", "{s}1", 1, "a", 2, "b"]);
      await t.result(["ZADD", "{s}2", 10, "b", 20, "c"]);
      expect(await t.result(["ZUNION", 2, "{s}1", "{s}2", "WITHSCORES"])).toEqual(["a", "1", "b", "12", "c", "20"]);
      expect(await t.result(["ZINTER", 2, "{s}1", "{s}2", "WEIGHTS", 2, 1, "AGGREGATE", "MIN", "WITHSCORES"])).toEqual(["b", "4"]);
      expect(await t.result(["ZDIFF", 2, "{s}1", "{s}2", "WITHSCORES"])).toEqual(["a", "1"]);
      expect(await t.result(["ZUNIONSTORE", "{s}d", 2, "{s}1", "{s}2", "AGGREGATE", "MAX"])).toBe(3);
      expect(await t.result(["ZRANGE", "{s}d", 0, -1, "WITHSCORES"])).toEqual(["a", "1", "b", "10", "c", "20"]);
      expect(await t.result(["ZINTERSTORE", "{s}d", 2, "{s}1", "{s}2"])).toBe(1);
      expect(await t.result(["ZDIFFSTORE", "{s}d", 2, "{s}2", "{s}1"])).toBe(1);
      expect(await t.result(["ZRANGE", "{s}d", 0, -1])).toEqual(["c"]);
      expect(await t.result(["ZINTERCARD", 2, "{s}1", "{s}2", "LIMIT", 5])).toBe(1);
      expect(await t.error(["ZUNION", 0, "{s}1"])).toBe("ERR at least 1 input key is needed for 'zunion' command");
      expect(await t.error(["ZUNIONSTORE", "{s}d", 0, "{s}1"])).toBe("ERR at least 1 input key is needed for 'zunionstore' command");
      expect(await t.error(["ZUNION", 1, "{s}1", "WEIGHTS", "x"])).toBe("ERR weight value is not a float");
      expect(await t.error(["ZINTER", 1, "{s}1", "AGGREGATE", "avg"])).toBe("ERR syntax error");
      expect(await t.error(["ZINTERCARD", 1, "{s}1", "LIMIT", -1])).toBe("ERR LIMIT can't be negative");
    });

    it("multi-key sorted-set commands across shards", async () => {
      const [k1, k2, k3] = await t.keysOnShards("zx");
      await t.result(["ZADD", k2!, 1, "a", 2, "b"]);
      await t.result(["ZADD", k3!, 5, "b", 7, "c"]);
      expect(await t.result(["ZUNIONSTORE", k1!, 2, k2!, k3!])).toBe(3);
      expect(await t.result(["ZRANGE", k1!, 0, -1, "WITHSCORES"])).toEqual(["a", "1", "b", "7", "c", "7"]);
      expect(await t.result(["ZINTER", 2, k2!, k3!, "WITHSCORES"])).toEqual(["b", "7"]);
      expect(await t.result(["ZRANGESTORE", k3!, k2!, 0, 0])).toBe(1);
      expect(await t.result(["ZRANGE", k3!, 0, -1])).toEqual(["a"]);
      expect(await t.result(["ZDIFFSTORE", k1!, 2, k1!, k3!])).toBe(2);
    });

    it("ZSCAN, OBJECT ENCODING across the 128-member conversion, SCAN TYPE zset", async () => {
      await t.result(["ZADD", "z", 1, "a1", 2, "b1", 3, "a2"]);
      expect(await t.result(["ZSCAN", "z", 0, "MATCH", "a*"])).toEqual(["0", ["a1", "1", "a2", "3"]]);
      expect(await t.error(["ZSCAN", "z", "x"])).toBe("ERR invalid cursor");
      expect(await t.result(["OBJECT", "ENCODING", "z"])).toBe("listpack");
      const pairs: (string | number)[] = [];
      for (let i = 0; i < 200; i++) pairs.push(i, `m${i}`);
      expect(await t.result(["ZADD", "big", ...pairs])).toBe(200);
      expect(await t.result(["OBJECT", "ENCODING", "big"])).toBe("skiplist");
      expect(await t.result(["ZRANGE", "big", 150, 151, "WITHSCORES"])).toEqual(["m150", "150", "m151", "151"]);
      const seen = new Set<string>();
      let cursor = "0";
      do {
        const [next, items] = await t.result(["ZSCAN", "big", cursor, "COUNT", 50]);
        for (let i = 0; i < items.length; i += 2) seen.add(items[i]);
        cursor = next;
      } while (cursor !== "0");
      expect(seen.size).toBe(200);
      await t.result(["ZADD", "z", 1, "x".repeat(65)]);
      expect(await t.result(["OBJECT", "ENCODING", "z"])).toBe("skiplist");
      const keys: string[] = [];
      cursor = "0";
      do {
        const [next, found] = await t.result(["SCAN", cursor, "TYPE", "zset"]);
        keys.push(...found);
        cursor = next;
      } while (cursor !== "0");
      expect(keys.sort()).toEqual(["big", "z"]);
    });

    it("WRONGTYPE both ways", async () => {
      await t.result(["SET", "s", "x"]);
      await t.result(["ZADD", "z", 1, "a"]);
      expect(await t.error(["ZADD", "s", 1, "a"])).toBe(WRONGTYPE);
      expect(await t.error(["ZRANGE", "s", 0, -1])).toBe(WRONGTYPE);
      expect(await t.error(["ZUNION", 1, "s"])).toBe(WRONGTYPE);
      expect(await t.error(["GET", "z"])).toBe(WRONGTYPE);
      expect(await t.error(["HSET", "z", "f", "v"])).toBe(WRONGTYPE);
    });

    it("reads go through a read-only token, writes are refused", async () => {
      await t.result(["ZADD", "z", 1, "a"]);
      expect(await reader.result(["ZRANGE", "z", 0, -1, "WITHSCORES"])).toEqual(["a", "1"]);
      expect(await reader.result(["ZSCORE", "z", "a"])).toBe("1");
      expect(await reader.error(["ZADD", "z", 2, "a"])).toMatch(/^NOPERM/);
      expect(await reader.error(["ZPOPMIN", "z"])).toMatch(/^NOPERM/);
    });
  });
}
