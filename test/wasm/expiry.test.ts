// Expiry in the wasm core: EXPIRE family options, TTL family, lazy expiry on access, the active sweep,
// and the absolute-time effects they log. Time is injected; nothing sleeps.
import { describe, expect, it } from "vitest";
import { Session, T0 } from "./session";

describe("EXPIRE family", () => {
  it("EXPIRE sets a TTL that TTL and PTTL report", () => {
    const s = new Session();
    s.run("SET", "k", "v");
    expect(s.run("EXPIRE", "k", "100")).toBe(1);
    expect(s.run("TTL", "k")).toBe(100);
    s.advance(1499);
    expect(s.run("PTTL", "k")).toBe(98501);
    expect(s.run("TTL", "k")).toBe(99);
    expect(s.run("EXPIRE", "missing", "100")).toBe(0);
  });

  it("PEXPIRE, EXPIREAT and PEXPIREAT, with EXPIRETIME and PEXPIRETIME", () => {
    const s = new Session();
    s.run("SET", "k", "v");
    expect(s.run("PEXPIRE", "k", "2500")).toBe(1);
    expect(s.run("PEXPIRETIME", "k")).toBe(T0 + 2500);
    expect(s.run("EXPIRETIME", "k")).toBe(Math.floor((T0 + 2500) / 1000));
    expect(s.run("EXPIREAT", "k", String(T0 / 1000 + 50))).toBe(1);
    expect(s.run("TTL", "k")).toBe(50);
    expect(s.run("PEXPIREAT", "k", String(T0 + 7))).toBe(1);
    expect(s.run("PTTL", "k")).toBe(7);
    expect(s.run("EXPIRETIME", "missing")).toBe(-2);
    s.run("SET", "p", "v");
    expect(s.run("PEXPIRETIME", "p")).toBe(-1);
  });

  it("EXPIRE with NX, XX, GT and LT", () => {
    const s = new Session();
    s.run("SET", "k", "v");
    expect(s.run("EXPIRE", "k", "100", "XX")).toBe(0);
    expect(s.run("EXPIRE", "k", "100", "GT")).toBe(0);
    expect(s.run("EXPIRE", "k", "100", "NX")).toBe(1);
    expect(s.run("EXPIRE", "k", "200", "NX")).toBe(0);
    expect(s.run("EXPIRE", "k", "50", "GT")).toBe(0);
    expect(s.run("EXPIRE", "k", "500", "GT")).toBe(1);
    expect(s.run("EXPIRE", "k", "600", "LT")).toBe(0);
    expect(s.run("EXPIRE", "k", "50", "lt")).toBe(1);
    expect(s.run("EXPIRE", "k", "60", "XX")).toBe(1);
    expect(s.run("TTL", "k")).toBe(60);
    s.run("PERSIST", "k");
    expect(s.run("EXPIRE", "k", "10", "LT")).toBe(1);
  });

  it("EXPIRE option errors", () => {
    const s = new Session();
    s.run("SET", "k", "v");
    expect(s.run("EXPIRE", "k", "10", "NX", "XX")).toBe("-ERR NX and XX, GT or LT options at the same time are not compatible");
    expect(s.run("EXPIRE", "k", "10", "NX", "GT")).toBe("-ERR NX and XX, GT or LT options at the same time are not compatible");
    expect(s.run("EXPIRE", "k", "10", "GT", "LT")).toBe("-ERR GT and LT options at the same time are not compatible");
    expect(s.run("EXPIRE", "k", "10", "FOO")).toBe("-ERR Unsupported option FOO");
    expect(s.run("EXPIRE", "k", "abc")).toBe("-ERR value is not an integer or out of range");
    expect(s.run("EXPIRE", "k", "9223372036854775807")).toBe("-ERR invalid expire time in 'expire' command");
    expect(s.run("PEXPIRE", "k", "9223372036854775807")).toBe("-ERR invalid expire time in 'pexpire' command");
    expect(s.run("EXPIRE", "k")).toBe("-ERR wrong number of arguments for 'expire' command");
    expect(s.run("TTL", "k")).toBe(-1);
  });

  it("EXPIRE with a time in the past deletes the key", () => {
    const s = new Session();
    s.run("SET", "k", "v");
    expect(s.run("EXPIRE", "k", "-1")).toBe(1);
    expect(s.run("EXISTS", "k")).toBe(0);
    s.run("SET", "k", "v");
    expect(s.run("PEXPIREAT", "k", String(T0))).toBe(1);
    expect(s.run("EXISTS", "k")).toBe(0);
  });

  it("PERSIST removes a TTL once", () => {
    const s = new Session();
    s.run("SET", "k", "v", "EX", "10");
    expect(s.run("PERSIST", "k")).toBe(1);
    expect(s.run("PERSIST", "k")).toBe(0);
    expect(s.run("TTL", "k")).toBe(-1);
    expect(s.run("PERSIST", "missing")).toBe(0);
    expect(s.run("TTL", "missing")).toBe(-2);
  });
});

describe("lazy and active expiry", () => {
  it("a key is live at its expiry instant and gone one millisecond later", () => {
    const s = new Session();
    s.run("SET", "k", "v", "PX", "1000");
    s.advance(1000);
    expect(s.run("GET", "k")).toBe("v");
    expect(s.run("PTTL", "k")).toBe(0);
    s.advance(1);
    expect(s.run("GET", "k")).toBeNull();
    expect(s.run("TTL", "k")).toBe(-2);
    expect(s.core.keyCount()).toBe(0);
    expect(s.core.volatileCount()).toBe(0);
  });

  it("an expired key behaves as absent for every command and its deletion is logged as DEL", () => {
    const s = new Session();
    s.run("SET", "k", "5", "PX", "10");
    s.advance(11);
    s.effects.length = 0;
    expect(s.run("INCR", "k")).toBe(1);
    expect(s.effectCommands()).toEqual([
      ["DEL", "k"],
      ["INCR", "k"],
    ]);
    expect(s.run("TTL", "k")).toBe(-1);
  });

  it("SETNX, RENAME and EXISTS treat expired keys as missing", () => {
    const s = new Session();
    s.run("SET", "a", "1", "PX", "5");
    s.run("SET", "b", "2", "PX", "5");
    s.advance(6);
    expect(s.run("SETNX", "a", "x")).toBe(1);
    expect(s.run("RENAME", "b", "c")).toBe("-ERR no such key");
    expect(s.run("EXISTS", "a", "b")).toBe(1);
  });

  it("KEYS and SCAN skip expired keys; DBSIZE counts them until they are removed", () => {
    const s = new Session();
    s.run("SET", "live", "1");
    s.run("SET", "dead", "1", "PX", "5");
    s.advance(10);
    expect(s.run("KEYS", "*")).toEqual(["live"]);
    expect(s.run("DBSIZE")).toBe(2);
    expect(s.run("SCAN", "0", "COUNT", "100")).toEqual(["0", ["live"]]);
    expect(s.run("DBSIZE")).toBe(1);
  });

  it("__SWEEP removes expired keys in bounded steps and logs each as DEL", () => {
    const s = new Session();
    for (let i = 0; i < 100; i++) s.run("SET", `k${i}`, "v", "PX", String(i < 60 ? 10 : 100_000));
    expect(s.core.volatileCount()).toBe(100);
    s.advance(20);
    s.effects.length = 0;
    let removed = 0;
    for (let i = 0; i < 20; i++) removed += s.internal("__SWEEP", "10") as number;
    expect(removed).toBe(60);
    expect(s.core.keyCount()).toBe(40);
    expect(s.core.volatileCount()).toBe(40);
    const dels = s.effectCommands();
    expect(dels.length).toBe(60);
    expect(dels.every((c) => c[0] === "DEL")).toBe(true);
  });
});

describe("effects of expiring commands", () => {
  it("relative expiries are logged as absolute times", () => {
    const s = new Session();
    s.run("SET", "a", "v", "EX", "10");
    s.run("SETEX", "b", "5", "v");
    s.run("PSETEX", "c", "1500", "v");
    s.run("EXPIRE", "a", "100");
    s.run("GETEX", "b", "PX", "200");
    s.run("GETEX", "c", "PERSIST");
    s.run("EXPIRE", "a", "-1");
    s.run("SET", "d", "v", "NX", "GET");
    s.run("SET", "d", "v2", "NX");
    expect(s.effectCommands()).toEqual([
      ["SET", "a", "v", "PXAT", String(T0 + 10_000)],
      ["SET", "b", "v", "PXAT", String(T0 + 5_000)],
      ["SET", "c", "v", "PXAT", String(T0 + 1_500)],
      ["PEXPIREAT", "a", String(T0 + 100_000)],
      ["PEXPIREAT", "b", String(T0 + 200)],
      ["PERSIST", "c"],
      ["DEL", "a"],
      ["SET", "d", "v"],
    ]);
  });

  it("writes that change nothing log nothing", () => {
    const s = new Session();
    s.run("SET", "k", "v");
    s.effects.length = 0;
    s.run("SET", "k", "x", "NX");
    s.run("EXPIRE", "k", "10", "XX");
    s.run("PERSIST", "k");
    s.run("DEL", "missing");
    s.run("GETEX", "k");
    s.run("MSETNX", "k", "1");
    s.run("INCR", "k");
    expect(s.effectCommands()).toEqual([]);
  });
});
