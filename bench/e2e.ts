// End to end: commands/s through a real `npm start` gateway for pipelines of 1,000 mixed commands over
// 4 shards (wrk as load), against redis-benchmark -P 16 and against webdis → redis-server single
// commands, all in the same run on the same machine.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { GatewayProcess } from "../test/compat/gateway-process";
import { asPath, checkReplies, checkReply, mixedCommands, type Command } from "./http-workload";
import { ensureRedisInstalled, RedisServer } from "./redis-server";
import { rate, ratio, table, type Section } from "./report";
import type { BenchContext, Suite } from "./suite";
import { Webdis } from "./webdis";
import { ensureWrk, runWrk } from "./wrk";

export const e2eSuite: Suite = { id: "e2e", run: runE2e };

const run = promisify(execFile);
const PIPELINE = 1_000;
const KEYSPACE = 100_000;
const SHARDS = 4;
const GATEWAY_CONNECTIONS = 4;
const WEBDIS_CONNECTIONS = 32;
const BENCHMARK_OPS = ["SET", "GET", "INCR", "HSET"] as const;

/** The configuration measured: the default deployment's, stated in the report. */
export const GATEWAY_CONFIG = `EDGESLOT_SHARDS=${SHARDS}, EDGESLOT_REPLICAS=1 (the default: one async replica per shard)`;

async function runE2e(context: BenchContext): Promise<Section> {
  const { log } = context;
  const seconds = context.quick ? 4 : 15;
  ensureWrk(log);
  const commands = mixedCommands(PIPELINE, KEYSPACE);

  const redis = ensureRedisInstalled(log);
  const server = await RedisServer.start(redis.server);
  let benchmark: { perSecond: number; command: string };
  let webdisPerSecond: number;
  try {
    benchmark = await redisBenchmarkMixed(redis.benchmark, server.port, context.quick ? 200_000 : 1_000_000);
    log(`e2e: redis-benchmark -P 16 mixed ${rate(benchmark.perSecond)}`);
    await server.command("FLUSHALL", "SYNC");
    const webdis = await Webdis.start(server.port, log);
    try {
      await checkWebdis(webdis.url, commands);
      const result = await runWrk({ url: webdis.url, requests: commands.map((command) => ({ method: "GET", path: asPath(command) })), connections: WEBDIS_CONNECTIONS, seconds });
      webdisPerSecond = result.requestsPerSecond;
      log(`e2e: webdis single commands ${rate(webdisPerSecond)}`);
    } finally {
      webdis.stop();
    }
  } finally {
    server.stop();
  }

  const gateway = await GatewayProcess.start({ vars: { EDGESLOT_SHARDS: String(SHARDS) } });
  let gatewayPerSecond: number;
  let pipelineP50: number;
  try {
    const body = JSON.stringify(commands);
    // Checked before timed (and this first pipeline warms every shard and the gateway's slot map).
    const replies = (await (await gateway.fetch("/pipeline", { method: "POST", body })).json()) as unknown[];
    checkReplies("gateway /pipeline", commands, replies);
    const result = await runWrk({
      url: gateway.url,
      requests: [{ method: "POST", path: "/pipeline", body }],
      headers: { authorization: `Bearer ${gateway.token}` },
      connections: GATEWAY_CONNECTIONS,
      seconds,
    });
    gatewayPerSecond = result.requestsPerSecond * PIPELINE;
    pipelineP50 = result.p50Ms;
    log(`e2e: gateway pipelines ${rate(gatewayPerSecond)} commands`);
  } finally {
    await gateway.stop();
  }

  return {
    title: `End to end: pipelines of ${PIPELINE.toLocaleString("en")} mixed commands through \`npm start\` (${SHARDS} shards)`,
    lines: [
      ...table(
        ["load", "commands/s", "vs redis-benchmark -P 16", "vs webdis single commands"],
        [
          [`gateway \`POST /pipeline\`, ${GATEWAY_CONNECTIONS} connections`, rate(gatewayPerSecond), ratio(gatewayPerSecond / benchmark.perSecond), ratio(gatewayPerSecond / webdisPerSecond)],
          [`redis-benchmark -P 16 (50 clients), SET/GET/INCR/HSET`, rate(benchmark.perSecond), ratio(1), ratio(benchmark.perSecond / webdisPerSecond)],
          [`webdis → redis-server, one command per request, ${WEBDIS_CONNECTIONS} connections`, rate(webdisPerSecond), ratio(webdisPerSecond / benchmark.perSecond), ratio(1)],
        ],
      ),
      "",
      `Gateway: ${GATEWAY_CONFIG}, a fresh \`--persist-to\` directory, wrk (one thread, ${seconds} s) posting the same ` +
        `${PIPELINE.toLocaleString("en")}-command body (SET, GET, INCR, HSET in rotation over ${KEYSPACE.toLocaleString("en")} keys per type, ` +
        `spread over all shards; replies checked before timing); median time per pipeline ${pipelineP50.toFixed(1)} ms. ` +
        `webdis gets the same commands as path-style GETs (\`/SET/s:1/v1\`) with wrk, ${seconds} s. ` +
        `redis-benchmark runs \`${benchmark.command}\`; its figure is the commands/s of the four tests back to back ` +
        `(total commands over total time). Gateway, shards, wrk and the baselines share this machine's cores.`,
    ],
    targets: [],
  };
}

/** redis-benchmark's SET/GET/INCR/HSET tests at -P 16, combined as one mixed stream would run them. */
async function redisBenchmarkMixed(path: string, port: number, requests: number): Promise<{ perSecond: number; command: string }> {
  const args = ["-h", "127.0.0.1", "-p", String(port), "-P", "16", "-t", BENCHMARK_OPS.map((op) => op.toLowerCase()).join(","), "-n", String(requests), "-r", String(KEYSPACE), "-q"];
  const { stdout } = await run(path, args, { maxBuffer: 16 * 1024 * 1024 });
  let seconds = 0;
  for (const op of BENCHMARK_OPS) {
    const match = new RegExp(`(?:^|[\\r\\n])${op}: ([\\d.]+) requests per second`).exec(stdout);
    if (!match) throw new Error(`no ${op} figure in redis-benchmark output:\n${stdout}`);
    seconds += requests / Number(match[1]);
  }
  return { perSecond: (requests * BENCHMARK_OPS.length) / seconds, command: `redis-benchmark ${args.slice(4).join(" ")}` };
}

/** The first commands of the rotation through webdis, each answered as Redis would. */
export async function checkWebdis(url: string, commands: readonly Command[]): Promise<void> {
  for (const command of commands.slice(0, 16)) {
    const reply = await (await fetch(url + asPath(command))).json();
    checkReply("webdis", command, reply);
  }
}
