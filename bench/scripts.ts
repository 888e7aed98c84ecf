// Scripts inside a shard: EVALSHA of a small script (GET + INCR + PEXPIRE) per second through the
// real Shard Durable Object, as a ratio of redis-benchmark running the same EVALSHA against
// redis-server in the same run; and what one script run costs over the same three commands sent plainly.
import { execFile } from "node:child_process";
import { tmpdir } from "node:os";
import { promisify } from "node:util";
import { withDriver, writeDriverConfig, type Driver } from "./engine-shard";
import { ensureRedisInstalled, RedisServer } from "./redis-server";
import { rate, ratio, table, type Section } from "./report";
import type { BenchContext, Suite } from "./suite";

const run = promisify(execFile);

/** The issue's script: read, count, extend; what a rate limiter or a session touch does. */
export const SCRIPT = "local v = redis.call('GET', KEYS[1])\nlocal n = redis.call('INCR', KEYS[1])\nredis.call('PEXPIRE', KEYS[1], ARGV[1])\nreturn n";
const COUNTERS = 10_000;
const BATCH = 1000;
const TTL_MS = "600000";
const ROUNDS = 3;

export const scriptsSuite: Suite = { id: "scripts", run: runScripts };

async function runScripts(context: BenchContext): Promise<Section> {
  const ops = context.quick ? 20_000 : 200_000;
  const rounds = context.quick ? 1 : ROUNDS;
  const redis = await redisEvalsha(ops, context);
  const evalsha: number[] = [];
  const plain: number[] = [];
  await withDriver(writeDriverConfig({}), tmpdir(), async (driver) => {
    const sha = await loadScript(driver);
    const scripts = batches(ops, (i) => [["EVALSHA", sha, "1", counter(i), TTL_MS]]);
    const commands = batches(ops, (i) => [["GET", counter(i)], ["INCR", counter(i)], ["PEXPIRE", counter(i), TTL_MS]]);
    // Interleaved rounds, best of each: a shared machine only ever slows a run down.
    for (let round = 0; round < rounds; round++) {
      evalsha.push(await timed(driver, scripts, ops));
      plain.push(await timed(driver, commands, ops));
      context.log(`scripts round ${round + 1}: EVALSHA ${rate(evalsha[round]!)}, plain GET+INCR+PEXPIRE ${rate(plain[round]!)}`);
    }
  });
  const shard = Math.max(...evalsha);
  const plainBest = Math.max(...plain);
  const perRunMicros = (1 / shard - 1 / plainBest) * 1e6;
  return {
    title: "Scripts: EVALSHA of GET + INCR + PEXPIRE",
    lines: [
      ...table(
        ["what", "ops/s", "ratio to redis-server"],
        [
          ["`redis-benchmark -P 64` EVALSHA → redis-server (baseline)", rate(redis), "1.00×"],
          [`shard DO, batches of ${BATCH} EVALSHA, one RPC per batch`, rate(shard), ratio(shard / redis)],
          [`shard DO, the same three commands sent plainly (per GET+INCR+PEXPIRE)`, rate(plainBest), ratio(plainBest / redis)],
        ],
      ),
      "",
      `- One script run costs ${perRunMicros.toFixed(1)} µs more than its three commands sent plainly in the same batch ` +
        `(${(1e6 / shard).toFixed(1)} µs vs ${(1e6 / plainBest).toFixed(1)} µs per op, RPC and logging included).`,
      `- ${ops.toLocaleString("en")} ops over ${COUNTERS.toLocaleString("en")} counters \`ctr:<n>\`; best of ${rounds} interleaved round(s); ` +
        "every reply checked for errors. Baseline: SCRIPT LOAD then " +
        `\`redis-benchmark -P 64 -n ${ops} -r ${COUNTERS} EVALSHA <sha> 1 ctr:__rand_int__ ${TTL_MS}\` against a throwaway redis-server 7.0.`,
    ],
    targets: [],
  };
}

const counter = (i: number) => `ctr:${i % COUNTERS}`;

function encode(commands: readonly (readonly string[])[]): string {
  return commands.map((c) => `*${c.length}\r\n${c.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`).join("");
}

/** All ops as equal-sized RESP batches of BATCH ops (keys padded to one width, so sizes match). */
function batches(ops: number, commandsOf: (i: number) => string[][]): Uint8Array {
  const parts: string[] = [];
  for (let first = 0; first < ops; first += BATCH) {
    const commands: string[][] = [];
    for (let i = first; i < first + BATCH; i++) commands.push(...commandsOf(i).map((c) => c.map((a) => (a.startsWith("ctr:") ? `ctr:${a.slice(4).padStart(5, "0")}` : a))));
    parts.push(encode(commands));
  }
  return new TextEncoder().encode(parts.join(""));
}

async function loadScript(driver: Driver): Promise<string> {
  const loaded = await driver({ target: "shard", name: "scripts-0", batches: 1, replyBytes: 0 }, new TextEncoder().encode(encode([["SCRIPT", "LOAD", SCRIPT]])));
  const reply = Buffer.from(loaded.firstReply, "base64").toString("latin1");
  const sha = /^\$40\r\n([0-9a-f]{40})\r\n$/.exec(reply)?.[1];
  if (!sha) throw new Error(`SCRIPT LOAD answered ${JSON.stringify(reply)}`);
  return sha;
}

/** Ops per second of one pass over every batch; any error reply fails the run. */
async function timed(driver: Driver, body: Uint8Array, ops: number): Promise<number> {
  const result = await driver({ target: "shard", name: "scripts-0", batches: ops / BATCH, replyBytes: 0 }, body);
  if (result.badBatches > 0) throw new Error(`${result.badBatches} batches held error replies: ${Buffer.from(result.firstReply, "base64").toString("latin1").slice(0, 200)}`);
  return ops / (result.ms / 1000);
}

async function redisEvalsha(ops: number, context: BenchContext): Promise<number> {
  const paths = ensureRedisInstalled(context.log);
  const server = await RedisServer.start(paths.server);
  try {
    const reply = await server.command("SCRIPT", "LOAD", SCRIPT);
    const sha = /([0-9a-f]{40})/.exec(reply)?.[1];
    if (!sha) throw new Error(`redis-server SCRIPT LOAD answered ${reply}`);
    const args = ["-h", "127.0.0.1", "-p", String(server.port), "-P", "64", "-n", String(ops), "-r", String(COUNTERS), "-q", "EVALSHA", sha, "1", "ctr:__rand_int__", TTL_MS];
    const { stdout } = await run(paths.benchmark, args, { maxBuffer: 16 * 1024 * 1024 });
    const match = /([\d.]+) requests per second/.exec(stdout.split(/[\r\n]/).filter((line) => line.includes("requests per second")).pop() ?? "");
    if (!match) throw new Error(`no figure in redis-benchmark output:\n${stdout}`);
    context.log(`redis-benchmark EVALSHA: ${Number(match[1]).toFixed(0)} ops/s`);
    return Number(match[1]);
  } finally {
    server.stop();
  }
}
