// String commands through `POST /`: every one at least once, with Redis's replies and errors.
import { describe, expect, it } from "vitest";
import { call, error, keysOnShards, result, useEmptyStore } from "../gateway";

useEmptyStore();

describe("string commands over HTTP", () => {
  it("SET and GET, with nil as an explicit null", async () => {
    expect(await result(["SET", "k", "v"])).toBe("OK");
    expect(await result(["GET", "k"])).toBe("v");
    const missing = await call(["GET", "missing"]);
    expect(missing.json).toEqual({ result: null });
    expect(Object.keys(missing.json)).toEqual(["result"]);
  });

  it("SET with EX NX XX GET KEEPTTL options", async () => {
    expect(await result(["SET", "k", "v1", "EX", 100])).toBe("OK");
    expect(await result(["TTL", "k"])).toBe(100);
    expect(await result(["SET", "k", "v2", "NX"])).toBe(null);
    expect(await result(["SET", "k", "v2", "XX", "GET", "KEEPTTL"])).toBe("v1");
    expect(await result(["TTL", "k"])).toBe(100);
    expect(await result(["SET", "px", "v", "PX", 50000])).toBe("OK");
    expect(await result(["PTTL", "px"])).toBeGreaterThan(49000);
    const at = Math.floor(Date.now() / 1000) + 500;
    expect(await result(["SET", "exat", "v", "EXAT", at])).toBe("OK");
    expect(await result(["EXPIRETIME", "exat"])).toBe(at);
    expect(await result(["SET", "pxat", "v", "PXAT", at * 1000 + 7])).toBe("OK");
    expect(await result(["PEXPIRETIME", "pxat"])).toBe(at * 1000 + 7);
    expect(await error(["SET", "k", "v", "EX", "0"])).toBe("ERR invalid expire time in 'set' command");
    expect(await error(["SET", "k", "v", "NX", "XX"])).toBe("ERR syntax error");
  });

  it("SETNX, SETEX, PSETEX, GETSET, GETDEL, GETEX", async () => {
    expect(await result(["SETNX", "a", "1"])).toBe(1);
    expect(await result(["SETNX", "a", "2"])).toBe(0);
    expect(await result(["SETEX", "b", 10, "x"])).toBe("OK");
    expect(await result(["TTL", "b"])).toBe(10);
    expect(await result(["PSETEX", "c", 10000, "y"])).toBe("OK");
    expect(await result(["PTTL", "c"])).toBeGreaterThan(9000);
    expect(await result(["GETSET", "a", "3"])).toBe("1");
    expect(await result(["GETDEL", "a"])).toBe("3");
    expect(await result(["GETDEL", "a"])).toBe(null);
    expect(await result(["GETEX", "c", "PERSIST"])).toBe("y");
    expect(await result(["TTL", "c"])).toBe(-1);
    expect(await result(["GETEX", "c", "EX", 50])).toBe("y");
    expect(await result(["TTL", "c"])).toBe(50);
    expect(await error(["SETEX", "b", -1, "x"])).toBe("ERR invalid expire time in 'setex' command");
  });

  it("APPEND, STRLEN, GETRANGE, SETRANGE", async () => {
    expect(await result(["APPEND", "s", "Hello"])).toBe(5);
    expect(await result(["APPEND", "s", " World"])).toBe(11);
    expect(await result(["STRLEN", "s"])).toBe(11);
    expect(await result(["GETRANGE", "s", 0, 4])).toBe("Hello");
    expect(await result(["GETRANGE", "s", -5, -1])).toBe("World");
    expect(await result(["SETRANGE", "s", 6, "Redis"])).toBe(11);
    expect(await result(["GET", "s"])).toBe("Hello Redis");
    expect(await result(["SETRANGE", "pad", 3, "x"])).toBe(4);
    expect(await result(["GET", "pad"])).toBe("\0\0\0x");
    expect(await error(["GETRANGE", "s", "a", "b"])).toBe("ERR value is not an integer or out of range");
  });

  it("INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT with 64-bit limits", async () => {
    expect(await result(["INCR", "n"])).toBe(1);
    expect(await result(["INCRBY", "n", 10])).toBe(11);
    expect(await result(["DECR", "n"])).toBe(10);
    expect(await result(["DECRBY", "n", 20])).toBe(-10);
    expect(await result(["SET", "big", "9223372036854775806"])).toBe("OK");
    // Beyond 2^53 the reply is still exact: the JSON carries the digits, not a rounded double.
    expect((await call(["INCR", "big"])).text).toBe('{"result":9223372036854775807}');
    expect((await call(["DECRBY", "neg", "9223372036854775807"])).text).toBe('{"result":-9223372036854775807}');
    expect(await error(["INCR", "big"])).toBe("ERR increment or decrement would overflow");
    expect(await result(["INCRBYFLOAT", "f", "10.5"])).toBe("10.5");
    expect(await result(["INCRBYFLOAT", "f", 0.1])).toBe("10.6");
  });

  it("INCR against a key holding a non-integer", async () => {
    await result(["SET", "x", "abc"]);
    expect(await error(["INCR", "x"])).toBe("ERR value is not an integer or out of range");
    expect(await error(["INCRBYFLOAT", "x", 1])).toBe("ERR value is not a valid float");
  });

  it("MGET, MSET and MSETNX across shards", async () => {
    const [a, b, c, d] = await keysOnShards();
    expect(await result(["MSET", a!, "1", b!, "2", c!, "3"])).toBe("OK");
    expect(await result(["MGET", d!, c!, b!, a!, a!])).toEqual([null, "3", "2", "1", "1"]);
    expect(await result(["MSETNX", "{t}1", "x", "{t}2", "y"])).toBe(1);
    expect(await result(["MSETNX", "{t}1", "x", "{t}3", "y"])).toBe(0);
    expect(await result(["MSETNX", a!, "x", d!, "y"])).toBe(0);
    expect(await result(["EXISTS", d!])).toBe(0);
    expect(await error(["MSET", a!, "1", b!])).toBe("ERR wrong number of arguments for 'mset' command");
  });
});

