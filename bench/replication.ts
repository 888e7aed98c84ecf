// Replication's cost on writes: 100-SET pipelines through the HTTP app with no replicas, one replica
// in async mode and one in sync mode, interleaved in one workerd (bench/transport-driver.ts), plus
// how many log entries the async replicas trail by when the writes stop.
import { ratio, table, type Section } from "./report";
import { median } from "./timing";
import type { BenchContext, Suite } from "./suite";
import { startDriver } from "./transport";
import type { TransportRun } from "./transport-workload";

export const replicationSuite: Suite = { id: "replication", run: runReplication };

const CONFIGS = [
  { label: "no replicas", replicas: 0, mode: "async" },
  { label: "1 replica, async", replicas: 1, mode: "async" },
  { label: "1 replica, sync", replicas: 1, mode: "sync" },
] as const;
const CONCURRENCY = 8;
const SETS_PER_PIPELINE = 100;

async function runReplication(context: BenchContext): Promise<Section> {
  const samples = context.quick ? 3 : 7;
  const rounds = context.quick ? 3 : 20;
  const driver = await startDriver();
  const times = CONFIGS.map(() => [] as number[]);
  const lags = CONFIGS.map(() => [] as number[]);
  const loadLags = CONFIGS.map(() => [] as number[]);
  try {
    for (let i = 0; i < samples; i++) {
      for (const [c, config] of CONFIGS.entries()) {
        const url = `http://bench.local/replication?replicas=${config.replicas}&mode=${config.mode}&rounds=${rounds}&concurrency=${CONCURRENCY}`;
        const response = await driver.fetch(url, { method: "POST" });
        if (!response.ok) throw new Error(`driver answered ${response.status}: ${await response.text()}`);
        const run = (await response.json()) as TransportRun & { lagEntries: number; maxLagUnderLoad: number };
        if (run.results.length !== CONCURRENCY * SETS_PER_PIPELINE || !run.results.every((r) => r === "OK")) {
          throw new Error(`${config.label}: ${JSON.stringify(run.results).slice(0, 200)}`);
        }
        times[c]!.push(run.ms);
        lags[c]!.push(run.lagEntries);
        loadLags[c]!.push(run.maxLagUnderLoad);
      }
    }
  } finally {
    await driver.dispose();
  }
  const writes = rounds * CONCURRENCY * SETS_PER_PIPELINE;
  const base = writes / (median(times[0]!) / 1000);
  const rows = CONFIGS.map((config, c) => {
    const perSecond = writes / (median(times[c]!) / 1000);
    context.log(`replication ${config.label}: ${perSecond.toFixed(0)} SET/s`);
    const replicated = config.replicas > 0;
    return [config.label, `${perSecond.toFixed(0)}`, ratio(perSecond / base), replicated ? String(median(loadLags[c]!)) : "—", replicated ? String(median(lags[c]!)) : "—"];
  });
  return {
    title: "Replication: write throughput with no replica, one async, one sync",
    lines: [
      ...table(["configuration", "SET/s", "vs no replicas", "replica lag under load (log entries, all shards, largest seen)", "lag when writes stop"], rows),
      "",
      `${CONCURRENCY} concurrent pipelines of ${SETS_PER_PIPELINE} SETs, ${rounds} waves per sample, median of ${samples} interleaved ` +
        "samples, through the gateway's HTTP app in one workerd (4 shards; replicas are Durable Objects in the same process). " +
        "Every reply is checked. Lag under load: INFO replication sent beside every other wave; the largest sum over " +
        "shards of primary offset minus acknowledged offset per sample, median over samples. Since each write batch " +
        "is one log entry, it counts batches not yet acknowledged.",
    ],
    targets: [],
  };
}
