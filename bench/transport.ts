// Round trips from a Worker to the gateway: one GET and one 100-command pipeline, through a service
// binding to EdgeslotRpc vs through the HTTP API (JSON and a bearer token) behind a service binding's
// fetch, both inside one workerd (bench/transport-driver.ts). The public network hop a real HTTP
// client adds on top is not measured: the ratio is the transport's own cost, a lower bound.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { unstable_readConfig, unstable_startWorker } from "wrangler";
import { ratio, table, type Section } from "./report";
import { median } from "./timing";
import type { BenchContext, Suite } from "./suite";
import { benchKey, benchValue, PIPELINE_LENGTH, type TransportCase, type TransportRun } from "./transport-workload";

const NAME = "edgeslot-transport-bench";
const TOKEN = "edgeslot-bench-token";

export const transportSuite: Suite = { id: "transport", run: runTransport };

const CASES: readonly { kase: TransportCase; label: string; rounds: number }[] = [
  { kase: "get", label: "one GET", rounds: 500 },
  { kase: "pipeline", label: `a ${PIPELINE_LENGTH}-command GET pipeline over 4 shards`, rounds: 50 },
];

/** The driver Worker (bench/transport-driver.ts) with the whole gateway, on fresh local state. */
export async function startDriver(): Promise<{ fetch: (url: string, init?: RequestInit) => Promise<Response>; dispose: () => Promise<void> }> {
  const stateDir = mkdtempSync(join(tmpdir(), "edgeslot-bench-transport-"));
  const worker = await unstable_startWorker({
    config: writeConfig(),
    dev: { persist: stateDir, server: { hostname: "127.0.0.1", port: 0 }, inspector: false, logLevel: "warn", watch: false },
  });
  await worker.ready;
  return {
    fetch: (url, init) => worker.fetch(url, init as never) as unknown as Promise<Response>,
    dispose: async () => {
      await worker.dispose();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

async function runTransport(context: BenchContext): Promise<Section> {
  const samples = context.quick ? 3 : 9;
  const worker = await startDriver();
  const rows: string[][] = [];
  try {
    const setup = await (await worker.fetch("http://bench.local/setup", { method: "POST" })).json();
    if ((setup as { result?: string }).result !== "OK") throw new Error(`setup failed: ${JSON.stringify(setup)}`);
    for (const { kase, label, rounds: fullRounds } of CASES) {
      const rounds = context.quick ? Math.ceil(fullRounds / 10) : fullRounds;
      const run = async (transport: "binding" | "http") => {
        const response = await worker.fetch(`http://bench.local/run?transport=${transport}&case=${kase}&rounds=${rounds}`, { method: "POST" });
        if (!response.ok) throw new Error(`driver answered ${response.status}: ${await response.text()}`);
        const result = (await response.json()) as TransportRun;
        check(kase, transport, result.results);
        return result.ms / rounds;
      };
      // Interleaved samples, medians: neighbours on a shared machine slow both transports alike.
      const binding: number[] = [];
      const http: number[] = [];
      for (let i = 0; i < samples; i++) {
        binding.push(await run("binding"));
        http.push(await run("http"));
      }
      const b = median(binding);
      const h = median(http);
      context.log(`transport ${kase}: binding ${b.toFixed(3)} ms, HTTP ${h.toFixed(3)} ms`);
      rows.push([label, `${(b * 1000).toFixed(0)} µs`, `${(h * 1000).toFixed(0)} µs`, ratio(h / b)]);
    }
  } finally {
    await worker.dispose();
  }
  return {
    title: "Worker to gateway: service binding vs HTTP",
    lines: [
      ...table(["round trip", "service binding (EdgeslotRpc)", "HTTP API via a service binding's fetch", "HTTP / binding"], rows),
      "",
      `Median time per round trip over ${samples} interleaved samples, timed inside workerd by ` +
        "bench/transport-driver.ts (both transports reach the same gateway code and shards; replies are checked). " +
        "The HTTP column has no network hop: a Worker calling a public gateway URL pays that on top.",
    ],
    targets: [],
  };
}

function check(kase: TransportCase, transport: string, results: unknown[]): void {
  const expected = kase === "get" ? [benchValue(0)] : Array.from({ length: PIPELINE_LENGTH }, (_, i) => benchValue(i));
  if (JSON.stringify(results) !== JSON.stringify(expected)) {
    throw new Error(`${transport} ${kase} answered ${JSON.stringify(results).slice(0, 200)} (keys ${benchKey(0)}…)`);
  }
}

/** wrangler.toml with the driver as main, a token, and the two service bindings to itself. */
function writeConfig(): string {
  const project = unstable_readConfig({ config: "wrangler.toml" });
  const dir = resolve("bench/.build");
  mkdirSync(dir, { recursive: true });
  const config = {
    name: NAME,
    main: resolve("bench/transport-driver.ts"),
    compatibility_date: project.compatibility_date,
    compatibility_flags: project.compatibility_flags,
    rules: project.rules,
    vars: { ...project.vars, EDGESLOT_TOKEN: TOKEN },
    durable_objects: { bindings: project.durable_objects.bindings },
    migrations: project.migrations,
    services: [
      { binding: "EDGESLOT", service: NAME, entrypoint: "EdgeslotRpc" },
      { binding: "GATEWAY_HTTP", service: NAME, entrypoint: "GatewayHttp" },
    ],
  };
  const path = join(dir, "wrangler.bench-transport.json");
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}
