// Failover through the gateway: fencing by epoch, planned and forced CLUSTER FAILOVER, automatic
// promotion when a primary fails or hangs, read-your-writes across a failover, the replaced primary
// rejoining as a replica, and seeded drills under continuous writes (sync: nothing acknowledged lost).
import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import type { ClusterSettings, Topology } from "../../shards/coordinator/topology";
import type { FaultKind } from "../../shards/replication/faults";
import type { Shard } from "../../shards/shard";
import { jobObjectName } from "../../shards/compute/job";
import { encodeCommands } from "../../worker/wire/resp";
import { call, pipeline, READONLY_TOKEN, request, type CallOptions } from "../worker/gateway";

const SHARDS = 4;
/**
 * Sync mode runs with two replicas: with one, a failover leaves the new primary no replica to
 * acknowledge its writes (they answer NOREPLICAS) until the old primary is back — the price of the
 * promise, and why a sync deployment wants two. Async runs with the default, one.
 */
const replicasFor = (mode: "async" | "sync") => (mode === "sync" ? 2 : 1);
/** Fast detection for tests: one failed call triggers a probe; probes and calls time out quickly. */
function vars(mode: "async" | "sync"): Partial<Env> {
  return {
    EDGESLOT_REPLICAS: String(replicasFor(mode)),
    EDGESLOT_REPLICATION: mode,
    EDGESLOT_FAILOVER_AFTER: "1",
    EDGESLOT_PROBE_MS: "300",
    EDGESLOT_CALL_TIMEOUT_MS: "800",
  };
}
const settings = (mode: "async" | "sync"): ClusterSettings => ({ shards: SHARDS, replicas: replicasFor(mode), mode, failAfter: 1, probeMs: 300 });
const member = (name: string) => env.SHARD.get(env.SHARD.idFromName(name));
const coordinator = () => env.COORDINATOR.get(env.COORDINATOR.idFromName("coordinator"));
const topology = (mode: "async" | "sync"): Promise<Topology> => coordinator().topology(settings(mode));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** No fault outlives its test, and no member keeps in memory what its storage does not say. Storage
 * itself carries over from test to test here: every change to the gateway's shards goes through the
 * coordinator, so tests read the current topology rather than assume one. */
beforeEach(async () => {
  const names = Array.from({ length: SHARDS }, (_, i) => [`shard-${i}`, `shard-${i}-replica-0`, `shard-${i}-replica-1`]).flat();
  for (const name of names) {
    await member(name).testFault("clear");
    await evictDurableObject(member(name));
  }
  await coordinator().topology(settings("async"));
  await evictDurableObject(coordinator());
});

/** The slot's shard for a key, asked of the gateway. */
async function shardOf(key: string): Promise<number> {
  const slot = (await call(["CLUSTER", "KEYSLOT", key])).json.result as number;
  return Math.floor(slot / (16384 / SHARDS));
}

/** Waits until every replica of `shard` holds all of its primary's log. */
async function caughtUp(mode: "async" | "sync", shard: number): Promise<void> {
  for (const name of (await topology(mode)).groups[shard]!.replicas) await rejoined(name, mode, shard);
}

/** Waits until `name` replicates its shard's primary and holds all of the primary's log. */
async function rejoined(name: string, mode: "async" | "sync", shard: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const group = (await topology(mode)).groups[shard]!;
    const [mine, theirs] = await Promise.all([member(name).memberStatus(), member(group.primary).memberStatus()]);
    if (mine.role === "replica" && !mine.resync && mine.head === theirs.head && mine.epoch === group.epoch) return;
    // New writes push at once; without them the primary retries on its alarm.
    await call(["SET", `nudge:${shard}:${i}`, "1"], { vars: vars(mode) });
    await sleep(25);
  }
  throw new Error(`${name} did not rejoin shard ${shard}`);
}

describe("fencing", () => {
  // Private members (not the gateway's shards): these tests fence objects behind the coordinator's back.
  const unique = () => 7000 + Math.floor(Math.random() * 1_000_000);
  const batch = (key: string, value: string) => encodeCommands([["SET", key, value]]).buffer as ArrayBuffer;

  it("a primary fenced at a newer epoch refuses batches of its old epoch unrun", async () => {
    const shard = unique();
    const primary = member(`shard-${shard}`);
    const options = { shard, epoch: 0, replicas: [`shard-${shard}-replica-0`], mode: "async" as const };
    expect("offset" in (await primary.executeReplicated(batch("k", "1"), undefined, options))).toBe(true);
    const status = await primary.fence(1);
    expect(status).toMatchObject({ epoch: 1, logEpoch: 0, role: "fenced" });
    expect(await primary.executeReplicated(batch("k", "2"), undefined, options)).toEqual({ stale: 1 });
    expect(await primary.executeReplicated(batch("k", "3"), undefined, { ...options, epoch: 1 })).toEqual({ stale: 1 });
    expect(await primary.execute(batch("k", "4")).then(() => "ran", (error: Error) => error.message)).toMatch(/^TRYAGAIN shard-\d+ does not lead/);
    // Its log did not grow: the refused batches never ran.
    expect((await primary.memberStatus()).head).toBe(status.head);
  });

  it("a replica fenced at a newer epoch refuses its old primary's pushes, and the primary learns it was replaced", async () => {
    const shard = unique();
    const primary = member(`shard-${shard}`);
    const options = { shard, epoch: 0, replicas: [`shard-${shard}-replica-0`], mode: "sync" as const };
    expect("offset" in (await primary.executeReplicated(batch("k", "1"), undefined, options))).toBe(true);
    await member(`shard-${shard}-replica-0`).fence(1);
    // The next write cannot be acknowledged by a replica that answers to a newer epoch.
    const refused = await primary.executeReplicated(batch("k", "2"), undefined, options);
    expect("replies" in refused && new TextDecoder().decode(refused.replies)).toMatch(/^-NOREPLICAS/);
    expect(await primary.memberStatus()).toMatchObject({ epoch: 1, role: "fenced" });
    expect(await primary.executeReplicated(batch("k", "3"), undefined, options)).toEqual({ stale: 1 });
  });
});

describe("CLUSTER FAILOVER", () => {
  it("planned: the primary stops, a replica catches up and leads; nothing is lost and the old primary rejoins from its log", async () => {
    const opts = { vars: vars("async") };
    const writes = Array.from({ length: 200 }, (_, i) => ["SET", `pf:${i}`, `v${i}`]);
    expect((await pipeline(writes, opts)).status).toBe(200);
    const before = (await topology("async")).groups[2]!;
    expect((await call(["CLUSTER", "FAILOVER", "SHARD", "2"], opts)).json).toEqual({ result: "OK" });
    const group = (await topology("async")).groups[2]!;
    expect(group).toEqual({ primary: before.replicas[0], replicas: [before.primary], epoch: before.epoch + 1 });
    const values = (await call(["MGET", ...writes.map((w) => w[1]!)], opts)).json;
    expect(values).toEqual({ result: writes.map((w) => w[2]) });
    // CLUSTER SHARDS names the new primary; ROLE on it says master.
    const shards = (await call(["CLUSTER", "SHARDS"], opts)).json.result;
    const roles = shards[2][3].map((node: unknown[]) => node[node.indexOf("role") + 1]);
    expect(roles).toEqual(["master", "replica"]);
    // The old primary had nothing the new one lacked: it follows from its own log, no snapshot.
    await rejoined(before.primary, "async", 2);
    expect(await member(before.primary).digest()).toBe(await member(group.primary).digest());
    // And it can lead again.
    expect((await call(["CLUSTER", "FAILOVER", "SHARD", "2"], opts)).json).toEqual({ result: "OK" });
    expect((await topology("async")).groups[2]).toEqual({ ...before, epoch: before.epoch + 2 });
    expect((await call(["MGET", "pf:0", "pf:199"], opts)).json.result).toEqual(["v0", "v199"]);
  });

  it("planned, when no replica catches up: refused, and the old primary leads again at a new epoch", async () => {
    const opts = { vars: vars("async") };
    expect((await call(["SET", "{pl}k", "1"], opts)).json.result).toBe("OK");
    const shard = await shardOf("{pl}k");
    await caughtUp("async", shard);
    const before = (await topology("async")).groups[shard]!;
    await member(before.replicas[0]!).testFault("fail");
    expect((await call(["SET", "{pl}k", "2"], opts)).json.result).toBe("OK");
    expect((await call(["CLUSTER", "FAILOVER", "SHARD", String(shard)], opts)).json.error).toMatch(/^ERR no replica of shard \d caught up/);
    const after = (await topology("async")).groups[shard]!;
    expect(after).toMatchObject({ primary: before.primary, replicas: before.replicas });
    expect(after.epoch).toBeGreaterThan(before.epoch);
    expect((await call(["GET", "{pl}k"], opts)).json.result).toBe("2");
    expect((await call(["SET", "{pl}k", "3"], opts)).json.result).toBe("OK");
    await member(before.replicas[0]!).testFault("clear");
    await caughtUp("async", shard);
    expect(await member(before.replicas[0]!).digest()).toBe(await member(before.primary).digest());
  });

  it("forced, refused in sync mode while a replica cannot answer: the primary answered its fence, so it leads again at a new epoch", async () => {
    const opts = { vars: vars("sync") };
    expect((await call(["SET", "{ff}k", "1"], opts)).json.result).toBe("OK");
    const shard = await shardOf("{ff}k");
    await caughtUp("sync", shard);
    const before = (await topology("sync")).groups[shard]!;
    await member(before.replicas[0]!).testFault("fail");
    expect((await call(["CLUSTER", "FAILOVER", "FORCE", "SHARD", String(shard)], opts)).json.error).toMatch(/cannot fail over in sync mode while/);
    const after = (await topology("sync")).groups[shard]!;
    expect(after).toMatchObject({ primary: before.primary, replicas: before.replicas });
    expect(after.epoch).toBeGreaterThan(before.epoch);
    // Leading, not left fenced: it answers as primary at the published epoch and serves.
    expect(await member(before.primary).memberStatus()).toMatchObject({ role: "primary", epoch: after.epoch });
    await member(before.replicas[0]!).testFault("clear");
    await caughtUp("sync", shard);
    expect((await call(["SET", "{ff}k", "2"], opts)).json.result).toBe("OK");
    expect((await call(["GET", "{ff}k"], opts)).json.result).toBe("2");
  });

  it("errors: no SHARD, a bad shard, no replicas, read-only tokens, a primary that cannot answer", async () => {
    const opts = { vars: vars("async") };
    expect((await call(["CLUSTER", "FAILOVER"], opts)).json.error).toMatch(/^ERR CLUSTER FAILOVER through the gateway names the shard/);
    expect((await call(["CLUSTER", "FAILOVER", "SHARD", "9"], opts)).json.error).toBe("ERR no shard 9: shards are 0 to 3");
    expect((await call(["CLUSTER", "FAILOVER", "SHARD", "x"], opts)).json.error).toBe("ERR value is not an integer or out of range");
    expect((await call(["CLUSTER", "FAILOVER", "BOGUS"], opts)).json.error).toBe("ERR syntax error");
    expect((await call(["CLUSTER", "FAILOVER", "SHARD", "1"], { vars: { EDGESLOT_REPLICAS: "0" } })).json.error).toMatch(/this deployment has none/);
    const readonly = { vars: { ...vars("async"), EDGESLOT_READONLY_TOKEN: READONLY_TOKEN }, token: READONLY_TOKEN };
    expect((await call(["CLUSTER", "FAILOVER", "SHARD", "1"], readonly)).json.error).toBe("NOPERM this user has no permissions to run the 'cluster|failover' command");
    const before = (await topology("async")).groups[1]!;
    await rejoined(before.replicas[0]!, "async", 1);
    await member(before.primary).testFault("fail");
    expect((await call(["CLUSTER", "FAILOVER", "SHARD", "1"], opts)).json.error).toMatch(/did not answer; use CLUSTER FAILOVER FORCE/);
    expect((await call(["CLUSTER", "FAILOVER", "FORCE", "SHARD", "1"], opts)).json).toEqual({ result: "OK" });
    expect((await topology("async")).groups[1]!.primary).toBe(before.replicas[0]);
  });
});

describe("admin routes", () => {
  it("GET /admin/topology shows every shard's members, epoch and health; POST /admin/failover/<n> moves the lead", async () => {
    const opts = { vars: vars("async") };
    const shown = (await request("/admin/topology", undefined, opts)).json.result;
    expect(shown.groups).toHaveLength(SHARDS);
    const before = shown.groups[3];
    expect(before.replicas).toHaveLength(1);
    await caughtUp("async", 3);
    const moved = await request("/admin/failover/3", "", { ...opts, method: "POST" });
    expect(moved.json).toEqual({ result: { primary: before.replicas[0], epoch: before.epoch + 1 } });
    const after = (await request("/admin/topology", undefined, opts)).json.result;
    expect(after.groups[3]).toEqual({ primary: before.replicas[0], replicas: [before.primary], epoch: before.epoch + 1 });
    expect(after.version).toBeGreaterThan(shown.version);
    const readonly = { vars: { ...vars("async"), EDGESLOT_READONLY_TOKEN: READONLY_TOKEN }, token: READONLY_TOKEN };
    expect(await request("/admin/failover/3", "", { ...readonly, method: "POST" })).toMatchObject({ status: 403, json: { error: "NOPERM admin routes need the full token" } });
    expect(await request("/admin/failover/x", "", { ...opts, method: "POST" })).toMatchObject({ status: 400, json: { error: "ERR the shard must be a number" } });
    expect(await request("/admin/failover/7", "", { ...opts, method: "POST" })).toMatchObject({ status: 400, json: { error: "ERR no shard 7: shards are 0 to 3" } });
  });
});

describe("automatic failover", () => {
  for (const fault of ["fail", "hang"] as const) {
    it(`a primary that starts to ${fault} is probed, replaced, and writes resume on its replica (sync: nothing lost)`, async () => {
      const opts = { vars: vars("sync") };
      const keys = Array.from({ length: 40 }, (_, i) => `af:${i}`);
      for (const key of keys) expect((await call(["SET", key, "before"], opts)).json.result).toBe("OK");
      const shard = await shardOf(keys[0]!);
      await caughtUp("sync", shard);
      const before = (await topology("sync")).groups[shard]!;
      await member(before.primary).testFault(fault);
      // The first write to the failed shard fails (its outcome is unknown to the client); the
      // gateway's report makes the coordinator probe and promote.
      const first = await call(["SET", keys[0]!, "after"], opts);
      expect(first.json.error).toMatch(/failed/);
      const after = (await topology("sync")).groups[shard]!;
      expect(after.epoch).toBe(before.epoch + 1);
      expect(before.replicas).toContain(after.primary);
      for (const key of keys) expect((await call(["SET", key, "after"], opts)).json.result).toBe("OK");
      expect((await call(["MGET", ...keys], opts)).json.result).toEqual(keys.map(() => "after"));
      expect((await coordinator().health(settings("sync")))[before.primary]).toMatchObject({ state: "failed" });
      const shown = (await call(["CLUSTER", "SHARDS"], opts)).json.result[shard][3];
      expect(shown.map((node: unknown[]) => node[node.indexOf("health") + 1])).toContain("fail");
      // Recovered, the old primary rejoins as a replica; its health comes back at the next probe.
      await member(before.primary).testFault("clear");
      await rejoined(before.primary, "sync", shard);
      expect(await member(before.primary).digest()).toBe(await member(after.primary).digest());
      await runDurableObjectAlarm(coordinator());
      expect((await coordinator().health(settings("sync")))[before.primary]).toMatchObject({ state: "ok" });
    });
  }

  it("a primary that forgets its memory rebuilds it from storage and keeps leading; nothing acknowledged is lost", async () => {
    const opts = { vars: vars("async") };
    const writes = Array.from({ length: 50 }, (_, i) => ["HSET", "{fg}h", `f${i}`, `${i}`]);
    expect((await pipeline(writes, opts)).status).toBe(200);
    const shard = await shardOf("{fg}h");
    const before = (await topology("async")).groups[shard]!;
    const digest = await member(before.primary).digest();
    await member(before.primary).testFault("forget");
    expect(await member(before.primary).digest()).toBe(digest);
    expect((await call(["HLEN", "{fg}h"], opts)).json.result).toBe(50);
    expect((await call(["HSET", "{fg}h", "after", "1"], opts)).json.result).toBe(1);
    expect((await topology("async")).groups[shard]).toEqual(before);
    await caughtUp("async", shard);
    expect(await member(before.replicas[0]!).digest()).toBe(await member(before.primary).digest());
  });

  it("a promotion nobody published is superseded: the shard serves again without an operator", async () => {
    const opts = { vars: vars("async") };
    expect((await call(["SET", "{hp}k", "0"], opts)).json.result).toBe("OK");
    const shard = await shardOf("{hp}k");
    await caughtUp("async", shard);
    const before = (await topology("async")).groups[shard]!;
    const orphan = before.replicas[0]!;
    // As if a failover had promoted the replica and lost the answer, at an epoch above any the
    // coordinator reserved (its storage reset, say).
    await member(orphan).fence(before.epoch + 5);
    await member(orphan).promote(before.epoch + 5, [before.primary], shard, "async");
    // The old primary learns from the orphan's refusal that it was replaced; the gateway, finding the
    // coordinator still names it, reports it; the coordinator fails over above every epoch heard.
    let served = -1;
    for (let i = 1; i <= 8 && served < 0; i++) if ((await call(["SET", "{hp}k", String(i)], opts)).json.result === "OK" && (await topology("async")).groups[shard]!.epoch > before.epoch) served = i;
    expect(served).toBeGreaterThan(0);
    const after = (await topology("async")).groups[shard]!;
    expect(after.epoch).toBeGreaterThan(before.epoch + 5);
    expect((await call(["SET", "{hp}k", "last"], opts)).json.result).toBe("OK");
    expect((await call(["GET", "{hp}k"], opts)).json.result).toBe("last");
    await caughtUp("async", shard);
    expect(await member(after.replicas[0]!).digest()).toBe(await member(after.primary).digest());
  });

  it("a primary whose calls fail but whose probe answers stays primary", async () => {
    const opts = { vars: { ...vars("async"), EDGESLOT_FAILOVER_AFTER: "2" } };
    await call(["SET", "stay", "1"], opts);
    const shard = await shardOf("stay");
    const group = (await topology("async")).groups[shard]!;
    const after = await coordinator().reportFailure({ ...settings("async"), failAfter: 2 }, shard, group.epoch, group.primary, "client timeout");
    expect(after.groups[shard]).toEqual(group);
    const again = await coordinator().reportFailure({ ...settings("async"), failAfter: 2 }, shard, group.epoch, group.primary, "client timeout");
    expect(again.groups[shard]).toEqual(group);
    expect((await coordinator().health(settings("async")))[group.primary]).toMatchObject({ state: "ok", failures: 0 });
  });

  it("async mode: writes the replica never received are lost at failover, counted, and the old primary's copy is discarded on rejoin", async () => {
    const opts = { vars: vars("async") };
    expect((await call(["SET", "{l}base", "1"], opts)).json.result).toBe("OK");
    const shard = await shardOf("{l}base");
    const before = (await topology("async")).groups[shard]!;
    const [replica, primary] = [before.replicas[0]!, before.primary];
    await rejoined(replica, "async", shard);
    // The replica stops answering; the primary acknowledges writes it cannot replicate.
    await member(replica).testFault("fail");
    const unreplicated = Array.from({ length: 5 }, (_, i) => ["SET", `{l}lost:${i}`, "x"]);
    expect((await pipeline(unreplicated, opts)).json.every((r: { result: unknown }) => r.result === "OK")).toBe(true);
    await member(replica).testFault("clear");
    await member(primary).testFault("fail");
    // Forced over a primary that cannot answer: the replica takes over with what it had.
    expect((await call(["CLUSTER", "FAILOVER", "FORCE", "SHARD", String(shard)], opts)).json).toEqual({ result: "OK" });
    // All five were acknowledged, and all five are gone: async mode's loss, as Redis's.
    expect((await call(["EXISTS", ...unreplicated.map((w) => w[1]!)], opts)).json.result).toBe(0);
    expect((await call(["GET", "{l}base"], opts)).json.result).toBe("1");
    await member(primary).testFault("clear");
    // Its log diverged (it holds the lost writes): it is rebuilt from a snapshot of the new primary.
    expect((await member(primary).memberStatus()).head).toBeGreaterThan((await member(replica).memberStatus()).head - 1);
    await rejoined(primary, "async", shard);
    expect(await member(primary).digest()).toBe(await member(replica).digest());
  });
});

describe("cross-shard transactions across a failover", () => {
  it("a transaction decided while a participant fails over is applied by its successor, from the replicated lock", async () => {
    const opts = { vars: vars("sync") };
    const keys: string[] = [];
    for (let i = 0; keys.length < 2; i++) {
      const key = `{xf${i}}`;
      if ((await shardOf(key)) === keys.length) keys.push(key);
    }
    const [a, b] = keys as [string, string];
    expect((await call(["MSET", a, "10", b, "0"], opts)).json.result).toBe("OK");
    for (const shard of [0, 1]) await caughtUp("sync", shard);
    const transfer = "redis.call('DECRBY', KEYS[1], ARGV[1]); return redis.call('INCRBY', KEYS[2], ARGV[1])";
    // The gateway stops after the decision record says commit, before any participant applies.
    const stopped = await call(["EVAL", transfer, "2", a, b, "4"], { ...opts, headers: { "x-edgeslot-test-fault": "after-decision" } });
    expect(stopped.json.error).toMatch(/test fault/);
    // Shard 0's primary dies holding the lock; its successor got the lock table with the log.
    const before = (await topology("sync")).groups[0]!;
    await member(before.primary).testFault("fail");
    expect((await call(["CLUSTER", "FAILOVER", "FORCE", "SHARD", "0"], opts)).json).toEqual({ result: "OK" });
    const successor = (await topology("sync")).groups[0]!.primary;
    expect(before.replicas).toContain(successor);
    // Both participants settle at their locks' deadlines through the decision record.
    for (const name of [successor, (await topology("sync")).groups[1]!.primary]) {
      await runInDurableObject(member(name), (instance: Shard) => {
        instance.clock = () => Date.now() + 3_600_000;
      });
      await runDurableObjectAlarm(member(name));
    }
    expect((await call(["MGET", a, b], opts)).json.result).toEqual(["6", "4"]);
    await member(before.primary).testFault("clear");
    await caughtUp("sync", 0);
    for (const name of [successor, (await topology("sync")).groups[1]!.primary]) {
      await runInDurableObject(member(name), (instance: Shard) => {
        instance.clock = Date.now;
      });
    }
  });
});

describe("compute jobs across a failover", () => {
  it("a /compute job started after a failover reaches each shard's new primary", async () => {
    // The job object reads the deployment's own settings (one replica, async), as these vars do.
    const opts = { vars: vars("async") };
    const load = Array.from({ length: 400 }, (_, i) => ["SET", `job:${i}`, String(i)]);
    expect((await pipeline(load, opts)).status).toBe(200);
    for (let shard = 0; shard < SHARDS; shard++) {
      await caughtUp("async", shard);
      expect((await call(["CLUSTER", "FAILOVER", "SHARD", String(shard)], opts)).json).toEqual({ result: "OK" });
    }
    const id = (await request("/compute", JSON.stringify(["MAPREDUCE", "return redis.call('GET', KEYS[1])", "SUM", "MATCH", "job:*"]), opts)).json.result;
    let view = (await request(`/compute/${id}`, undefined, opts)).json.result;
    for (let round = 0; view.status === "running" && round < 200; round++) {
      await runDurableObjectAlarm(env.COMPUTE_JOB.get(env.COMPUTE_JOB.idFromName(jobObjectName(id))));
      view = (await request(`/compute/${id}`, undefined, opts)).json.result;
    }
    expect(view).toMatchObject({ status: "done", result: (400 * 399) / 2 });
  });
});

describe("read-your-writes across a failover", () => {
  it("a read with the sync token never sees an older value, before, during and after the failover", async () => {
    const opts = (token?: string): CallOptions => ({ vars: vars("sync"), headers: { "upstash-read-from": "replica", ...(token ? { "upstash-sync-token": token } : {}) } });
    let token: string | undefined;
    const write = async (value: number) => {
      const answer = await call(["SET", "ryw", String(value)], opts(token));
      token = answer.headers.get("upstash-sync-token") ?? token;
      return answer;
    };
    for (let i = 1; i <= 10; i++) {
      expect((await write(i)).json.result).toBe("OK");
      expect((await call(["GET", "ryw"], opts(token))).json.result).toBe(String(i));
    }
    const shard = await shardOf("ryw");
    await caughtUp("sync", shard);
    const before = (await topology("sync")).groups[shard]!;
    await member(before.primary).testFault("fail");
    await write(11).catch(() => undefined);
    let value = 11;
    for (let i = 12; i <= 30; i++) {
      const answer = await write(i);
      if (answer.json.result === "OK") value = i;
      const read = (await call(["GET", "ryw"], opts(token))).json.result;
      expect(Number(read)).toBeGreaterThanOrEqual(value);
    }
    expect(value).toBe(30);
    await member(before.primary).testFault("clear");
  });
});

/** One drill: writers keep writing while the primary of a random shard fails (or hangs) at a random
 * moment; answers the acknowledged writes lost and how long writes to that shard stopped. */
async function drill(seed: number, mode: "async" | "sync"): Promise<{ lost: number; acked: number; outageMs: number; shard: number }> {
  let state = seed;
  const next = (n: number) => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) % n);
  const opts: CallOptions = { vars: vars(mode) };
  const shard = next(SHARDS);
  const fault: FaultKind = next(3) === 0 ? "hang" : "fail";
  const failAt = 5 + next(25);
  // The drill's keys share a hash tag whose slot `shard` owns.
  let key = "";
  for (let i = 0; key === ""; i++) if ((await shardOf(`{d${seed}-${i}}`)) === shard) key = `{d${seed}-${i}}`;
  const acked = new Map<string, string>();
  await caughtUp(mode, shard);
  const primary = (await topology(mode)).groups[shard]!.primary;
  let faultAt = 0;
  let resumedAt = 0;
  for (let n = 0; n < failAt + 400 && (resumedAt === 0 || acked.size < failAt + 10); n++) {
    if (n === failAt) {
      await member(primary).testFault(fault);
      faultAt = Date.now();
    }
    const field = `${key}:${n}`;
    const value = `v${seed}-${n}`;
    const [set] = (await pipeline([["SET", field, value], ["INCR", `${key}:count`]], opts)).json as { result?: unknown }[];
    if (set?.result === "OK") {
      acked.set(field, value);
      if (faultAt > 0 && resumedAt === 0) resumedAt = Date.now();
    }
  }
  const fields = [...acked.keys()];
  const values = fields.length ? ((await call(["MGET", ...fields], opts)).json.result as (string | null)[]) : [];
  const lost = values.filter((v, i) => v !== acked.get(fields[i]!)).length;
  await member(primary).testFault("clear");
  // The next drill may fail this shard again: its only replica must be caught up by then.
  await rejoined(primary, mode, shard);
  return { lost, acked: acked.size, outageMs: resumedAt - faultAt, shard };
}

describe("failover drills under continuous writes", () => {
  it("50 seeded drills in sync mode lose no acknowledged write; the replaced primary always rejoins", async () => {
    const outages: number[] = [];
    let acked = 0;
    for (let d = 0; d < 50; d++) {
      const result = await drill(20261121 + d, "sync");
      expect(result.lost, `drill ${d} (shard ${result.shard})`).toBe(0);
      outages.push(result.outageMs);
      acked += result.acked;
    }
    outages.sort((a, b) => a - b);
    console.log(`sync drills: 50, acknowledged writes ${acked}, lost 0; writes resumed after median ${outages[25]} ms, max ${outages[49]} ms`);
    // Every shard's members agree at the end.
    for (let shard = 0; shard < SHARDS; shard++) {
      await caughtUp("sync", shard);
      const group = (await topology("sync")).groups[shard]!;
      for (const replica of group.replicas) expect(await member(replica).digest()).toBe(await member(group.primary).digest());
    }
  }, 600_000);

  it("10 seeded drills in async mode: lost acknowledged writes are counted, and members agree afterwards", async () => {
    let lost = 0;
    let acked = 0;
    for (let d = 0; d < 10; d++) {
      const result = await drill(4242 + d, "async");
      lost += result.lost;
      acked += result.acked;
    }
    console.log(`async drills: 10, acknowledged writes ${acked}, lost ${lost}`);
    expect(lost).toBeLessThanOrEqual(acked);
    for (let shard = 0; shard < SHARDS; shard++) {
      await caughtUp("async", shard);
      const group = (await topology("async")).groups[shard]!;
      expect(await member(group.replicas[0]!).digest()).toBe(await member(group.primary).digest());
    }
  }, 300_000);
});
