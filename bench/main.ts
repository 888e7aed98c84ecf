// The bench suite's driver: picks suites, records the machine, prints the report and appends full runs to RESULTS.md.
//   BENCH_QUICK=1        smaller keyspaces and shorter samples (smoke run; printed, not recorded)
//   BENCH_ONLY=a,b       run only these suites (ids below); a partial run is recorded only with BENCH_RECORD=1
//   BENCH_RECORD=0|1     force recording off or on
//   BENCH_STATE_DIR=dir  where the shard's SQLite state lives (default: the OS temp dir, on disk here)
import { existsSync } from "node:fs";
import { describeMachine, machineLines, startState } from "./machine";
import { appendResults, renderRun, type Section } from "./report";
import { coldStartSuite } from "./coldstart";
import { collectionsSuite } from "./collections";
import { e2eSuite } from "./e2e";
import { engineSuite } from "./engine";
import { latencySuite } from "./latency";
import { mapReduceSuite } from "./mapreduce";
import { migrationSuite } from "./migration";
import { REDIS_SERVER } from "./redis-server";
import { replicationSuite } from "./replication";
import { scriptsSuite } from "./scripts";
import { slotsSuite } from "./slots";
import { transportSuite } from "./transport";
import { transactionsSuite } from "./transactions";
import { transcodeSuite } from "./transcode";
import type { Suite } from "./suite";

const SUITES: readonly Suite[] = [slotsSuite, transcodeSuite, engineSuite, transportSuite, collectionsSuite, scriptsSuite, transactionsSuite, replicationSuite, mapReduceSuite, e2eSuite, latencySuite, coldStartSuite, migrationSuite];

export async function main(): Promise<number> {
  const quick = process.env.BENCH_QUICK === "1";
  const only = process.env.BENCH_ONLY?.split(",").filter(Boolean);
  const unknown = only?.filter((id) => !SUITES.some((suite) => suite.id === id)) ?? [];
  if (unknown.length > 0) {
    console.error(`unknown suite(s) ${unknown.join(", ")}; known: ${SUITES.map((suite) => suite.id).join(", ")}`);
    return 2;
  }
  const selected = only ? SUITES.filter((suite) => only.includes(suite.id)) : SUITES;
  const record = process.env.BENCH_RECORD ? process.env.BENCH_RECORD === "1" : !quick && !only;
  const log = (line: string) => console.error(`[bench] ${line}`);
  const started = new Date();
  const start = startState();

  const sections: Section[] = [];
  for (const suite of selected) {
    log(`${suite.id}…`);
    sections.push(await suite.run({ quick, log }));
  }
  const machine = describeMachine(existsSync(REDIS_SERVER) ? REDIS_SERVER : null, start);
  const minutes = ((Date.now() - started.getTime()) / 60_000).toFixed(1);
  const heading = `${started.toISOString().slice(0, 16).replace("T", " ")} UTC — ${quick ? "quick" : "full"} run (${minutes} min)`;
  const markdown = renderRun(heading, machineLines(machine), sections);
  console.log(markdown);
  if (record) {
    appendResults("bench/RESULTS.md", markdown);
    log("appended to bench/RESULTS.md");
  }
  return 0;
}
