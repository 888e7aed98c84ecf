// Cross-shard transactions against the single-shard fast path: the same 2-key script through the
// service binding, its keys on one shard (one RPC) or on two (lock, fetch, execute, decide, apply),
// one call at a time (latency) and 16 at once (throughput), in one workerd (bench/transport-driver.ts).
import { ratio, table, type Section } from "./report";
import { median } from "./timing";
import type { BenchContext, Suite } from "./suite";
import { startDriver } from "./transport";
import type { TransportRun } from "./transport-workload";

export const transactionsSuite: Suite = { id: "transactions", run: runTransactions };

const CASES = [
  { label: "one script at a time (latency)", concurrency: 1, rounds: 200 },
  { label: "16 scripts at once (throughput)", concurrency: 16, rounds: 20 },
] as const;

async function runTransactions(context: BenchContext): Promise<Section> {
  const samples = context.quick ? 3 : 7;
  const driver = await startDriver();
  const rows: string[][] = [];
  try {
    for (const { label, concurrency, rounds: fullRounds } of CASES) {
      const rounds = context.quick ? Math.ceil(fullRounds / 10) : fullRounds;
      const run = async (placement: "local" | "cross") => {
        const response = await driver.fetch(`http://bench.local/script?placement=${placement}&rounds=${rounds}&concurrency=${concurrency}`, { method: "POST" });
        if (!response.ok) throw new Error(`driver answered ${response.status}: ${await response.text()}`);
        const result = (await response.json()) as TransportRun;
        if (!result.results.every((count) => typeof count === "number")) throw new Error(`${placement}: ${JSON.stringify(result.results).slice(0, 200)}`);
        return result.ms / (rounds * concurrency);
      };
      const local: number[] = [];
      const cross: number[] = [];
      for (let i = 0; i < samples; i++) {
        local.push(await run("local"));
        cross.push(await run("cross"));
      }
      const l = median(local);
      const c = median(cross);
      context.log(`transactions ${concurrency}: one shard ${l.toFixed(3)} ms, two shards ${c.toFixed(3)} ms per script`);
      rows.push([label, `${(l * 1000).toFixed(0)} µs`, `${(c * 1000).toFixed(0)} µs`, ratio(c / l)]);
    }
  } finally {
    await driver.dispose();
  }
  return {
    title: "Cross-shard transactions: a 2-key script on one shard vs on two",
    lines: [
      ...table(["calls", "keys on one shard (per script)", "keys on two shards (per script)", "two / one"], rows),
      "",
      `Median wall time per script over ${samples} interleaved samples through the service binding (bench/transport-driver.ts); ` +
        "each script INCRs both its keys and every reply is checked. The single-shard column is the fast path the protocol must " +
        "not slow down; the cross-shard column pays two lock RPCs in shard order, the decision record and two applies.",
    ],
    targets: [],
  };
}
