// The differential harness itself: two redis-servers must agree, and a planted difference must be caught.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReplyError, type Reply } from "../../worker/wire/resp";
import { asJsonView } from "../compat/compare";
import { redisSide } from "../compat/diff-suite";
import { ruleFor } from "../compat/differences";
import { describeMismatches, runStream, type Side } from "../compat/differential-runner";
import { keySlot, shardOfSlot } from "../compat/key-slot";
import { keyspaceCommand } from "../compat/keyspace-commands";
import { Random, streamSeed } from "../compat/random";
import { MISSING_REDIS_MESSAGE, RedisServer, redisAvailability } from "../compat/redis-server";
import type { RespClient } from "../compat/resp-client";
import { generateStream } from "../compat/stream";
import { stringCommand } from "../compat/string-commands";
import { SLOT_CHECK_VALUES } from "../worker/routing/slot-check-values";

const availability = redisAvailability();

const side = (client: RespClient): Side => redisSide(client, "latin1");

function jsonView(inner: Side): Side {
  return { send: async (commands) => (await inner.send(commands)).map(asJsonView) };
}

describe.runIf(availability.available)("differential harness (redis-server against redis-server)", () => {
  const servers: RedisServer[] = [];
  const clients: RespClient[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      servers.push(await RedisServer.start());
      clients.push(await servers[i]!.connect());
    }
  });
  afterAll(() => {
    clients.forEach((c) => c.close());
    servers.forEach((s) => s.stop());
  });

  it("finds no differences between two redis-servers on the same streams", async () => {
    const seed = streamSeed();
    for (const level of ["core", "gateway"] as const) {
      const commands = generateStream(new Random(seed), 3000, [
        [50, stringCommand],
        [50, keyspaceCommand],
        // Redis's own SCAN … TYPE none quirk (see differences.ts) would make the target redis disagree with the rule.
      ]).filter((command) => ruleFor(command, level)?.kind !== "empty-scan");
      await Promise.all(clients.map((c) => c.call("FLUSHALL")));
      const mismatches = await runStream({
        level,
        seed,
        oracle: side(clients[0]!),
        // Over HTTP the target's statuses arrive as JSON strings, as the gateway renders them.
        target: level === "gateway" ? jsonView(side(clients[1]!)) : side(clients[1]!),
        commands,
        batchSize: 100,
      });
      if (mismatches.length) expect.fail(describeMismatches(level, seed, mismatches));
    }
  });

  it("reports a difference planted in one reply, with the command and both replies", async () => {
    const planted: Side = {
      send: async (commands) => {
        const replies: Reply[] = await side(clients[1]!).send(commands);
        return replies.map((reply, i) => (String(commands[i]![0]).toUpperCase() === "STRLEN" ? new ReplyError("ERR planted") : reply));
      },
    };
    await Promise.all(clients.map((c) => c.call("FLUSHALL")));
    const mismatches = await runStream({
      level: "core",
      seed: 1,
      oracle: side(clients[0]!),
      target: planted,
      commands: [["SET", "k", "abc"], ["STRLEN", "k"], ["GET", "k"]],
      batchSize: 10,
    });
    expect(mismatches).toEqual([
      { index: 1, command: "STRLEN k", expected: "(integer) 3", actual: "(error) ERR planted", history: ["SET k abc"], following: ["GET k"] },
    ]);
  });
});

it.runIf(!availability.available && availability.required)("redis-server is installed", () => {
  expect.fail(MISSING_REDIS_MESSAGE);
});

it("the harness's slot oracle gives Redis 7.0's CLUSTER KEYSLOT values", () => {
  for (const [key, slot] of SLOT_CHECK_VALUES) expect(keySlot(Buffer.from(key)), key).toBe(slot);
  expect([0, 4095, 4096, 8191, 8192, 12287, 12288, 16383].map((slot) => shardOfSlot(slot, 4))).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
});
