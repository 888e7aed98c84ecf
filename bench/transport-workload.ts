// What the transport and transactions benches send, shared by their Node side and the in-workerd driver.
import { keySlotOfString } from "./slot-ts";
export type TransportCase = "get" | "pipeline";

export const PIPELINE_LENGTH = 100;
export const benchKey = (i: number) => `bench:${i}`;
export const benchValue = (i: number) => `value-${i}`;

/** The transactions bench's script: two writes, one per declared key, answering the second count. */
export const SCRIPT_2KEY = "redis.call('INCR', KEYS[1]); return redis.call('INCR', KEYS[2])";

/**
 * The two keys of caller `i`: sharing a {hash tag} (one shard, the single-RPC path), or the same
 * names without one, chosen (bench/transactions.ts checks it) to hash to two of the 4 shards.
 */
export function scriptKeys(placement: "local" | "cross", i: number): [string, string] {
  return placement === "local" ? [`{tx${i}}:a`, `{tx${i}}:b`] : CROSS_PAIRS[i % CROSS_PAIRS.length]!;
}

/** Pairs of keys on different shards of 4 (slot ranges of 4096), found once by hashing. */
const CROSS_PAIRS: [string, string][] = (() => {
  const pairs: [string, string][] = [];
  const shardOf = (key: string) => Math.floor(keySlotOfString(key) / 4096);
  for (let i = 0; pairs.length < 64; i++) {
    const a = `tx:${i}:a`;
    const b = `tx:${i}:b`;
    if (shardOf(a) !== shardOf(b)) pairs.push([a, b]);
  }
  return pairs;
})();

/** Every round trip's results, flattened (an error entry gives its message). */
export interface TransportRun {
  /** Milliseconds for all round trips (the runtime's clock advances across I/O). */
  ms: number;
  results: unknown[];
}
