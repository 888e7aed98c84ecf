// What the transport bench sends, shared by its Node side and its in-workerd driver.
export type TransportCase = "get" | "pipeline";

export const PIPELINE_LENGTH = 100;
export const benchKey = (i: number) => `bench:${i}`;
export const benchValue = (i: number) => `value-${i}`;

/** Every round trip's results, flattened (an error entry gives its message). */
export interface TransportRun {
  /** Milliseconds for all round trips (the runtime's clock advances across I/O). */
  ms: number;
  results: unknown[];
}
