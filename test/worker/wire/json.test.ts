// Reply → Upstash JSON rendering: RESP2 shapes, exact big integers, base64 and U+FFFD.
import { describe, expect, it } from "vitest";
import { replyJson, resultJson } from "../../../worker/wire/json";
import { ReplyError, Status } from "../../../worker/wire/resp";

const enc = new TextEncoder();

describe("JSON rendering", () => {
  it("renders nil as an explicit null result", () => {
    expect(resultJson(null, false)).toBe('{"result":null}');
  });

  it("writes integers beyond 2^53 exactly", () => {
    expect(resultJson(9223372036854775807n, false)).toBe('{"result":9223372036854775807}');
    expect(resultJson(-9223372036854775808n, true)).toBe('{"result":-9223372036854775808}');
  });

  it("renders errors as {error}, never base64", () => {
    expect(resultJson(new ReplyError("ERR boom"), true)).toBe('{"error":"ERR boom"}');
  });

  it("turns invalid UTF-8 into U+FFFD without the base64 header", () => {
    expect(JSON.parse(replyJson(new Uint8Array([0x61, 0xff, 0x62]), false))).toBe("a\ufffdb");
  });

  it("base64-encodes every string recursively, status replies too, except OK", () => {
    const reply = [enc.encode("a"), [new Status("PONG"), 5, null], new Status("OK")];
    expect(JSON.parse(replyJson(reply, true))).toEqual([btoa("a"), [btoa("PONG"), 5, null], "OK"]);
    expect(JSON.parse(replyJson(new Uint8Array([0xff, 0x00]), true))).toBe(btoa("\xff\x00"));
  });

  it("encodes values larger than one argument spread", () => {
    const big = new Uint8Array(300_000).fill(0x41);
    expect(JSON.parse(replyJson(big, true))).toBe(btoa("A".repeat(300_000)));
  });
});
