// String commands of the wasm core, with Redis 7.0's replies and error texts.
import { describe, expect, it } from "vitest";
import { Session } from "./session";

describe("SET and GET", () => {
  it("SET and GET an item", () => {
    const s = new Session();
    expect(s.run("SET", "x", "foobar")).toBe("+OK");
    expect(s.run("GET", "x")).toBe("foobar");
    expect(s.run("GET", "missing")).toBeNull();
  });

  it("SET and GET binary-safe values, including empty ones", () => {
    const s = new Session();
    const value = new Uint8Array([0, 255, 13, 10, 42]);
    s.run("SET", new Uint8Array([0xff, 0]), value);
    const [reply] = s.raw([["GET", new Uint8Array([0xff, 0])]]);
    expect(reply).toEqual(value);
    s.run("SET", "empty", "");
    expect(s.run("GET", "empty")).toBe("");
    expect(s.run("STRLEN", "empty")).toBe(0);
  });

  it("SET NX, XX and GET combinations", () => {
    const s = new Session();
    expect(s.run("SET", "k", "v1", "XX")).toBeNull();
    expect(s.run("SET", "k", "v1", "NX")).toBe("+OK");
    expect(s.run("SET", "k", "v2", "NX")).toBeNull();
    expect(s.run("SET", "k", "v2", "XX")).toBe("+OK");
    expect(s.run("SET", "k", "v3", "GET")).toBe("v2");
    expect(s.run("SET", "k", "v4", "NX", "GET")).toBe("v3");
    expect(s.run("GET", "k")).toBe("v3");
    expect(s.run("SET", "n", "v", "XX", "GET")).toBeNull();
    expect(s.run("EXISTS", "n")).toBe(0);
  });

  it("SET option syntax errors", () => {
    const s = new Session();
    for (const args of [
      ["NX", "XX"],
      ["EX", "10", "PX", "100"],
      ["KEEPTTL", "EX", "10"],
      ["PX", "10", "KEEPTTL"],
      ["EX"],
      ["FOO"],
      ["PERSIST"],
    ]) {
      expect(s.run("SET", "k", "v", ...args)).toBe("-ERR syntax error");
    }
    expect(s.run("SET", "k", "v", "EX", "abc")).toBe("-ERR value is not an integer or out of range");
    expect(s.run("SET", "k", "v", "EX", "0")).toBe("-ERR invalid expire time in 'set' command");
    expect(s.run("SET", "k", "v", "PX", "-1")).toBe("-ERR invalid expire time in 'set' command");
    expect(s.run("SET", "k", "v", "EX", "9223372036854776")).toBe("-ERR invalid expire time in 'set' command");
    expect(s.run("SET", "k", "v", "PX", "9223372036854775807")).toBe("-ERR invalid expire time in 'set' command");
    expect(s.run("SET", "k")).toBe("-ERR wrong number of arguments for 'set' command");
    expect(s.run("EXISTS", "k")).toBe(0);
  });

  it("SET EX and PXAT set absolute expiries; KEEPTTL keeps them; plain SET clears them", () => {
    const s = new Session();
    s.run("SET", "k", "v", "EX", "100");
    expect(s.run("PTTL", "k")).toBe(100_000);
    s.run("SET", "k", "v2", "KEEPTTL");
    expect(s.run("PTTL", "k")).toBe(100_000);
    s.run("SET", "k", "v3", "PXAT", String(s.now + 5000));
    expect(s.run("PTTL", "k")).toBe(5000);
    s.run("SET", "k", "v4");
    expect(s.run("TTL", "k")).toBe(-1);
  });

  it("SETNX, SETEX, PSETEX and GETSET", () => {
    const s = new Session();
    expect(s.run("SETNX", "k", "a")).toBe(1);
    expect(s.run("SETNX", "k", "b")).toBe(0);
    expect(s.run("SETEX", "k", "10", "c")).toBe("+OK");
    expect(s.run("GET", "k")).toBe("c");
    expect(s.run("TTL", "k")).toBe(10);
    expect(s.run("SETEX", "k", "0", "c")).toBe("-ERR invalid expire time in 'setex' command");
    expect(s.run("PSETEX", "k", "-5", "c")).toBe("-ERR invalid expire time in 'psetex' command");
    expect(s.run("PSETEX", "k", "1500", "d")).toBe("+OK");
    expect(s.run("PTTL", "k")).toBe(1500);
    expect(s.run("GETSET", "k", "e")).toBe("d");
    expect(s.run("TTL", "k")).toBe(-1);
    expect(s.run("GETSET", "new", "x")).toBeNull();
  });

  it("GETDEL returns the value and deletes the key", () => {
    const s = new Session();
    s.run("SET", "k", "v");
    expect(s.run("GETDEL", "k")).toBe("v");
    expect(s.run("GETDEL", "k")).toBeNull();
    expect(s.run("EXISTS", "k")).toBe(0);
  });

  it("GETEX with EX, PXAT and PERSIST, and its syntax errors", () => {
    const s = new Session();
    s.run("SET", "k", "v");
    expect(s.run("GETEX", "k", "EX", "10")).toBe("v");
    expect(s.run("TTL", "k")).toBe(10);
    expect(s.run("GETEX", "k", "PERSIST")).toBe("v");
    expect(s.run("TTL", "k")).toBe(-1);
    expect(s.run("GETEX", "k", "EX", "0")).toBe("-ERR invalid expire time in 'getex' command");
    expect(s.run("GETEX", "missing", "EX", "0")).toBeNull();
    expect(s.run("GETEX", "k", "PERSIST", "EX", "10")).toBe("-ERR syntax error");
    expect(s.run("GETEX", "k", "KEEPTTL")).toBe("-ERR syntax error");
    expect(s.run("GETEX", "k", "NX")).toBe("-ERR syntax error");
    expect(s.run("GETEX", "k", "PXAT", "1")).toBe("v");
    expect(s.run("EXISTS", "k")).toBe(0);
  });

  it("MSET, MGET and MSETNX", () => {
    const s = new Session();
    expect(s.run("MSET", "a", "1", "b", "2")).toBe("+OK");
    expect(s.run("MGET", "a", "b", "c")).toEqual(["1", "2", null]);
    expect(s.run("MSET", "a", "1", "b")).toBe("-ERR wrong number of arguments for 'mset' command");
    expect(s.run("MSETNX", "a", "9", "c", "3")).toBe(0);
    expect(s.run("EXISTS", "c")).toBe(0);
    expect(s.run("MSETNX", "c", "3", "d", "4")).toBe(1);
    expect(s.run("MGET", "c", "d")).toEqual(["3", "4"]);
    expect(s.run("MSETNX", "c")).toBe("-ERR wrong number of arguments for 'msetnx' command");
  });

  it("APPEND and STRLEN, growing a value in place and by moving", () => {
    const s = new Session();
    expect(s.run("APPEND", "k", "foo")).toBe(3);
    expect(s.run("APPEND", "k", "bar")).toBe(6);
    let expected = "foobar";
    for (let i = 0; i < 200; i++) {
      const piece = `-${i}`;
      expected += piece;
      expect(s.run("APPEND", "k", piece)).toBe(expected.length);
    }
    expect(s.run("GET", "k")).toBe(expected);
    expect(s.run("STRLEN", "k")).toBe(expected.length);
    expect(s.run("STRLEN", "missing")).toBe(0);
  });
});

describe("counters", () => {
  it("INCR against a non existing key", () => {
    const s = new Session();
    expect(s.run("INCR", "n")).toBe(1);
    expect(s.run("GET", "n")).toBe("1");
    expect(s.run("INCRBY", "n", "-11")).toBe(-10);
    expect(s.run("DECR", "n")).toBe(-11);
    expect(s.run("DECRBY", "n", "9")).toBe(-20);
  });

  it("INCR against a key holding a non-integer", () => {
    const s = new Session();
    for (const value of ["abc", " 1", "1 ", "01", "-0", "+1", "1.5", "", "99999999999999999999"]) {
      s.run("SET", "n", value);
      expect(s.run("INCR", "n")).toBe("-ERR value is not an integer or out of range");
    }
  });

  it("INCRBY with a non-integer increment", () => {
    const s = new Session();
    expect(s.run("INCRBY", "n", "1x")).toBe("-ERR value is not an integer or out of range");
    expect(s.run("DECRBY", "n", "9223372036854775808")).toBe("-ERR value is not an integer or out of range");
  });

  it("INCR fails on overflow at the 64-bit limits", () => {
    const s = new Session();
    s.run("SET", "n", "9223372036854775807");
    expect(s.run("INCR", "n")).toBe("-ERR increment or decrement would overflow");
    s.run("SET", "n", "-9223372036854775808");
    expect(s.run("DECR", "n")).toBe("-ERR increment or decrement would overflow");
    expect(s.run("INCRBY", "n", "-1")).toBe("-ERR increment or decrement would overflow");
    expect(s.run("INCRBY", "n", "9223372036854775807")).toBe(-1);
    expect(s.run("DECRBY", "n", "-9223372036854775808")).toBe("-ERR decrement would overflow");
    s.run("SET", "n", "9223372036854775800");
    expect(s.run("INCRBY", "n", "7")).toBe(9223372036854775807n);
  });

  it("INCR keeps the key's TTL", () => {
    const s = new Session();
    s.run("SET", "n", "1", "EX", "100");
    s.run("INCR", "n");
    expect(s.run("TTL", "n")).toBe(100);
  });

  it("INCRBYFLOAT formats like Redis's long double %.17Lf", () => {
    const s = new Session();
    const cases: [string, string, string][] = [
      ["10.50", "0.1", "10.6"],
      ["5010.6", "0.1", "5010.70000000000000018"],
      ["1e20", "0.1", "100000000000000000000"],
      ["0", "1e-20", "0"],
      ["0x10", "1", "17"],
      ["0.1", "0.2", "0.3"],
      ["3", "-3", "0"],
      ["1.5", "-3.25", "-1.75"],
      ["5.0e3", "2.0e2", "5200"],
      ["0", "0.000003814697265625", "0.00000381469726562"],
      ["123456789012345678901234567890", "1", "123456789012345678899921813504"],
    ];
    for (const [start, by, result] of cases) {
      s.run("SET", "f", start);
      expect(s.run("INCRBYFLOAT", "f", by), `${start} + ${by}`).toBe(result);
      expect(s.run("GET", "f")).toBe(result);
    }
    expect(s.run("INCRBYFLOAT", "new", "3.0e3")).toBe("3000");
  });

  it("INCRBYFLOAT against non-floats, NaN and Infinity", () => {
    const s = new Session();
    s.run("SET", "f", "1");
    for (const bad of [" 1", "1 ", "nan", "", "1e", ".", "abc", "1e5000", "1e-5000"]) {
      expect(s.run("INCRBYFLOAT", "f", bad), bad).toBe("-ERR value is not a valid float");
    }
    expect(s.run("INCRBYFLOAT", "f", "inf")).toBe("-ERR increment would produce NaN or Infinity");
    s.run("SET", "f", "1e4932");
    expect(s.run("INCRBYFLOAT", "f", "1e4932")).toBe("-ERR increment would produce NaN or Infinity");
    s.run("SET", "f", "abc");
    expect(s.run("INCRBYFLOAT", "f", "1")).toBe("-ERR value is not a valid float");
  });

  it("INCRBYFLOAT does not change the TTL", () => {
    const s = new Session();
    s.run("SET", "f", "1.5", "EX", "50");
    expect(s.run("INCRBYFLOAT", "f", "1")).toBe("2.5");
    expect(s.run("TTL", "f")).toBe(50);
  });
});

describe("ranges", () => {
  it("GETRANGE against string value", () => {
    const s = new Session();
    s.run("SET", "k", "Hello World");
    expect(s.run("GETRANGE", "k", "0", "-1")).toBe("Hello World");
    expect(s.run("GETRANGE", "k", "0", "3")).toBe("Hell");
    expect(s.run("GETRANGE", "k", "-3", "-1")).toBe("rld");
    expect(s.run("GETRANGE", "k", "-100", "100")).toBe("Hello World");
    expect(s.run("GETRANGE", "k", "5", "3")).toBe("");
    expect(s.run("GETRANGE", "k", "-1", "-2")).toBe("");
    expect(s.run("GETRANGE", "missing", "0", "1")).toBe("");
    expect(s.run("GETRANGE", "k", "a", "1")).toBe("-ERR value is not an integer or out of range");
  });

  it("SETRANGE against non-existing and existing keys", () => {
    const s = new Session();
    expect(s.run("SETRANGE", "k", "0", "")).toBe(0);
    expect(s.run("EXISTS", "k")).toBe(0);
    expect(s.run("SETRANGE", "k", "3", "ab")).toBe(5);
    expect(s.run("GET", "k")).toBe("\0\0\0ab");
    expect(s.run("SETRANGE", "k", "0", "xy")).toBe(5);
    expect(s.run("GET", "k")).toBe("xy\0ab");
    expect(s.run("SETRANGE", "k", "0", "")).toBe(5);
    expect(s.run("SETRANGE", "k", "-1", "x")).toBe("-ERR offset is out of range");
  });

  it("SETRANGE with a huge offset", () => {
    const s = new Session();
    expect(s.run("SETRANGE", "k", "536870911", "xx")).toBe("-ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    s.run("SET", "k", "v");
    expect(s.run("SETRANGE", "k", "536870912", "x")).toBe("-ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    expect(s.run("GET", "k")).toBe("v");
    // offset + length must not wrap around 2^63.
    expect(s.run("SETRANGE", "k", "9223372036854775807", "0.1")).toBe("-ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    expect(s.run("SETRANGE", "new", "9223372036854775807", "x")).toBe("-ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    expect(s.run("SCAN", "0", "COUNT", "9223372036854775807")).toEqual(["0", ["k"]]);
  });

  it("big values of tens of megabytes round-trip", () => {
    const s = new Session();
    const big = new Uint8Array(24 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = i & 0xff;
    expect(s.run("SET", "big", big)).toBe("+OK");
    expect(s.run("STRLEN", "big")).toBe(big.length);
    expect(s.run("APPEND", "big", "tail")).toBe(big.length + 4);
    const [reply] = s.raw([["GETRANGE", "big", "0", String(big.length - 1)]]);
    expect((reply as Uint8Array).length).toBe(big.length);
    expect((reply as Uint8Array)[4096]).toBe(0);
    expect((reply as Uint8Array)[8192 + 4096 * 3]).toBe((8192 + 4096 * 3) & 0xff);
  });
});
