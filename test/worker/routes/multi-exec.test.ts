// `POST /multi-exec` specifics over HTTP: 200 for a transaction that ran, 400 for one discarded as a
// whole. The transaction rules shared with the binding are in test/transports/suites/multi-exec.ts.
import { describe, expect, it } from "vitest";
import { keysOnShards, multiExec, useEmptyStore } from "../gateway";

useEmptyStore();

describe("multi-exec", () => {
  it("answers 200 with the per-command array", async () => {
    const answer = await multiExec([["SET", "{t}a", "1"], ["INCR", "{t}a"]]);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual([{ result: "OK" }, { result: 2 }]);
  });

  it("answers 400 with one error for EXECABORT and for a command that cannot join a cross-shard transaction", async () => {
    const aborted = await multiExec([["SET", "{t}a", "1"], ["GET"]]);
    expect(aborted.status).toBe(400);
    expect(aborted.json).toEqual({ error: "EXECABORT Transaction discarded because of previous errors." });
    const [a, b] = await keysOnShards();
    const cross = await multiExec([["SET", a!, "1"], ["SET", b!, "2"]]);
    expect(cross.status).toBe(200);
    expect(cross.json).toEqual([{ result: "OK" }, { result: "OK" }]);
    const refused = await multiExec([["SET", a!, "1"], ["SET", b!, "2"], ["KEYS", "*"]]);
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({ error: "ERR 'keys' cannot run in a transaction whose keys span shards" });
  });
});
