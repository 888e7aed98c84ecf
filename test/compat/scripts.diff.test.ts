// Differential: the script corpus (script-corpus.ts) through the gateway's `/pipeline` vs redis-server
// 7.0, EVAL and EVALSHA with seeded random keys and arguments, interleaved with plain commands on
// the same keys; every reply compared exactly, error texts included (` script: <sha>, on @user_script:<n>.`).
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { asJsonView, renderCommand, renderReply, repliesMatch } from "./compare";
import { GatewayTarget } from "./gateway-target";
import { useOracleAndGateway } from "./oracle-and-gateway";
import { Random, streamSeed } from "./random";
import { MISSING_REDIS_MESSAGE, redisAvailability } from "./redis-server";
import { CORPUS, plainCommand } from "./script-corpus";

const BATCHES = 80;
const BATCH_SIZE = 50;
const SCRIPT_SHARE = 0.75;

const availability = redisAvailability();

describe.runIf(availability.available)("scripts: the corpus against redis-server", () => {
  const fixture = useOracleAndGateway();

  it("SCRIPT LOAD answers the same sha for every corpus script", async () => {
    const target = new GatewayTarget(fixture.gateway.url, fixture.gateway.token);
    const load = CORPUS.map((script) => ["SCRIPT", "LOAD", script.body]);
    const [want, got] = await Promise.all([fixture.client.send(load), target.send(load)]);
    const shas = CORPUS.map((script) => sha1(script.body));
    expect(got.map((reply) => renderReply(reply))).toEqual(shas.map((sha) => `"${sha}"`));
    expect(want.map((reply) => renderReply(asJsonView(reply)))).toEqual(shas.map((sha) => `"${sha}"`));
  });

  it(`${BATCHES * BATCH_SIZE} commands, ~${Math.round(SCRIPT_SHARE * 100)}% EVAL/EVALSHA of the corpus, answer as Redis's`, async () => {
    const seed = streamSeed();
    const random = new Random(seed);
    const target = new GatewayTarget(fixture.gateway.url, fixture.gateway.token);
    const shas = CORPUS.map((script) => sha1(script.body));
    const problems: string[] = [];
    let scripts = 0;
    for (let b = 0; b < BATCHES && problems.length < 10; b++) {
      const batch: string[][] = [];
      for (let i = 0; i < BATCH_SIZE; i++) {
        if (!random.chance(SCRIPT_SHARE)) {
          batch.push(plainCommand(random));
          continue;
        }
        const index = random.int(0, CORPUS.length - 1);
        const { keys, args } = CORPUS[index]!.call(random);
        const head = random.chance(0.5) ? ["EVALSHA", shas[index]!] : ["EVAL", CORPUS[index]!.body];
        batch.push([...head, String(keys.length), ...keys, ...args]);
        scripts++;
      }
      const [want, got] = await Promise.all([fixture.client.send(batch.map((c) => c.map((a) => Buffer.from(a, "utf8")))), target.send(batch)]);
      const before = problems.length;
      batch.forEach((command, i) => {
        const expected = asJsonView(want[i]!);
        if (repliesMatch(expected, got[i]!, undefined)) return;
        const name = command[0] === "EVALSHA" ? `EVALSHA (${CORPUS[shas.indexOf(command[1]!)]?.name})` : command[0] === "EVAL" ? `EVAL (${CORPUS.find((s) => s.body === command[1])?.name})` : command[0];
        const shown = command[0]!.startsWith("EVAL") ? [name, ...command.slice(2)] : command;
        problems.push(`batch ${b}, command ${i}: ${renderCommand(shown)}\n  redis-server: ${renderReply(expected, 300)}\n  edgeslot:     ${renderReply(got[i]!, 300)}`);
      });
      // One difference would cascade: start both from empty again.
      if (problems.length > before) await Promise.all([fixture.client.call("FLUSHALL"), target.send([["FLUSHALL"]])]);
    }
    console.log(`scripts: ${scripts} EVAL/EVALSHA among ${BATCHES * BATCH_SIZE} commands, ${CORPUS.length} corpus scripts, seed ${seed}`);
    if (problems.length) expect.fail(`EDGESLOT_DIFF_SEED=${seed}\n${problems.join("\n\n")}`);
  });
});

function sha1(text: string): string {
  return createHash("sha1").update(text, "utf8").digest("hex");
}

it.runIf(!availability.available && availability.required)("redis-server is installed", () => {
  expect.fail(MISSING_REDIS_MESSAGE);
});
