// Differential: hand-picked edge sequences (float formatting, 64-bit limits, ranges, options, expiry flags) vs redis-server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoreTarget } from "./core-target";
import { redisSide } from "./diff-suite";
import { describeMismatches, runStream } from "./differential-runner";
import { EDGE_CASES } from "./edge-cases";
import { GatewayProcess } from "./gateway-process";
import { GatewayTarget } from "./gateway-target";
import { keySlot, shardOfSlot } from "./key-slot";
import { MISSING_REDIS_MESSAGE, RedisServer, redisAvailability } from "./redis-server";
import type { RespClient } from "./resp-client";

const availability = redisAvailability();

describe.runIf(availability.available)("edge cases against redis-server", () => {
  let redis: RedisServer;
  let client: RespClient;
  let gateway: GatewayProcess;
  beforeAll(async () => {
    redis = await RedisServer.start();
    client = await redis.connect();
    gateway = await GatewayProcess.start();
  });
  afterAll(async () => {
    client?.close();
    redis?.stop();
    await gateway?.stop();
  });

  for (const [title, commands] of Object.entries(EDGE_CASES)) {
    it(`${title} (core)`, async () => {
      await client.call("FLUSHALL");
      const mismatches = await runStream({ level: "core", seed: 0, oracle: redisSide(client, "latin1"), target: new CoreTarget(), commands, batchSize: 1 });
      if (mismatches.length) expect.fail(describeMismatches("core", 0, mismatches));
    });
    it(`${title} (gateway)`, async () => {
      const target = new GatewayTarget(gateway.url, gateway.token);
      await Promise.all([client.call("FLUSHALL"), target.send([["FLUSHALL"]])]);
      const mismatches = await runStream({
        level: "gateway",
        seed: 0,
        oracle: redisSide(client, "utf8"),
        target,
        commands,
        batchSize: 10,
        shardOf: (key) => shardOfSlot(keySlot(Buffer.from(key, "utf8")), 4),
      });
      if (mismatches.length) expect.fail(describeMismatches("gateway", 0, mismatches));
    });
  }
});

it.runIf(!availability.available && availability.required)("redis-server is installed", () => {
  expect.fail(MISSING_REDIS_MESSAGE);
});
