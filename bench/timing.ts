// How the bench measures a rate: repeated timed samples on a monotonic clock, the median kept.
import { performance } from "node:perf_hooks";

export interface RateOptions {
  /** Each sample runs at least this long (the iteration count is calibrated to reach it). */
  sampleMs: number;
  /** Samples taken; the median is reported, so one noisy neighbour on a shared machine can't set it. */
  samples: number;
}

export interface RateCase {
  /** Performs `iterations` iterations and returns a value folded into a sink, so the JIT cannot drop the work. */
  run: (iterations: number) => number;
  opsPerIteration: number;
}

/**
 * Operations per second of each case. Every case is calibrated (and warmed up) first, then the
 * samples are interleaved, one of each case per pass, so a neighbour's burst of load on a shared
 * machine lands on all cases alike instead of skewing the ratios between them.
 */
export function measureRates(cases: readonly RateCase[], options: RateOptions): number[] {
  let sink = 0;
  const iterations = cases.map((c) => {
    let count = 1;
    for (;;) {
      const start = performance.now();
      sink ^= c.run(count);
      const elapsed = performance.now() - start;
      if (elapsed >= options.sampleMs) return count;
      count = Math.ceil(count * Math.min(10, Math.max(2, (options.sampleMs * 1.2) / Math.max(elapsed, 0.01))));
    }
  });
  const rates: number[][] = cases.map(() => []);
  for (let pass = 0; pass < options.samples; pass++) {
    cases.forEach((c, i) => {
      const start = performance.now();
      sink ^= c.run(iterations[i]);
      const seconds = (performance.now() - start) / 1000;
      rates[i].push((iterations[i] * c.opsPerIteration) / seconds);
    });
  }
  if (sink === 0.5) console.log("unreachable sink"); // keeps `sink` observable
  return rates.map(median);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
