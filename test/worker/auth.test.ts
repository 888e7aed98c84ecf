// Auth over HTTP: bearer and ?_token=, 401s, fail-closed without a token, and the read-only token
// refused for every write command in the table.
import { describe, expect, it } from "vitest";
import { COMMANDS, type CommandSpec, isWrite } from "../../shards/commands";
import { call, multiExec, pipeline, READONLY_TOKEN, request, result, TOKEN, useEmptyStore } from "./gateway";

useEmptyStore();

const withReadonly = { vars: { EDGESLOT_READONLY_TOKEN: READONLY_TOKEN } };
const readonly = { ...withReadonly, token: READONLY_TOKEN };

/** A well-formed invocation of a table entry: its name (and subcommand), then enough arguments. */
function invocation(spec: CommandSpec): string[] {
  const words = spec.name.toUpperCase().split("|");
  const args = [...words];
  while (args.length < Math.abs(spec.arity)) args.push(`arg${args.length}`);
  // Variadic key-value commands need an even tail.
  if (spec.keys.kind === "range" && spec.keys.step === 2 && (args.length - 1) % 2 !== 0) args.push("v");
  return args;
}

describe("authentication", () => {
  it("accepts Authorization: Bearer", async () => {
    expect(await result(["PING"])).toBe("PONG");
  });

  it("accepts ?_token= and does not treat it as an argument", async () => {
    const answer = await request(`/echo/hi?_token=${TOKEN}`, undefined, { token: null });
    expect(answer).toMatchObject({ status: 200, json: { result: "hi" } });
  });

  it("a missing token is 401 NOAUTH", async () => {
    const answer = await call(["PING"], { token: null });
    expect(answer.status).toBe(401);
    expect(answer.json.error).toBe("NOAUTH Authentication required.");
  });

  it("a wrong token is 401 WRONGPASS, on every endpoint", async () => {
    for (const answer of [
      await call(["PING"], { token: "wrong" }),
      await call(["PING"], { token: `${TOKEN}x` }),
      await pipeline([["PING"]], { token: "wrong" }),
      await multiExec([["PING"]], { token: "wrong" }),
      await request("/get/k", undefined, { token: "wrong" }),
    ]) {
      expect(answer.status).toBe(401);
      expect(answer.json.error).toBe("WRONGPASS invalid username-password pair or user is disabled.");
    }
  });

  it("with no token configured every request is refused with how to set one", async () => {
    const answer = await call(["PING"], { vars: { EDGESLOT_TOKEN: "" } });
    expect(answer.status).toBe(401);
    expect(answer.json.error).toMatch(/no access token is configured.*EDGESLOT_TOKEN.*wrangler secret put/);
    const anyToken = await call(["PING"], { token: "", vars: { EDGESLOT_TOKEN: "" } });
    expect(anyToken.status).toBe(401);
  });
});

describe("read-only token", () => {
  it("runs read commands", async () => {
    await result(["SET", "k", "v"]);
    expect(await result(["GET", "k"], readonly)).toBe("v");
    expect(await result(["MGET", "k", "other"], readonly)).toEqual(["v", null]);
    expect(await result(["DBSIZE"], readonly)).toBe(1);
  });

  it("is refused by the full-token-only gateway when not configured", async () => {
    expect((await call(["GET", "k"], { token: READONLY_TOKEN })).status).toBe(401);
  });

  const writes = (COMMANDS as readonly CommandSpec[]).filter(isWrite);

  it("the table has write commands to refuse", () => {
    expect(writes.length).toBeGreaterThan(20);
  });

  it.each(writes.map((spec) => [spec.name, spec] as const))("%s gets NOPERM and changes nothing", async (name, spec) => {
    await result(["SET", "arg1", "before"]);
    const answer = await call(invocation(spec), readonly);
    expect(answer.status).toBe(400);
    expect(answer.json.error).toBe(`NOPERM this user has no permissions to run the '${name}' command`);
    expect(await result(["GET", "arg1"])).toBe("before");
    expect(answer.headers.get("upstash-sync-token")).toBeTruthy();
  });

  it("NOPERM is inline in a pipeline and discards a transaction", async () => {
    const answer = await pipeline([["GET", "k"], ["SET", "k", "v"]], readonly);
    expect(answer.json).toEqual([{ result: null }, { error: "NOPERM this user has no permissions to run the 'set' command" }]);
    const tx = await multiExec([["GET", "k"], ["SET", "k", "v"]], readonly);
    expect(tx.status).toBe(400);
    expect(tx.json).toEqual({ error: "EXECABORT Transaction discarded because of previous errors." });
  });
});
