// How the bench measures a rate: repeated timed samples on a monotonic clock, the median kept.
import { performance } from "node:perf_hooks";

export interface RateOptions {
  /** Each sample runs at least this long (the iteration count is calibrated to reach it). */
  sampleMs: number;
  /** Samples taken; the median is reported, so one noisy neighbour on a shared machine can't set it. */
  samples: number;
}

/**
 * Operations per second of `run(iterations)`, where one iteration performs `opsPerIteration`
 * operations. `run` returns a value folded into a sink so the JIT cannot drop the work.
 */
export function measureRate(run: (iterations: number) => number, opsPerIteration: number, options: RateOptions): number {
  let sink = 0;
  let iterations = 1;
  // Calibrate (and warm up the JIT) until one sample reaches the target duration.
  for (;;) {
    const start = performance.now();
    sink ^= run(iterations);
    const elapsed = performance.now() - start;
    if (elapsed >= options.sampleMs) break;
    iterations = Math.ceil(iterations * Math.min(10, Math.max(2, (options.sampleMs * 1.2) / Math.max(elapsed, 0.01))));
  }
  const rates: number[] = [];
  for (let i = 0; i < options.samples; i++) {
    const start = performance.now();
    sink ^= run(iterations);
    const seconds = (performance.now() - start) / 1000;
    rates.push((iterations * opsPerIteration) / seconds);
  }
  if (sink === 0.5) console.log("unreachable sink"); // keeps `sink` observable
  return median(rates);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Seconds taken by an async action (for runs that are measured once, end to end). */
export async function timeAsync(action: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await action();
  return (performance.now() - start) / 1000;
}
