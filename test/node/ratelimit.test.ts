// The unmodified @upstash/ratelimit 2.x (its scripts carry `#!lua flags=allow-key-locking`, run by
// EVALSHA then EVAL on NOSCRIPT) over @upstash/redis against a gateway with one shard, then four
// (its keys span slots, so scripts and the deny list's MULTI run as cross-shard transactions): each
// algorithm limits as documented. Windows are short and waited out; nothing asserts speed.
import { Analytics, IpDenyList, MultiRegionRatelimit, Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayProcess } from "../compat/gateway-process";

let gateway: GatewayProcess;
let redis: Redis;
let gatewayShards = 1;


const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Until `at` (epoch ms) has passed, with a margin for the two clocks' rounding. */
const until = (at: number) => sleep(Math.max(0, at - Date.now()) + 50);
/** Until a fresh window of `windowMs` starts, so a short burst stays inside one window. */
const freshWindow = (windowMs: number) => until(Math.ceil(Date.now() / windowMs) * windowMs);

/** A limiter with no timeout (a slow local runtime must not turn into `success: true, reason: "timeout"`)
 * and no ephemeral cache unless a test asks for it, so every call reaches the store. */
/**
 * resetUsedTokens runs a script that SCANs for the identifier's keys: SCAN in a script walks the shard
 * it runs on (differences.ts, script-non-local-key), so with several shards only that shard's keys go.
 */
async function resetUsedTokens(ratelimit: Ratelimit, id: string, limit: number) {
  await ratelimit.resetUsedTokens(id);
  if (gatewayShards === 1) expect((await ratelimit.getRemaining(id)).remaining).toBe(limit);
}

function limiter(limiter: ConstructorParameters<typeof Ratelimit>[0]["limiter"], prefix: string, options: Partial<ConstructorParameters<typeof Ratelimit>[0]> = {}) {
  return new Ratelimit({ redis, limiter, prefix, timeout: 0, ephemeralCache: false, analytics: false, enableTelemetry: false, ...options });
}

async function burst(ratelimit: Ratelimit, id: string, count: number) {
  const out = [];
  for (let i = 0; i < count; i++) out.push(await ratelimit.limit(id));
  return out;
}

describe.each([1, 4])("@upstash/ratelimit 2.x with EDGESLOT_SHARDS=%i", (shards) => {
  beforeAll(async () => {
    gatewayShards = shards;
    gateway = await GatewayProcess.start({ vars: { EDGESLOT_SHARDS: String(shards) } });
    redis = new Redis({ url: gateway.url, token: gateway.token, enableTelemetry: false });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it("fixedWindow: allowed up to the limit in a window, denied after, allowed again in the next", async () => {
    const windowMs = 2000;
    const ratelimit = limiter(Ratelimit.fixedWindow(3, "2 s"), "rl-fixed");
    await redis.scriptFlush(); // the first call meets NOSCRIPT and falls back to EVAL
    await freshWindow(windowMs);
    const first = await burst(ratelimit, "user", 4);
    const reset = (Math.floor(Date.now() / windowMs) + 1) * windowMs;
    expect(first.map((r) => [r.success, r.remaining, r.limit, r.reset])).toEqual([
      [true, 2, 3, reset],
      [true, 1, 3, reset],
      [true, 0, 3, reset],
      [false, 0, 3, reset],
    ]);
    expect(await ratelimit.getRemaining("user")).toEqual({ remaining: 0, reset, limit: 3 });
    // The window's counter expires with the window (PEXPIRE on first use).
    const keys = await redis.keys("rl-fixed:user:*");
    expect(keys).toEqual([`rl-fixed:user:${reset / windowMs - 1}`]);
    const ttl = await redis.pttl(keys[0]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(windowMs);

    await until(reset);
    const next = await ratelimit.limit("user");
    expect([next.success, next.remaining, next.reset]).toEqual([true, 2, reset + windowMs]);

    await resetUsedTokens(ratelimit, "user", 3);
    if (shards === 1) expect(await redis.keys("rl-fixed:user:*")).toEqual([]);
  });

  it("slidingWindow: denied at the limit, weighted by the previous window, allowed once it has passed", async () => {
    const windowMs = 2000;
    const ratelimit = limiter(Ratelimit.slidingWindow(3, "2 s"), "rl-sliding");
    await freshWindow(windowMs);
    const first = await burst(ratelimit, "user", 4);
    const reset = (Math.floor(Date.now() / windowMs) + 1) * windowMs;
    expect(first.map((r) => [r.success, r.remaining, r.limit, r.reset])).toEqual([
      [true, 2, 3, reset],
      [true, 1, 3, reset],
      [true, 0, 3, reset],
      [false, 0, 3, reset],
    ]);
    expect(await ratelimit.getRemaining("user")).toEqual({ remaining: 0, reset, limit: 3 });
    // In the next window the previous one still counts, weighted by how much of it overlaps:
    // remaining is at most what the previous window's weight leaves.
    await until(reset);
    const { remaining } = await ratelimit.getRemaining("user");
    expect(remaining).toBeLessThan(3);
    // Two windows on, nothing is left of the burst.
    await until(reset + windowMs);
    const later = await ratelimit.limit("user");
    expect([later.success, later.remaining]).toEqual([true, 2]);

    await resetUsedTokens(ratelimit, "user", 3);
  });

  it("tokenBucket: starts full, denies when empty, refills refillRate tokens per interval", async () => {
    const ratelimit = limiter(Ratelimit.tokenBucket(2, "2 s", 3), "rl-bucket");
    const before = Date.now();
    const first = await burst(ratelimit, "user", 4);
    const reset = first[0]!.reset;
    expect(reset).toBeGreaterThanOrEqual(before + 2000);
    expect(reset).toBeLessThanOrEqual(Date.now() + 2000);
    expect(first.map((r) => [r.success, r.remaining, r.limit, r.reset])).toEqual([
      [true, 2, 3, reset],
      [true, 1, 3, reset],
      [true, 0, 3, reset],
      [false, 0, 3, reset],
    ]);
    expect(await ratelimit.getRemaining("user")).toEqual({ remaining: 0, reset, limit: 3 });

    await until(reset);
    const refilled = await burst(ratelimit, "user", 3);
    expect(refilled.map((r) => [r.success, r.remaining, r.reset])).toEqual([
      [true, 1, reset + 2000],
      [true, 0, reset + 2000],
      [false, 0, reset + 2000],
    ]);

    await resetUsedTokens(ratelimit, "user", 3);
  });

  it("limit(id, { rate }) consumes several tokens; a refused rate consumes none", async () => {
    const ratelimit = limiter(Ratelimit.tokenBucket(1, "1 m", 5), "rl-rate");
    expect((await ratelimit.limit("user", { rate: 4 })).remaining).toBe(1);
    const refused = await ratelimit.limit("user", { rate: 2 });
    expect([refused.success, refused.remaining]).toEqual([false, 0]);
    expect((await ratelimit.limit("user")).remaining).toBe(0);
  });

  it("dynamic limits: a global limit key declared beside the window's key", async () => {
    const ratelimit = limiter(Ratelimit.fixedWindow(5, "1 m"), "rl-dynamic", { dynamicLimits: true });
    await ratelimit.setDynamicLimit({ limit: 1 });
    expect(await ratelimit.getDynamicLimit()).toEqual({ dynamicLimit: 1 });
    const [allowed, denied] = await burst(ratelimit, "user", 2);
    expect([allowed!.success, allowed!.limit, denied!.success, denied!.limit]).toEqual([true, 1, false, 1]);
  });

  it("the default ephemeral cache blocks a denied identifier without asking the store", async () => {
    const ratelimit = new Ratelimit({ redis, limiter: Ratelimit.fixedWindow(1, "1 m"), prefix: "rl-cache", timeout: 0, enableTelemetry: false });
    const [allowed, denied, cached] = await burst(ratelimit, "user", 3);
    expect([allowed!.success, denied!.success, cached!.success, cached!.reason]).toEqual([true, false, false, "cacheBlock"]);
  });

  it("deny list (enableProtection): a listed identifier is denied through the check script", async () => {
    const prefix = "rl-protect";
    // Disabling the IP deny list (a MULTI of SDIFFSTORE, DEL and SET across slots) keeps it from
    // being fetched from the network: its status key is no longer missing.
    expect(await IpDenyList.disableIpDenyList(redis, prefix)).toEqual([0, 0, "OK"]);
    expect(await redis.get(`${prefix}:ipDenyListStatus`)).toBe("disabled");
    await redis.sadd(`${prefix}:denyList:all`, "blocked-user");
    const ratelimit = limiter(Ratelimit.fixedWindow(5, "1 m"), prefix, { enableProtection: true });
    const denied = await ratelimit.limit("blocked-user");
    expect([denied.success, denied.reason, denied.deniedValue]).toEqual([false, "denyList", "blocked-user"]);
    const allowed = await ratelimit.limit("fine-user");
    expect([allowed.success, allowed.remaining]).toEqual([true, 4]);
  });

  it("analytics: events are recorded and aggregated by its scripts (one shard: its reader touches undeclared keys)", async () => {
    const ratelimit = limiter(Ratelimit.fixedWindow(1, "1 m"), "rl-analytics", { analytics: true });
    const results = await burst(ratelimit, "user", 2);
    await Promise.all(results.map((r) => r.pending));
    // Read back through the package's own Analytics reader, over the same prefix.
    const analytics = new Analytics({ redis, prefix: "rl-analytics" });
    const usage = analytics.getUsage(Date.now() - 60 * 60 * 1000);
    // Its script reads hour buckets it does not declare. Which buckets it reads depends on the clock:
    // on one shard, or when they all hash to the shard the script runs on, it answers the counts;
    // when one lives on another shard it is refused, as Redis Cluster refuses it (differences.ts,
    // script-non-local-key). Nothing else may come back.
    const outcome = await usage.then((counts) => counts, (error: Error) => error);
    if (shards === 1 || !(outcome instanceof Error)) expect(outcome).toEqual({ user: { success: 1, blocked: 1 } });
    else expect(outcome.message).toMatch(/ERR Script attempted to access a non local key in a cluster node/);
  });

  // Two regions, each its own gateway and store; every limit() waits for the regions to sync.
  // (With four shards only: its scripts' keys then span shards in both regions.)
  it.runIf(shards === 4)("multi-region fixedWindow and slidingWindow over two gateways: allowed up to the limit, then denied", async () => {
    const other = await GatewayProcess.start({ vars: { EDGESLOT_SHARDS: String(shards) } });
    const regions = [redis, new Redis({ url: other.url, token: other.token, enableTelemetry: false })];
    try {
      // A denied request reports what the library computes: fixedWindow records it before counting (-1).
      const cases = [
        ["fixed", MultiRegionRatelimit.fixedWindow(3, "30 s"), -1],
        ["sliding", MultiRegionRatelimit.slidingWindow(3, "30 s"), 0],
      ] as const;
      for (const [name, algorithm, deniedRemaining] of cases) {
        const ratelimit = new MultiRegionRatelimit({ redis: regions, limiter: algorithm, prefix: `rl-multi-${name}`, timeout: 0, ephemeralCache: false, analytics: false, enableTelemetry: false });
        const results = [];
        for (let i = 0; i < 4; i++) {
          const result = await ratelimit.limit("user");
          await result.pending;
          results.push([result.success, result.remaining]);
        }
        expect(results, name).toEqual([[true, 2], [true, 1], [true, 0], [false, deniedRemaining]]);
      }
    } finally {
      await other.stop();
    }
  }, 120_000);
});
