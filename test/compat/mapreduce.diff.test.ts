// Differential: the same random data in redis-server and in gateways with 1, 4 and 8 shards; each
// aggregate computed on redis-server with plain commands (SCAN + GET/HGET/ZSCORE, as a client would)
// and by MAPREDUCE on the gateway must be identical.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Reply } from "../../worker/wire/resp";
import { GatewayProcess } from "./gateway-process";
import { Random, streamSeed } from "./random";
import { MISSING_REDIS_MESSAGE, redisAvailability, RedisServer } from "./redis-server";
import type { RespClient } from "./resp-client";

const availability = redisAvailability();
const dec = new TextDecoder();
const text = (reply: Reply) => (reply instanceof Uint8Array ? dec.decode(reply) : String(reply));
const TEAMS = ["amber", "blue", "cyan", "green", "red"];

/** Random keys of every type; scores and float counters are multiples of 1/4, so sums are exact in any order. */
function dataset(random: Random): string[][] {
  const commands: string[][] = [];
  for (let i = 0; i < 300; i++) commands.push(["SET", `cnt:${i}`, String(random.int(-1000, 1000))]);
  for (let i = 0; i < 60; i++) commands.push(["SET", `flt:${i}`, String(random.int(-400, 400) / 4)]);
  for (let i = 0; i < 120; i++) commands.push(["HSET", `user:${i}`, "team", random.pick(TEAMS), "score", String(random.int(0, 100))]);
  for (let i = 0; i < 80; i++) commands.push(["ZADD", `board:${i}`, String(random.int(0, 40) / (random.chance(0.5) ? 2 : 1)), "m"]);
  for (let i = 0; i < 30; i++) commands.push(["SADD", `set:${i}`, "a", "b"]);
  for (let i = 0; i < 20; i++) commands.push(["RPUSH", `list:${i}`, "x"]);
  return commands;
}

async function scanAll(redis: RespClient, ...options: string[]): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, page] = (await redis.call("SCAN", cursor, "COUNT", "100", ...options)) as [Uint8Array, Uint8Array[]];
    cursor = text(next);
    keys.push(...page.map(text));
  } while (cursor !== "0");
  return keys;
}

/** What MAPREDUCE answers for a number: integers as JSON numbers, other doubles as `%.17g` text. */
const asReply = (n: number) => (Number.isInteger(n) ? n : String(n));
const byValueThenKey = (a: [string, number], b: [string, number]) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

describe.runIf(availability.available)("MAPREDUCE against SCAN + GET/HGET/ZSCORE on redis-server", () => {
  const seed = streamSeed();
  let server: RedisServer;
  let redis: RespClient;
  const expected: Record<string, unknown> = {};

  beforeAll(async () => {
    console.log(`mapreduce differential seed ${seed} (EDGESLOT_DIFF_SEED=${seed} replays it)`);
    server = await RedisServer.start();
    redis = await server.connect();
    await redis.send(dataset(new Random(seed)));

    let sum = 0n;
    let max = -Infinity;
    for (const key of await scanAll(redis, "MATCH", "cnt:*")) {
      const value = Number(text(await redis.call("GET", key)));
      sum += BigInt(value);
      max = Math.max(max, value);
    }
    expected.sum = Number(sum);
    expected.luaMax = max;
    let floats = 0;
    let fractional = false;
    for (const key of await scanAll(redis, "MATCH", "flt:*")) {
      const value = Number(text(await redis.call("GET", key)));
      fractional ||= !Number.isInteger(value);
      floats += value;
    }
    // SUM answers a double (a bulk string) once any value is one, even when the total is whole.
    expected.floatSum = fractional ? String(floats) : floats;
    for (const type of ["string", "hash", "zset", "set", "list"]) expected[`count:${type}`] = (await scanAll(redis, "TYPE", type)).length;
    const scores: [string, number][] = [];
    for (const key of await scanAll(redis, "MATCH", "board:*")) scores.push([key, Number(text(await redis.call("ZSCORE", key, "m")))]);
    expected.topk = scores.sort(byValueThenKey).slice(0, 7).flatMap(([key, score]) => [key, asReply(score)]);
    const groups = new Map<string, number>();
    for (const key of await scanAll(redis, "TYPE", "hash")) {
      const team = text(await redis.call("HGET", key, "team"));
      groups.set(team, (groups.get(team) ?? 0) + Number(text(await redis.call("HGET", key, "score"))));
    }
    expected.groupby = [...groups].sort(([a], [b]) => (a < b ? -1 : 1)).flat();
  });
  afterAll(() => {
    redis?.close();
    server?.stop();
  });

  describe.each([1, 4, 8])("EDGESLOT_SHARDS=%i", (shards) => {
    let gateway: GatewayProcess;
    const run = async (command: (string | number)[]) => {
      const response = await gateway.fetch("/", { method: "POST", body: JSON.stringify(command) });
      const entry = (await response.json()) as { result?: unknown; error?: string };
      if (entry.error !== undefined) throw new Error(`${JSON.stringify(command)} → ${entry.error}`);
      return entry.result;
    };

    beforeAll(async () => {
      gateway = await GatewayProcess.start({ vars: { EDGESLOT_SHARDS: String(shards) } });
      const response = await gateway.fetch("/pipeline", { method: "POST", body: JSON.stringify(dataset(new Random(seed))) });
      for (const entry of (await response.json()) as { error?: string }[]) expect(entry.error).toBeUndefined();
    });
    afterAll(async () => {
      await gateway?.stop();
    });

    it("SUM of string counters, and of doubles", async () => {
      expect(await run(["MAPREDUCE", "return redis.call('GET', KEYS[1])", "SUM", "MATCH", "cnt:*"])).toBe(expected.sum);
      expect(await run(["MAPREDUCE", "return redis.call('GET', KEYS[1])", "SUM", "MATCH", "flt:*", "COUNT", 7])).toBe(expected.floatSum);
    });

    it("COUNT by TYPE", async () => {
      for (const type of ["string", "hash", "zset", "set", "list"]) {
        expect(await run(["MAPREDUCE", "return 1", "COUNT", "TYPE", type]), type).toBe(expected[`count:${type}`]);
      }
    });

    it("TOPK of sorted-set scores", async () => {
      expect(await run(["MAPREDUCE", "return redis.call('ZSCORE', KEYS[1], 'm')", "TOPK", 7, "MATCH", "board:*", "COUNT", 9])).toEqual(expected.topk);
    });

    it("GROUPBY over hash fields", async () => {
      expect(await run(["MAPREDUCE", "return redis.call('HMGET', KEYS[1], 'team', 'score')", "GROUPBY", "TYPE", "hash"])).toEqual(expected.groupby);
    });

    it("a Lua reducer", async () => {
      const max = "local m; for _, v in ipairs(ARGV) do local n = tonumber(v); if m == nil or n > m then m = n end end; return m";
      expect(await run(["MAPREDUCE", "return redis.call('GET', KEYS[1])", "REDUCE", max, "MATCH", "cnt:*", "COUNT", 13])).toBe(expected.luaMax);
    });
  });
});

it.runIf(!availability.available && availability.required)("redis-server is installed", () => {
  expect.fail(MISSING_REDIS_MESSAGE);
});
