// Differential: random transactions through the gateway's `/multi-exec` vs MULTI … EXEC on redis-server.
import { describe, expect, it } from "vitest";
import { ReplyError, type Reply } from "../../worker/wire/resp";
import { asJsonView, renderCommand, renderReply, repliesMatch } from "./compare";
import { ruleFor } from "./differences";
import { GatewayTarget } from "./gateway-target";
import { keyspaceCommand } from "./keyspace-commands";
import { Random, streamSeed } from "./random";
import { useOracleAndGateway } from "./oracle-and-gateway";
import { MISSING_REDIS_MESSAGE, redisAvailability } from "./redis-server";
import { generateStream } from "./stream";
import { KEY_POOL, type StreamCommand } from "./stream-values";
import { stringCommand } from "./string-commands";
import { setCommand } from "./set-commands";
import { listCommand } from "./list-commands";
import { zsetCommand } from "./zset-commands";
import { hashCommand } from "./hash-commands";

const TRANSACTIONS = 150;
/** The pool's keys that share the {t} tag: a transaction runs on one shard. */
const SAME_SLOT = new Set(KEY_POOL.filter((key) => key.startsWith("{t}")));
const OTHER_KEYS = new Set(KEY_POOL.filter((key) => !SAME_SLOT.has(key)));
const KEYSPACE_WIDE = /^(keys|scan|dbsize|randomkey|flushdb|flushall)$/i;

/** Commands that touch only {t} keys (any argument naming another pool key disqualifies it) and no keyspace-wide ones. */
function sameSlotCommands(random: Random, count: number): StreamCommand[] {
  const out: StreamCommand[] = [];
  while (out.length < count) {
    const [command] = generateStream(random, 1, [
      [60, stringCommand],
      [40, keyspaceCommand],
    ]);
    // "extra" is the arity mutation's argument: where it lands as a key, it is another slot.
    const foreign = command?.slice(1).some((arg) => OTHER_KEYS.has(arg) || arg === "extra");
    if (command && !KEYSPACE_WIDE.test(command[0]!) && !foreign) out.push(command);
  }
  return out;
}

/** Commands over the whole key pool (so a transaction's keys usually span shards), none keyspace-wide. */
function anyKeyCommands(random: Random, count: number): StreamCommand[] {
  const out: StreamCommand[] = [];
  while (out.length < count) {
    const [command] = generateStream(random, 1, [
      [30, stringCommand],
      [20, keyspaceCommand],
      [15, setCommand],
      [15, listCommand],
      [10, zsetCommand],
      [10, hashCommand],
    ]);
    // Member order and random picks are compared by the streams' own rules elsewhere; OBJECT ENCODING
    // inside a cross-shard transaction is listed in differences.ts (cross-shard-object-encoding).
    if (command && !KEYSPACE_WIDE.test(command[0]!) && !/^(object|sscan|hscan|zscan|srandmember|spop|hrandfield|zrandmember|smembers|sinter|sunion|sdiff)$/i.test(command[0]!)) out.push(command);
  }
  return out;
}

const availability = redisAvailability();

describe.runIf(availability.available)("transactions: /multi-exec against MULTI/EXEC", () => {
  const fixture = useOracleAndGateway();

  it(`${TRANSACTIONS} random single-slot transactions answer as Redis's (EXECABORT included)`, async () => {
    await compareTransactions(sameSlotCommands);
  });

  it(`${TRANSACTIONS} random transactions whose keys span shards answer as Redis's, run through the cross-shard protocol`, async () => {
    await compareTransactions(anyKeyCommands);
  });

  async function compareTransactions(generate: (random: Random, count: number) => StreamCommand[]): Promise<void> {
    const seed = streamSeed();
    const random = new Random(seed);
    const target = new GatewayTarget(fixture.gateway.url, fixture.gateway.token);
    const problems: string[] = [];
    let discarded = 0;
    for (let t = 0; t < TRANSACTIONS && problems.length < 10; t++) {
      const before = problems.length;
      const commands = generate(random, random.int(1, 8));
      const replies = await fixture.client.send([["MULTI"], ...commands.map((c) => c.map((a) => Buffer.from(a, "utf8"))), ["EXEC"]]);
      const exec = replies[replies.length - 1]!;
      const actual = await target.transaction(commands);
      const where = `transaction ${t}:\n    ${commands.map(renderCommand).join("\n    ")}`;
      if (exec instanceof ReplyError) {
        discarded++;
        if (!("discarded" in actual) || actual.discarded !== exec.message) {
          problems.push(`${where}\n  redis-server: discarded: ${exec.message}\n  edgeslot:     ${renderResult(actual)}`);
        }
      } else if (!("replies" in actual) || !Array.isArray(exec) || actual.replies.length !== exec.length) {
        problems.push(`${where}\n  redis-server: ${renderReply(exec)}\n  edgeslot:     ${renderResult(actual)}`);
      } else {
        exec.forEach((reply, i) => {
          const want = asJsonView(reply);
          if (!repliesMatch(want, actual.replies[i]!, ruleFor(commands[i]!, "gateway"))) {
            problems.push(`${where}\n  command ${i}: redis-server ${renderReply(want)}, edgeslot ${renderReply(actual.replies[i]!)}`);
          }
        });
      }
      // One difference would cascade: start both from empty again.
      if (problems.length > before) await Promise.all([fixture.client.call("FLUSHALL"), target.send([["FLUSHALL"]])]);
    }
    console.log(`transactions: ${TRANSACTIONS}, discarded at queue time by Redis: ${discarded}`);
    if (problems.length) expect.fail(`EDGESLOT_DIFF_SEED=${seed}\n${problems.join("\n\n")}`);
  }
});

function renderResult(result: { replies: Reply[] } | { discarded: string }): string {
  return "discarded" in result ? `discarded: ${result.discarded}` : renderReply(result.replies);
}

it.runIf(!availability.available && availability.required)("redis-server is installed", () => {
  expect.fail(MISSING_REDIS_MESSAGE);
});
