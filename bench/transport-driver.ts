// A bench-only Worker holding the whole gateway (its shards and RPC entrypoints) plus a driver that
// times round trips from inside workerd, as a consumer Worker would make them: through a service
// binding to EdgeslotRpc, and through the gateway's HTTP app (JSON bodies, bearer token) behind a
// service binding's fetch. Loaded by bench/transport.ts, never deployed.
import { WorkerEntrypoint } from "cloudflare:workers";
import { app } from "../worker/app";
import type { EdgeslotBinding, Result } from "../worker/rpc";
import { benchKey, benchValue, PIPELINE_LENGTH, SCRIPT_2KEY, scriptKeys, type TransportCase, type TransportRun } from "./transport-workload";

export { Shard } from "../shards/shard";
export { TxDecision } from "../shards/transactions/decision";
export { ComputeJob } from "../shards/compute/job";
export { Coordinator } from "../shards/coordinator/coordinator";
export { EdgeslotReadOnlyRpc, EdgeslotRpc } from "../worker/rpc";

/** The gateway's HTTP API as a named entrypoint, so the driver reaches it as another Worker would. */
export class GatewayHttp extends WorkerEntrypoint<Env> {
  async fetch(request: Request): Promise<Response> {
    return app.fetch(request, this.env, this.ctx);
  }
}

interface DriverEnv extends Env {
  EDGESLOT: EdgeslotBinding;
  GATEWAY_HTTP: Fetcher;
}


function commandsFor(kase: TransportCase): string[][] {
  return kase === "get" ? [["GET", benchKey(0)]] : Array.from({ length: PIPELINE_LENGTH }, (_, i) => ["GET", benchKey(i)]);
}

async function viaBinding(env: DriverEnv, kase: TransportCase, commands: string[][]): Promise<Result[]> {
  if (kase === "get") return [await env.EDGESLOT.exec(commands[0]!)];
  const answer = await env.EDGESLOT.pipeline(commands);
  if (!Array.isArray(answer)) throw new Error(answer.error);
  return answer;
}

async function viaHttp(env: DriverEnv, kase: TransportCase, commands: string[][]): Promise<Result[]> {
  const response = await env.GATEWAY_HTTP.fetch(`http://gateway.bench${kase === "get" ? "/" : "/pipeline"}`, {
    method: "POST",
    headers: { authorization: `Bearer ${env.EDGESLOT_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(kase === "get" ? commands[0] : commands),
  });
  const body = (await response.json()) as Result | Result[];
  return Array.isArray(body) ? body : [body];
}

/**
 * POST /script?placement=local|cross&rounds=N&concurrency=C: N waves of C concurrent 2-key EVALs
 * through the binding, on keys sharing a shard or on two shards (the cross-shard protocol).
 */
async function runScripts(env: DriverEnv, url: URL): Promise<Response> {
  const placement = url.searchParams.get("placement") === "cross" ? "cross" : "local";
  const rounds = Number(url.searchParams.get("rounds") ?? 1);
  const concurrency = Number(url.searchParams.get("concurrency") ?? 1);
  const waves = Array.from({ length: concurrency }, (_, i) => scriptKeys(placement, i));
  let last: Result[] = [];
  const start = performance.now();
  for (let round = 0; round < rounds; round++) {
    last = await Promise.all(waves.map((keys) => env.EDGESLOT.exec(["EVAL", SCRIPT_2KEY, 2, ...keys])));
  }
  const ms = performance.now() - start;
  const run: TransportRun = { ms, results: last.map((entry) => entry.error ?? entry.result) };
  return Response.json(run);
}

/**
 * POST /replication?replicas=N&mode=async|sync&rounds=R&concurrency=C: R waves of C concurrent
 * 100-SET pipelines through the HTTP app with the replication variables overridden. INFO replication
 * runs beside every other wave (how far the replicas trail under load, in log entries) and once more
 * when the writes stop.
 */
async function runReplication(env: DriverEnv, url: URL): Promise<Response> {
  const vars = { ...env, EDGESLOT_REPLICAS: url.searchParams.get("replicas") ?? "0", EDGESLOT_REPLICATION: url.searchParams.get("mode") ?? "async" };
  const replicated = Number(url.searchParams.get("replicas")) > 0;
  const rounds = Number(url.searchParams.get("rounds") ?? 1);
  const concurrency = Number(url.searchParams.get("concurrency") ?? 1);
  const post = async (path: string, body: unknown) => {
    const response = await app.fetch(
      new Request(`http://gateway.bench${path}`, { method: "POST", headers: { authorization: `Bearer ${env.EDGESLOT_TOKEN}` }, body: JSON.stringify(body) }),
      vars,
    );
    return (await response.json()) as Result | Result[];
  };
  /** Log entries the primaries hold that their replicas have not acknowledged, summed over shards. */
  const lag = async () => {
    const text = String(((await post("/", ["INFO", "replication"])) as Result).result ?? "");
    const primary = [...text.matchAll(/^shard\d:master_repl_offset=(\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    const acked = [...text.matchAll(/^slave\d+:.*offset=(\d+),/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    return primary - acked;
  };
  let last: Result[] = [];
  let maxLagUnderLoad = 0;
  const start = performance.now();
  for (let round = 0; round < rounds; round++) {
    const wave = Promise.all(
      Array.from({ length: concurrency }, (_, c) => post("/pipeline", Array.from({ length: PIPELINE_LENGTH }, (_, i) => ["SET", `rep:${c}:${i}`, `${round}`]))),
    );
    const [waves, during] = await Promise.all([wave, replicated && round % 2 === 1 ? lag() : 0]);
    maxLagUnderLoad = Math.max(maxLagUnderLoad, during);
    last = waves.flat();
  }
  const ms = performance.now() - start;
  const lagEntries = replicated ? await lag() : 0;
  const run: TransportRun & { lagEntries: number; maxLagUnderLoad: number } = { ms, results: last.map((entry) => entry.error ?? entry.result), lagEntries, maxLagUnderLoad };
  return Response.json(run);
}

export default {
  /** POST /setup writes the bench keys; POST /run?transport=binding|http&case=get|pipeline&rounds=N. */
  async fetch(request: Request, env: DriverEnv): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/setup") {
      const answer = await env.EDGESLOT.exec(["MSET", ...Array.from({ length: PIPELINE_LENGTH }, (_, i) => [benchKey(i), benchValue(i)]).flat()]);
      return Response.json(answer);
    }
    if (url.pathname === "/script") return runScripts(env, url);
    if (url.pathname === "/replication") return runReplication(env, url);
    const transport = url.searchParams.get("transport") === "http" ? viaHttp : viaBinding;
    const kase = (url.searchParams.get("case") ?? "get") as TransportCase;
    const rounds = Number(url.searchParams.get("rounds") ?? 1);
    const commands = commandsFor(kase);
    let last: Result[] = [];
    const start = performance.now();
    for (let i = 0; i < rounds; i++) last = await transport(env, kase, commands);
    const ms = performance.now() - start;
    const run: TransportRun = { ms, results: last.map((entry) => entry.error ?? entry.result) };
    return Response.json(run);
  },
} satisfies ExportedHandler<DriverEnv>;
