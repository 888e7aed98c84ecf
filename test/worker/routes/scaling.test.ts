// The scaling admin surface: POST /admin/shards, DELETE /admin/shards/:n, POST /admin/slots/move,
// POST /admin/rebalance and CLUSTER ADDSHARDS/REMOVESHARD/MOVESLOTS/REBALANCE refuse bad arguments
// with Redis-style errors, and only the full token may use them.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { readConfig } from "../../../worker/config";
import { call, READONLY_TOKEN, request, type CallOptions } from "../gateway";

const post = (path: string, options: CallOptions = {}) => request(path, "", { method: "POST", ...options });
const del = (path: string, options: CallOptions = {}) => request(path, undefined, { method: "DELETE", ...options });
const READONLY = { vars: { EDGESLOT_READONLY_TOKEN: READONLY_TOKEN }, token: READONLY_TOKEN } satisfies CallOptions;

describe("scaling admin routes", () => {
  it("need the full token", async () => {
    for (const answer of [
      await post("/admin/shards?add=1", READONLY),
      await del("/admin/shards/1", READONLY),
      await post("/admin/slots/move?first=0&last=5&to=1", READONLY),
      await post("/admin/rebalance", READONLY),
    ]) {
      expect(answer.status).toBe(403);
      expect(answer.json.error).toMatch(/^NOPERM/);
    }
  });

  it("refuse bad arguments", async () => {
    const cases: [Promise<{ status: number; json: any }>, string][] = [
      [post("/admin/shards?add=0"), "ERR the number of shards to add must be a positive integer"],
      [post("/admin/shards?add=x"), "ERR add must be the number of shards to add"],
      [del("/admin/shards/4"), "ERR no shard 4: shards are 0 to 3"],
      [del("/admin/shards/x"), "ERR the shard must be a number"],
      [post("/admin/slots/move?first=0&last=16384&to=1"), "ERR Invalid or out of range slot"],
      [post("/admin/slots/move?first=-1&last=5&to=1"), "ERR Invalid or out of range slot"],
      [post("/admin/slots/move?first=9&last=5&to=1"), "ERR start slot number 9 is greater than end slot number 5"],
      [post("/admin/slots/move?first=0&last=5&to=7"), "ERR no shard 7: shards are 0 to 3"],
      [post("/admin/slots/move?first=0&last=5"), "ERR to must be a shard number"],
      [post("/admin/rebalance?by=keys"), "ERR by must be slots or memory"],
    ];
    for (const [answer, error] of cases) expect(await answer).toMatchObject({ status: 400, json: { error } });
  });

  it("take DELETE on /admin/shards/:n only", async () => {
    expect((await del("/admin/topology")).status).toBe(405);
    expect((await request("/", JSON.stringify(["PING"]), { method: "DELETE" })).status).toBe(405);
  });

  it("GET /admin/topology answers without replicas too: each shard a primary alone, and the slot map", async () => {
    const vars = { EDGESLOT_SHARDS: "3", EDGESLOT_REPLICAS: "0" };
    const shown = await request("/admin/topology", undefined, { vars });
    expect(shown.status).toBe(200);
    expect(shown.json.result.groups.map((group: { replicas: string[] }) => group.replicas)).toEqual([[], [], []]);
    expect(shown.json.result.slots.ranges.map((range: { first: number; group: number }) => [range.first, range.group])).toEqual([[0, 0], [5461, 1], [10922, 2]]);
  });

  it("refuse removing the last shard, also without replicas", async () => {
    const vars = { EDGESLOT_SHARDS: "1", EDGESLOT_REPLICAS: "0" };
    expect(await del("/admin/shards/0", { vars })).toMatchObject({ status: 400, json: { error: "ERR shard 0 is the last shard: there is nowhere to move its slots" } });
  });
});

describe("CLUSTER scaling commands", () => {
  const error = async (args: (string | number)[], options?: CallOptions) => (await call(args, options)).json.error;

  it("refuse bad arguments with Redis's errors", async () => {
    expect(await error(["CLUSTER", "ADDSHARDS", "x"])).toBe("ERR value is not an integer or out of range");
    // The shards' internal range scan for moves is not a client command.
    expect(await error(["CLUSTER", "KEYSINRANGE", "0", "16383"])).toMatch(/^ERR unknown subcommand 'KEYSINRANGE'/i);
    expect(await error(["CLUSTER", "ADDSHARDS", "-2"])).toBe("ERR the number of shards to add must be a positive integer");
    expect(await error(["CLUSTER", "ADDSHARDS"])).toBe("ERR wrong number of arguments for 'cluster|addshards' command");
    expect(await error(["CLUSTER", "REMOVESHARD", "4"])).toBe("ERR no shard 4: shards are 0 to 3");
    expect(await error(["CLUSTER", "MOVESLOTS", "0", "99999", "1"])).toBe("ERR Invalid or out of range slot");
    expect(await error(["CLUSTER", "MOVESLOTS", "a", "5", "1"])).toBe("ERR Invalid or out of range slot");
    expect(await error(["CLUSTER", "MOVESLOTS", "10", "5", "1"])).toBe("ERR start slot number 10 is greater than end slot number 5");
    expect(await error(["CLUSTER", "MOVESLOTS", "0", "5", "9"])).toBe("ERR no shard 9: shards are 0 to 3");
    expect(await error(["CLUSTER", "REBALANCE", "KEYS"])).toBe("ERR syntax error");
    expect(await error(["CLUSTER", "REBALANCE", "SLOTS", "NOW"])).toBe("ERR syntax error");
  });

  it("are admin commands: a read-only token gets NOPERM", async () => {
    expect(await error(["CLUSTER", "ADDSHARDS", "1"], READONLY)).toMatch(/^NOPERM/);
    expect(await error(["CLUSTER", "MOVESLOTS", "0", "5", "1"], READONLY)).toMatch(/^NOPERM/);
  });

  it("rebalancing an even cluster by slots queues nothing", async () => {
    expect((await call(["CLUSTER", "REBALANCE"])).json).toEqual({ result: 0 });
    expect((await call(["CLUSTER", "REBALANCE", "slots"])).json).toEqual({ result: 0 });
    expect(await request("/admin/rebalance?by=slots", "", { method: "POST" })).toMatchObject({ status: 200, json: { result: { queued: 0 } } });
  });
});

describe("auto-split settings", () => {
  const read = (vars: Partial<Env>) => readConfig({ ...env, ...vars } as Env);

  it("are off unless a memory share or a rate factor is set", () => {
    expect(read({}).autoSplit).toBeUndefined();
    expect(read({}).maxShards).toBe(64);
    expect(read({ EDGESLOT_AUTOSPLIT_MEMORY: "0.75", EDGESLOT_MAXMEMORY: "1000" }).autoSplit).toEqual({ memoryShare: 0.75, maxMemory: 1000, rateFactor: 0, checkMs: 60_000 });
    expect(read({ EDGESLOT_AUTOSPLIT_RATE: "4", EDGESLOT_AUTOSPLIT_CHECK_MS: "5000", EDGESLOT_MAX_SHARDS: "8" })).toMatchObject({
      autoSplit: { memoryShare: 0, maxMemory: 96 * 1024 * 1024, rateFactor: 4, checkMs: 5000 },
      maxShards: 8,
    });
  });

  it("refuse values out of range", () => {
    expect(() => read({ EDGESLOT_AUTOSPLIT_MEMORY: "1.5" })).toThrow("EDGESLOT_AUTOSPLIT_MEMORY must be a number above 0 and at most 1, got '1.5'");
    expect(() => read({ EDGESLOT_AUTOSPLIT_RATE: "-1" })).toThrow("EDGESLOT_AUTOSPLIT_RATE must be a positive number, got '-1'");
  });
});
