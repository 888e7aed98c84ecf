// Single-command latency: p50/p99 of one command per request (one connection, no overlap) through a
// real `npm start` gateway, against webdis → redis-server on the same machine, in the same run.
import { GatewayProcess } from "../test/compat/gateway-process";
import { checkWebdis, GATEWAY_CONFIG } from "./e2e";
import { asPath, checkReply, mixedCommands } from "./http-workload";
import { ensureRedisInstalled, RedisServer } from "./redis-server";
import { ratio, table, type Section } from "./report";
import type { BenchContext, Suite } from "./suite";
import { Webdis } from "./webdis";
import { ensureWrk, runWrk, type WrkRequest, type WrkResult } from "./wrk";

export const latencySuite: Suite = { id: "latency", run: runLatency };

const ROTATION = 1_000;
const KEYSPACE = 100_000;

async function runLatency(context: BenchContext): Promise<Section> {
  const { log } = context;
  const seconds = context.quick ? 3 : 15;
  ensureWrk(log);
  const commands = mixedCommands(ROTATION, KEYSPACE);
  const paths: WrkRequest[] = commands.map((command) => ({ method: "GET", path: asPath(command) }));
  const reads = paths.filter((_, i) => commands[i]![0] === "GET");
  const bodies: WrkRequest[] = commands.map((command) => ({ method: "POST", path: "/", body: JSON.stringify(command) }));
  const oneAtATime = { connections: 1, seconds };

  const redis = ensureRedisInstalled(log);
  const server = await RedisServer.start(redis.server);
  let webdis: WrkResult;
  try {
    const proxy = await Webdis.start(server.port, log);
    try {
      await checkWebdis(proxy.url, commands);
      webdis = await runWrk({ url: proxy.url, requests: paths, ...oneAtATime });
      log(`latency: webdis p50 ${webdis.p50Ms} ms p99 ${webdis.p99Ms} ms`);
    } finally {
      proxy.stop();
    }
  } finally {
    server.stop();
  }

  const gateway = await GatewayProcess.start({});
  let gatewayPath: WrkResult;
  let gatewayJson: WrkResult;
  let gatewayReads: WrkResult;
  let gatewayFloor: WrkResult;
  try {
    // Checked before timed; this also warms every shard, so no cold start lands in the samples.
    for (const command of commands.slice(0, 16)) {
      checkReply("gateway path", command, await (await gateway.fetch(asPath(command))).json());
      checkReply("gateway POST /", command, await (await gateway.fetch("/", { method: "POST", body: JSON.stringify(command) })).json());
    }
    const headers = { authorization: `Bearer ${gateway.token}` };
    gatewayPath = await runWrk({ url: gateway.url, requests: paths, headers, ...oneAtATime });
    log(`latency: gateway path-style p50 ${gatewayPath.p50Ms} ms p99 ${gatewayPath.p99Ms} ms`);
    gatewayJson = await runWrk({ url: gateway.url, requests: bodies, headers, ...oneAtATime });
    log(`latency: gateway POST / p50 ${gatewayJson.p50Ms} ms p99 ${gatewayJson.p99Ms} ms`);
    // Reads alone: no SQLite commit and no replication on their path, so the gap to the mixed rows is the writes' share.
    gatewayReads = await runWrk({ url: gateway.url, requests: reads, headers, ...oneAtATime });
    log(`latency: gateway GET only p50 ${gatewayReads.p50Ms} ms p99 ${gatewayReads.p99Ms} ms`);
    // The floor: a request refused before any shard (no token → 401) pays only the local runtime's HTTP path.
    const unauthenticated = await fetch(gateway.url + "/GET/s:1");
    if (unauthenticated.status !== 401) throw new Error(`gateway answered ${unauthenticated.status} to a request without a token, expected 401`);
    gatewayFloor = await runWrk({ url: gateway.url, requests: reads, refusalsExpected: true, ...oneAtATime });
    log(`latency: gateway 401 floor p50 ${gatewayFloor.p50Ms} ms p99 ${gatewayFloor.p99Ms} ms`);
  } finally {
    await gateway.stop();
  }

  const ms = (value: number) => `${value.toFixed(value < 1 ? 3 : 2)} ms`;
  const row = (name: string, result: WrkResult) => [name, ms(result.p50Ms), ms(result.p99Ms), ratio(result.p50Ms / webdis.p50Ms), ratio(result.p99Ms / webdis.p99Ms)];
  return {
    title: "Single-command latency through `npm start` vs webdis",
    lines: [
      ...table(
        ["target", "p50", "p99", "p50 vs webdis", "p99 vs webdis"],
        [
          row("gateway, path style (`GET /SET/s:1/v1`)", gatewayPath),
          row("gateway, `POST /` JSON body (what @upstash/redis sends)", gatewayJson),
          row("gateway, path style, GETs only (`GET /GET/s:1`)", gatewayReads),
          row("gateway floor: no token, refused with 401 before any shard", gatewayFloor),
          row("webdis → redis-server (`GET /SET/s:1/v1`)", webdis),
        ],
      ),
      "",
      `One wrk connection, one command per request, the next sent when the last is answered, ${seconds} s per target; ` +
        `commands are SET, GET, INCR, HSET in rotation over ${KEYSPACE.toLocaleString("en")} keys per type (replies checked before timing). ` +
        `Ratios are times: lower is better; the GETs-only row is set against webdis's mixed rotation too (redis-server answers ` +
        `each of these commands in microseconds, so webdis's time is its HTTP work either way). Gateway: ${GATEWAY_CONFIG}.`,
    ],
    targets: [],
  };
}
