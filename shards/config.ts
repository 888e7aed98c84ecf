// The shard's settings, read from the Worker's variables with their defaults.

export interface ShardEnv {
  /** Bytes the core may hold before writes answer OOM (a Durable Object has 128 MB in all). */
  EDGESLOT_MAXMEMORY?: string;
  /** Log bytes that trigger a checkpoint of dirty keys into rows. */
  EDGESLOT_CHECKPOINT_BYTES?: string;
}

export interface ShardConfig {
  maxMemory: number;
  checkpointBytes: number;
  /** How often the alarm sweeps expired keys while some keys have a TTL. */
  sweepIntervalMs: number;
}

export function shardConfig(env: ShardEnv): ShardConfig {
  return {
    maxMemory: positive(env.EDGESLOT_MAXMEMORY, 96 * 1024 * 1024),
    checkpointBytes: positive(env.EDGESLOT_CHECKPOINT_BYTES, 8 * 1024 * 1024),
    sweepIntervalMs: 1000,
  };
}

function positive(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return text !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
