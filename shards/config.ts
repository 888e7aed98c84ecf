// The shard's settings, read from the Worker's variables with their defaults.
import { EVICTION_POLICIES, isEvictionPolicy, type EvictionPolicy } from "../wasm/host";

export interface ShardEnv {
  /** Bytes the core may hold before writes answer OOM (a Durable Object has 128 MB in all). */
  EDGESLOT_MAXMEMORY?: string;
  /** What a write past maxmemory does: Redis's maxmemory-policy names (see EVICTION_POLICIES). */
  EDGESLOT_MAXMEMORY_POLICY?: string;
  /** Log bytes that trigger a checkpoint of dirty keys into rows (at least; see the next). */
  EDGESLOT_CHECKPOINT_BYTES?: string;
  /** Test deployments only: opens the fault hook (replication/faults.ts). */
  EDGESLOT_TEST_FAULTS?: string;
  /** Also wait until the log holds this many times the core's used memory; 0: the byte threshold alone. */
  EDGESLOT_CHECKPOINT_GROWTH?: string;
}

export interface ShardConfig {
  maxMemory: number;
  maxMemoryPolicy: EvictionPolicy;
  checkpointBytes: number;
  checkpointGrowth: number;
  /** How often the alarm sweeps expired keys while some keys have a TTL. */
  sweepIntervalMs: number;
}

export function shardConfig(env: ShardEnv): ShardConfig {
  return {
    maxMemory: positive(env.EDGESLOT_MAXMEMORY, 96 * 1024 * 1024),
    maxMemoryPolicy: policy(env.EDGESLOT_MAXMEMORY_POLICY),
    checkpointBytes: positive(env.EDGESLOT_CHECKPOINT_BYTES, 8 * 1024 * 1024),
    checkpointGrowth: nonNegative(env.EDGESLOT_CHECKPOINT_GROWTH, 1),
    sweepIntervalMs: 1000,
  };
}

function positive(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return text !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

function nonNegative(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return text !== undefined && text !== "" && Number.isFinite(value) && value >= 0 ? value : fallback;
}

/** An unknown policy stops the shard at start: a typo must not silently mean noeviction. */
function policy(text: string | undefined): EvictionPolicy {
  if (text === undefined || text === "") return "noeviction";
  const name = text.trim().toLowerCase();
  if (isEvictionPolicy(name)) return name;
  throw new Error(`EDGESLOT_MAXMEMORY_POLICY must be one of ${EVICTION_POLICIES.join(", ")}; got ${JSON.stringify(text)}`);
}
