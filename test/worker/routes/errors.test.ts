// Malformed requests and limits: 400 with a clear message (never the 500 handler), 405, 413, the key
// size limit, and Redis's unknown-command and arity texts derived from the table.
import { describe, expect, it } from "vitest";
import { COMMANDS, type CommandSpec } from "../../../shards/commands";
import { call, error, fetchGateway, pipeline, request, TOKEN, BASE, useEmptyStore } from "../gateway";

useEmptyStore();

const auth = { authorization: `Bearer ${TOKEN}` };

describe("malformed requests", () => {
  it.each([
    ["/", "not json", /not valid JSON/],
    ["/", '{"cmd":"GET"}', /must be a JSON array/],
    ["/", "[]", /empty/],
    ["/", '["SET",["a"],"b"]', /argument 2 .* not an array/],
    ["/", '["SET","a",{"b":1}]', /argument 3 .* not an object/],
    ["/", '["SET","a",true]', /not a boolean/],
    ["/", '["SET","a",null]', /not null/],
    ["/", "", /not valid JSON/],
    ["/pipeline", "[]", /empty array/],
    ["/pipeline", '["GET","k"]', /command 1 must be a JSON array/],
    ["/pipeline", '[["GET","k"],[]]', /command 2 is empty/],
    ["/pipeline", '[["GET",[1]]]', /not an array/],
    ["/multi-exec", '{"a":1}', /array of commands/],
    ["/multi-exec", "[[]]", /empty/],
  ])("POST %s %j is 400 with a clear message", async (path, body, message) => {
    const answer = await request(path, body);
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatch(message);
    expect(answer.json.error).not.toMatch(/internal/);
  });

  it("accepts JSON numbers as arguments, exactly", async () => {
    // Raw JSON text: a JS literal would already be rounded to 2^53 before it is sent.
    expect((await request("/", '["SET","n",9007199254740993]')).json).toEqual({ result: "OK" });
    expect((await request("/", '["INCRBY","n",1]')).text).toBe('{"result":9007199254740994}');
    expect((await request("/", '["SET","f",1.5e3]')).json).toEqual({ result: "OK" });
    expect((await call(["GET", "f"])).json).toEqual({ result: "1.5e3" });
  });

  it("unknown commands get Redis's text with the first arguments", async () => {
    expect(await error(["FOO", "a", "b"])).toBe("ERR unknown command 'FOO', with args beginning with: 'a' 'b' ");
    expect(await error(["foo"])).toBe("ERR unknown command 'foo', with args beginning with: ");
    const long = await error(["FOO", "x".repeat(200), "y"]);
    expect(long).toBe(`ERR unknown command 'FOO', with args beginning with: '${"x".repeat(128)}' `);
  });

  // A variadic subcommand whose minimum is its own two words (SCRIPT FLUSH) has no short form that names it.
  const hasWrongArity = (s: CommandSpec) => s.split.kind !== "container" && s.arity !== -1 && !(s.name.includes("|") && s.arity === -2);
  it.each((COMMANDS as readonly CommandSpec[]).filter(hasWrongArity).map((s) => [s.name, s] as const))(
    "%s with the wrong number of arguments",
    async (name, spec) => {
      const words = name.toUpperCase().split("|");
      // One argument short of the minimum, or one more than an exact arity.
      const count = spec.arity > 0 ? spec.arity + 1 : -spec.arity - 1;
      const args = [...words];
      while (args.length < count) args.push("x");
      expect(await error(args.slice(0, Math.max(count, 1)))).toBe(`ERR wrong number of arguments for '${name}' command`);
    },
  );
});

describe("methods and limits", () => {
  it.each(["DELETE", "PATCH", "OPTIONS"])("%s is 405", async (method) => {
    const response = await fetchGateway(new Request(`${BASE}/get/k`, { method, headers: auth }));
    expect(response.status).toBe(405);
  });

  it("GET /pipeline and GET / are 405", async () => {
    expect((await request("/pipeline", undefined)).status).toBe(405);
    expect((await request("/", undefined)).status).toBe(405);
  });

  it("a body over 10 MB is 413, by Content-Length", async () => {
    const body = JSON.stringify(["SET", "k", "x".repeat(10 * 1024 * 1024)]);
    const answer = await request("/", body);
    expect(answer.status).toBe(413);
    expect(answer.json).toEqual({ error: "ERR max request size exceeded" });
  });

  it("a streamed body over the limit is 413 without Content-Length", async () => {
    const chunk = new TextEncoder().encode("x".repeat(1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 64) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await fetchGateway(
      new Request(`${BASE}/set/k`, { method: "POST", headers: auth, body: stream, duplex: "half" } as RequestInit),
      { EDGESLOT_MAX_REQUEST_BYTES: "10000" },
    );
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: "ERR max request size exceeded" });
  });

  it("a body longer than its declared Content-Length (a Request built in a Worker) is still 413 past the limit", async () => {
    const body = JSON.stringify(["SET", "k", "x".repeat(20_000)]);
    const response = await fetchGateway(
      new Request(`${BASE}/`, { method: "POST", headers: { ...auth, "content-length": "20" }, body }),
      { EDGESLOT_MAX_REQUEST_BYTES: "10000" },
    );
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: "ERR max request size exceeded" });
  });

  it("the limit is configurable and a body under it passes", async () => {
    const vars = { vars: { EDGESLOT_MAX_REQUEST_BYTES: "100" } };
    expect((await call(["SET", "k", "x".repeat(50)], vars)).status).toBe(200);
    expect((await call(["SET", "k", "x".repeat(100)], vars)).status).toBe(413);
    expect((await pipeline([["SET", "k", "x".repeat(100)]], vars)).status).toBe(413);
  });

  it("a key over 32 KB is refused with a clear error", async () => {
    expect(await error(["SET", "k".repeat(32 * 1024 + 1), "v"])).toMatch(/^ERR key too long: 32769 bytes exceeds the limit of 32768 bytes/);
    expect((await call(["SET", "k".repeat(32 * 1024), "v"])).status).toBe(200);
    expect(await error(["MGET", "a", "k".repeat(11)], { vars: { EDGESLOT_MAX_KEY_BYTES: "10" } })).toMatch(/key too long/);
  });
});

describe("the last-resort error handler", () => {
  it("answers a Redis-style 500 for a failure no route handles (here a broken configuration)", async () => {
    const answer = await call(["PING"], { vars: { EDGESLOT_SHARDS: "zero" } });
    expect(answer.status).toBe(500);
    expect(answer.json).toEqual({ error: "ERR internal: EDGESLOT_SHARDS must be an integer from 1 to 16384, got 'zero'" });
  });
});
