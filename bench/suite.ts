// The shape every bench suite has, so later suites (issue 8: transcode, end to end, latency, cold start) slot in.
import type { Section } from "./report";

export interface BenchContext {
  /** BENCH_QUICK=1: smaller keyspaces and shorter samples, for smoke runs; nothing is recorded. */
  quick: boolean;
  /** Progress lines go to stderr so stdout stays the Markdown report. */
  log: (line: string) => void;
}

export interface Suite {
  /** Selected with BENCH_ONLY=<id>,<id>. */
  id: string;
  run: (context: BenchContext) => Promise<Section>;
}
