// String commands over any transport: options, errors, and multi-key commands across shards.
import { describe, expect, it } from "vitest";
import type { Client } from "../transport";

export function stringsSuite(t: Client): void {
  describe(`string commands over ${t.name}`, () => {
    it("SET and GET, with nil as an explicit null", async () => {
      expect(await t.result(["SET", "k", "v"])).toBe("OK");
      expect(await t.result(["GET", "k"])).toBe("v");
      const missing = await t.exec(["GET", "missing"]);
      expect(missing).toEqual({ result: null });
      expect(Object.keys(missing)).toEqual(["result"]);
    });

    it("SET with EX NX XX GET KEEPTTL options", async () => {
      expect(await t.result(["SET", "k", "v1", "EX", 100])).toBe("OK");
      expect(await t.result(["TTL", "k"])).toBe(100);
      expect(await t.result(["SET", "k", "v2", "NX"])).toBe(null);
      expect(await t.result(["SET", "k", "v2", "XX", "GET", "KEEPTTL"])).toBe("v1");
      expect(await t.result(["TTL", "k"])).toBe(100);
      const at = Math.floor(Date.now() / 1000) + 500;
      expect(await t.result(["SET", "exat", "v", "EXAT", at])).toBe("OK");
      expect(await t.result(["EXPIRETIME", "exat"])).toBe(at);
      expect(await t.error(["SET", "k", "v", "EX", "0"])).toBe("ERR invalid expire time in 'set' command");
      expect(await t.error(["SET", "k", "v", "NX", "XX"])).toBe("ERR syntax error");
    });

    it("SETNX, SETEX, GETSET, GETDEL, GETEX", async () => {
      expect(await t.result(["SETNX", "a", "1"])).toBe(1);
      expect(await t.result(["SETNX", "a", "2"])).toBe(0);
      expect(await t.result(["SETEX", "b", 10, "x"])).toBe("OK");
      expect(await t.result(["TTL", "b"])).toBe(10);
      expect(await t.result(["GETSET", "a", "3"])).toBe("1");
      expect(await t.result(["GETDEL", "a"])).toBe("3");
      expect(await t.result(["GETDEL", "a"])).toBe(null);
      expect(await t.result(["GETEX", "b", "PERSIST"])).toBe("x");
      expect(await t.result(["TTL", "b"])).toBe(-1);
      expect(await t.error(["SETEX", "b", -1, "x"])).toBe("ERR invalid expire time in 'setex' command");
    });

    it("APPEND, STRLEN, GETRANGE, SETRANGE, with NUL bytes in text", async () => {
      expect(await t.result(["APPEND", "s", "Hello"])).toBe(5);
      expect(await t.result(["APPEND", "s", " World"])).toBe(11);
      expect(await t.result(["STRLEN", "s"])).toBe(11);
      expect(await t.result(["GETRANGE", "s", -5, -1])).toBe("World");
      expect(await t.result(["SETRANGE", "s", 6, "Redis"])).toBe(11);
      expect(await t.result(["GET", "s"])).toBe("Hello Redis");
      expect(await t.result(["SETRANGE", "pad", 3, "x"])).toBe(4);
      expect(await t.result(["GET", "pad"])).toBe("\0\0\0x");
      expect(await t.error(["GETRANGE", "s", "a", "b"])).toBe("ERR value is not an integer or out of range");
    });

    it("INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT and their errors", async () => {
      expect(await t.result(["INCR", "n"])).toBe(1);
      expect(await t.result(["INCRBY", "n", 10])).toBe(11);
      expect(await t.result(["DECR", "n"])).toBe(10);
      expect(await t.result(["DECRBY", "n", 20])).toBe(-10);
      expect(await t.result(["INCRBYFLOAT", "f", "10.5"])).toBe("10.5");
      expect(await t.result(["INCRBYFLOAT", "f", 0.1])).toBe("10.6");
      await t.result(["SET", "x", "abc"]);
      expect(await t.error(["INCR", "x"])).toBe("ERR value is not an integer or out of range");
      expect(await t.error(["INCRBYFLOAT", "x", 1])).toBe("ERR value is not a valid float");
      await t.result(["SET", "max", "9223372036854775807"]);
      expect(await t.error(["INCR", "max"])).toBe("ERR increment or decrement would overflow");
    });

    it("MGET, MSET and MSETNX across shards", async () => {
      const [a, b, c, d] = await t.keysOnShards();
      expect(await t.result(["MSET", a!, "1", b!, "2", c!, "3"])).toBe("OK");
      expect(await t.result(["MGET", d!, c!, b!, a!, a!])).toEqual([null, "3", "2", "1", "1"]);
      expect(await t.result(["MSETNX", "{t}1", "x", "{t}2", "y"])).toBe(1);
      expect(await t.result(["MSETNX", "{t}1", "x", "{t}3", "y"])).toBe(0);
      // Across shards, atomically: all or nothing.
      expect(await t.result(["MSETNX", a!, "x", d!, "y"])).toBe(0);
      expect(await t.result(["MGET", a!, d!])).toEqual(["1", null]);
      expect(await t.result(["MSETNX", d!, "4", "{t}new", "5"])).toBe(1);
      expect(await t.result(["MGET", d!, "{t}new"])).toEqual(["4", "5"]);
      expect(await t.error(["MSET", a!, "1", b!])).toBe("ERR wrong number of arguments for 'mset' command");
    });

    it("unknown commands, arity and the key size limit are refused before any shard", async () => {
      expect(await t.error(["NOPE", "a", "b"])).toBe("ERR unknown command 'NOPE', with args beginning with: 'a' 'b' ");
      expect(await t.error(["GET"])).toBe("ERR wrong number of arguments for 'get' command");
      expect(await t.error(["CLUSTER", "NOPE"])).toBe("ERR unknown subcommand 'NOPE'. Try CLUSTER HELP.");
      expect(await t.error(["GET", "k".repeat(32 * 1024 + 1)])).toBe(
        "ERR key too long: 32769 bytes exceeds the limit of 32768 bytes (EDGESLOT_MAX_KEY_BYTES)",
      );
    });
  });
}
