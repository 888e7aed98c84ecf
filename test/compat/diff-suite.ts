// Defines a family's differential suite at both levels: the core in-process, and the gateway over HTTP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asTextJsonView } from "./compare";
import { CoreTarget } from "./core-target";
import { describeMismatches, runStream, type Side } from "./differential-runner";
import { GatewayProcess } from "./gateway-process";
import { GatewayTarget } from "./gateway-target";
import { Random, streamSeed } from "./random";
import { MISSING_REDIS_MESSAGE, RedisServer, redisAvailability } from "./redis-server";
import type { RespClient } from "./resp-client";
import { generateStream, type Generator } from "./stream";
import type { StreamCommand } from "./stream-values";

export interface SuiteSize {
  coreStreams: number;
  coreLength: number;
  gatewayStreams: number;
  gatewayLength: number;
  /** SIGKILL-and-restart the runtime this many times in the middle of one extra gateway stream. */
  crashes?: number;
}

const GATEWAY_SHARDS = 4;
/** EDGESLOT_DIFF_SCALE=10 runs ten times longer streams (a soak run); CI keeps 1. */
const SCALE = Math.max(0.01, Number(process.env.EDGESLOT_DIFF_SCALE ?? 1) || 1);

/** redis-server as a Side: binary-string arguments encoded the way the other side will see them. */
export function redisSide(client: RespClient, encoding: "latin1" | "utf8"): Side {
  return {
    send: (commands) => client.send(commands.map((c) => c.map((a) => (typeof a === "string" ? Buffer.from(a, encoding) : a)))),
  };
}

export function differentialSuite(family: string, mix: readonly (readonly [number, Generator])[], baseSize: SuiteSize): void {
  const size = { ...baseSize, coreLength: Math.ceil(baseSize.coreLength * SCALE), gatewayLength: Math.ceil(baseSize.gatewayLength * SCALE) };
  const availability = redisAvailability();
  if (!availability.available) {
    if (availability.required) it(`${family}: redis-server is installed`, () => expect.fail(MISSING_REDIS_MESSAGE));
    else it.skip(`${family}: differential tests need redis-server (apt-get install -y redis-server)`, () => {});
    return;
  }
  const baseSeed = streamSeed();
  console.log(`${family} differential streams: EDGESLOT_DIFF_SEED=${baseSeed}`);
  let redis: RedisServer;
  let client: RespClient;
  beforeAll(async () => {
    redis = await RedisServer.start(availability.path);
    client = await redis.connect();
  });
  afterAll(() => {
    client?.close();
    redis?.stop();
  });

  describe(`${family} against the WASM core`, () => {
    for (let i = 0; i < size.coreStreams; i++) {
      it(`stream ${i} (${size.coreLength} commands) matches redis-server`, async () => {
        const random = new Random((baseSeed + i * 7919) >>> 0);
        const commands = generateStream(random, size.coreLength, mix);
        await client.call("FLUSHALL");
        const mismatches = await runStream({
          level: "core",
          seed: baseSeed,
          oracle: redisSide(client, "latin1"),
          target: new CoreTarget(),
          commands,
          // Alternate small and large batches: a batch is one execute() call on the core.
          batchSize: i % 2 ? 1000 : 100,
        });
        if (mismatches.length) expect.fail(`stream ${i}: ` + describeMismatches("core", baseSeed, mismatches));
      });
    }
  });

  describe(`${family} through the gateway over HTTP (${GATEWAY_SHARDS} shards)`, () => {
    let gateway: GatewayProcess;
    beforeAll(async () => {
      gateway = await GatewayProcess.start({ vars: { EDGESLOT_SHARDS: String(GATEWAY_SHARDS) } });
    });
    afterAll(async () => {
      await gateway?.stop();
    });

    /** A fresh stream from `seed`, both sides emptied first. */
    const freshStream = async (seed: number, target: GatewayTarget) => {
      await Promise.all([client.call("FLUSHALL"), target.send([["FLUSHALL"]])]);
      return generateStream(new Random(seed >>> 0), size.gatewayLength, mix);
    };
    /** Runs commands through `/pipeline` and fails the test on any unexplained difference. */
    const compare = async (label: string, target: GatewayTarget, commands: StreamCommand[], batchSize: number, text = false) => {
      const mismatches = await runStream({
        level: "gateway",
        seed: baseSeed,
        oracle: redisSide(client, "utf8"),
        target,
        view: text ? asTextJsonView : undefined,
        commands,
        batchSize,
      });
      if (mismatches.length) expect.fail(`${label}: ` + describeMismatches("gateway", baseSeed, mismatches));
    };

    for (let i = 0; i < size.gatewayStreams; i++) {
      it(`stream ${i} (${size.gatewayLength} commands) matches redis-server`, async () => {
        const target = new GatewayTarget(gateway.url, gateway.token);
        const commands = await freshStream(baseSeed + 1_000_003 + i * 7919, target);
        // Alternate small and large pipelines: a large one mixes every shard in one request.
        await compare(`stream ${i}`, target, commands, i % 2 ? 250 : 25);
      });
    }
    if (size.crashes) {
      it(`a stream of ${size.gatewayLength} commands across ${size.crashes} SIGKILLs of the runtime matches redis-server`, async () => {
        const target = new GatewayTarget(gateway.url, gateway.token);
        const commands = await freshStream(baseSeed + 3_000_017, target);
        const segment = Math.ceil(commands.length / (size.crashes! + 1));
        for (let start = 0; start < commands.length; start += segment) {
          if (start > 0) {
            // Every reply so far was acknowledged; after the crash the shards must rebuild exactly that state.
            await gateway.kill();
            gateway = await gateway.restart();
          }
          await compare(`after ${start / segment} crash(es)`, target, commands.slice(start, start + segment), 25);
        }
      });
    }
    it(`a stream of ${size.gatewayLength} commands without Upstash-Encoding (text replies, U+FFFD for invalid UTF-8)`, async () => {
      const target = new GatewayTarget(gateway.url, gateway.token, "text");
      const commands = await freshStream(baseSeed + 2_000_003, target);
      await compare("text stream", target, commands, 50, true);
    });
  });
}
