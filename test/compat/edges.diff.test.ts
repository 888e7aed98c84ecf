// Differential: hand-picked edge sequences (float formatting, 64-bit limits, ranges, options, expiry flags) vs redis-server.
import { describe, expect, it } from "vitest";
import { CoreTarget } from "./core-target";
import { redisSide } from "./diff-suite";
import { describeMismatches, runStream } from "./differential-runner";
import { EDGE_CASES } from "./edge-cases";
import { GatewayTarget } from "./gateway-target";
import { useOracleAndGateway } from "./oracle-and-gateway";
import { MISSING_REDIS_MESSAGE, redisAvailability } from "./redis-server";

const availability = redisAvailability();

describe.runIf(availability.available)("edge cases against redis-server", () => {
  const fixture = useOracleAndGateway();

  for (const [title, commands] of Object.entries(EDGE_CASES)) {
    it(`${title} (core)`, async () => {
      await fixture.client.call("FLUSHALL");
      const mismatches = await runStream({ level: "core", seed: 0, oracle: redisSide(fixture.client, "latin1"), target: new CoreTarget(), commands, batchSize: 1 });
      if (mismatches.length) expect.fail(describeMismatches("core", 0, mismatches));
    });
    it(`${title} (gateway)`, async () => {
      const target = new GatewayTarget(fixture.gateway.url, fixture.gateway.token);
      await Promise.all([fixture.client.call("FLUSHALL"), target.send([["FLUSHALL"]])]);
      const mismatches = await runStream({
        level: "gateway",
        seed: 0,
        oracle: redisSide(fixture.client, "utf8"),
        target,
        commands,
        batchSize: 10,
      });
      if (mismatches.length) expect.fail(describeMismatches("gateway", 0, mismatches));
    });
  }
});

it.runIf(!availability.available && availability.required)("redis-server is installed", () => {
  expect.fail(MISSING_REDIS_MESSAGE);
});
