// Upstash-Encoding: base64 (every string, recursively, status replies too, never errors), U+FFFD
// without it, and the upstash-sync-token header.
import { describe, expect, it } from "vitest";
import { call, multiExec, pipeline, request, result, useEmptyStore } from "../gateway";

useEmptyStore();

const b64 = (text: string) => btoa(text);
const base64 = { base64: true };

describe("Upstash-Encoding: base64", () => {
  it("encodes bulk strings and status replies, not OK, numbers or null", async () => {
    expect((await call(["SET", "k", "héllo"], base64)).json).toEqual({ result: "OK" });
    const utf8 = String.fromCharCode(...new TextEncoder().encode("héllo"));
    expect((await call(["GET", "k"], base64)).json).toEqual({ result: b64(utf8) });
    expect((await call(["PING"], base64)).json).toEqual({ result: b64("PONG") });
    expect((await call(["TYPE", "k"], base64)).json).toEqual({ result: b64("string") });
    expect((await call(["STRLEN", "k"], base64)).json).toEqual({ result: 6 });
    expect((await call(["GET", "missing"], base64)).json).toEqual({ result: null });
  });

  it("encodes recursively through arrays", async () => {
    await result(["MSET", "{x}a", "1", "{x}b", "2"]);
    expect((await call(["MGET", "{x}a", "missing", "{x}b"], base64)).json).toEqual({ result: [b64("1"), null, b64("2")] });
    const [cursor, keys] = (await call(["SCAN", "0", "COUNT", 1000], base64)).json.result;
    expect(typeof cursor).toBe("string");
    expect(keys.every((k: string) => typeof k === "string")).toBe(true);
  });

  it("never encodes errors, in single, pipeline and transaction replies", async () => {
    await result(["SET", "s", "abc"]);
    expect((await call(["INCR", "s"], base64)).json).toEqual({ error: "ERR value is not an integer or out of range" });
    expect((await pipeline([["INCR", "s"], ["GET", "s"], ["SET", "s", "x"]], base64)).json).toEqual([
      { error: "ERR value is not an integer or out of range" },
      { result: b64("abc") },
      { result: "OK" },
    ]);
    expect((await multiExec([["INCR", "s"], ["GET", "s"]], base64)).json).toEqual([
      { error: "ERR value is not an integer or out of range" },
      { result: b64("x") },
    ]);
  });

  it("round-trips binary values built with SETRANGE and APPEND", async () => {
    // Path style with percent-encoding carries raw bytes in; base64 carries them out exactly.
    await request("/setrange/bin/2/%FF%FE", undefined);
    await request("/append/bin/%00%C3", undefined);
    const bytes = atob((await call(["GET", "bin"], base64)).json.result);
    expect([...bytes].map((c) => c.charCodeAt(0))).toEqual([0, 0, 0xff, 0xfe, 0x00, 0xc3]);
    expect((await call(["GETRANGE", "bin", 2, 3], base64)).json).toEqual({ result: b64("\xff\xfe") });
  });

  it("without the header, invalid UTF-8 becomes U+FFFD", async () => {
    await request("/set/bin/a%FFb", undefined);
    expect((await call(["GET", "bin"])).json).toEqual({ result: "a\ufffdb" });
  });
});

describe("upstash-sync-token", () => {
  it("changes on every request that writes, and not on reads", async () => {
    const first = (await call(["SET", "k", "1"])).headers.get("upstash-sync-token")!;
    const second = (await pipeline([["GET", "k"], ["INCR", "k"]])).headers.get("upstash-sync-token")!;
    const third = (await multiExec([["SET", "k", "2"]])).headers.get("upstash-sync-token")!;
    expect(new Set([first, second, third]).size).toBe(3);
    const read = await call(["GET", "k"], { headers: { "upstash-sync-token": third } });
    expect(read.headers.get("upstash-sync-token")).toBe(third);
  });
});
