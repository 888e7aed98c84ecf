// The binding's `readFrom: "replica"` option: read-only calls run on a replica once it holds the
// data; writes and mixed pipelines stay on the primary. The entrypoint is built here with
// EDGESLOT_REPLICAS set (the configured bindings run with the default, no replicas).
import { createExecutionContext, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { EdgeslotRpc } from "../../worker/rpc";

const replicated = () => new EdgeslotRpc(createExecutionContext(), { ...env, EDGESLOT_REPLICAS: "1" } as Env);

describe("binding readFrom: replica", () => {
  it("reads run on a replica after WAIT; writes on the primary", async () => {
    const rpc = replicated();
    const key = `b:${Math.random().toString(36).slice(2)}`;
    expect(await rpc.pipeline([["SET", key, "v"], ["WAIT", 1, 0]])).toEqual([{ result: "OK" }, { result: 1 }]);
    // ROLE runs on the shard of the pipeline's key.
    const read = await rpc.pipeline([["GET", key], ["ROLE"]], { readFrom: "replica" });
    expect(read).toEqual([{ result: "v" }, { result: expect.arrayContaining(["slave"]) }]);
    const mixed = await rpc.pipeline([["SET", key, "w"], ["ROLE"]], { readFrom: "replica" });
    expect((mixed as { result: unknown[] }[])[1]!.result[0]).toBe("master");
    expect(await rpc.exec(["GET", key])).toEqual({ result: "w" });
  });
});
