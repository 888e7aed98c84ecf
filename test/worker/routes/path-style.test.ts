// Path-style commands: GET|POST|PUT /cmd/arg/…, query arguments, a POST body as the last argument.
import { describe, expect, it } from "vitest";
import { request, result, useEmptyStore } from "../gateway";

useEmptyStore();

describe("path-style commands", () => {
  it("GET /set/k/v/EX/100 then GET /get/k", async () => {
    expect((await request("/set/k/v/EX/100", undefined)).json).toEqual({ result: "OK" });
    expect((await request("/get/k", undefined)).json).toEqual({ result: "v" });
    expect(await result(["TTL", "k"])).toBe(100);
  });

  it("takes further arguments from the query string", async () => {
    expect((await request("/set/k/v?EX=100&NX", undefined)).json).toEqual({ result: "OK" });
    expect(await result(["TTL", "k"])).toBe(100);
    expect((await request("/set/k/w?NX", undefined)).json).toEqual({ result: null });
  });

  it("POST and PUT append the body as the last argument, bytes kept", async () => {
    expect((await request("/set/k", "from body")).json).toEqual({ result: "OK" });
    expect(await result(["GET", "k"])).toBe("from body");
    expect((await request("/set/bin", new Uint8Array([0xff, 0x00, 0x41]), { method: "PUT" })).json).toEqual({ result: "OK" });
    expect((await request("/strlen/bin", undefined)).json).toEqual({ result: 3 });
    expect((await request("/get/bin", undefined, { base64: true })).json).toEqual({ result: btoa("\xff\x00A") });
  });

  it("percent-decodes segments, including bytes that are not UTF-8", async () => {
    expect((await request("/set/a%2Fb/hello%20world", undefined)).json).toEqual({ result: "OK" });
    expect(await result(["GET", "a/b"])).toBe("hello world");
    await request("/set/%FF/x", undefined);
    expect((await request("/exists/%FF", undefined)).json).toEqual({ result: 1 });
  });

  it("answers errors as 400 {error}", async () => {
    const answer = await request("/nope/x", undefined);
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ error: "ERR unknown command 'nope', with args beginning with: 'x' " });
    expect((await request("/get", undefined)).json).toEqual({ error: "ERR wrong number of arguments for 'get' command" });
  });
});
