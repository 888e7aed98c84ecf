// Gateway settings read from the environment (wrangler.toml [vars] or secrets), with their defaults.
import type { AutoSplitSettings } from "../shards/coordinator/topology";

export interface GatewayConfig {
  readonly shards: number;
  readonly maxRequestBytes: number;
  readonly maxKeyBytes: number;
  /** Replica objects per primary shard (0: no replication). */
  readonly replicas: number;
  readonly replication: "async" | "sync";
  /** Failed calls to a primary before the coordinator probes it (and fails it over if the probe fails). */
  readonly failoverAfter: number;
  /** How long a probe, fence or promotion may take (ms). */
  readonly probeMs: number;
  /** How long a shard call may take before it counts as failed (ms); above the 5 s a sync write waits. */
  readonly callTimeoutMs: number;
  /** Automatic splitting of a hot shard (absent: off). */
  readonly autoSplit?: AutoSplitSettings;
  /** Shards an automatic split may grow the cluster to. */
  readonly maxShards: number;
}

function positiveInteger(value: string | undefined, fallback: number, name: string, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1 || n > max) throw new Error(`${name} must be an integer from 1 to ${max}, got '${value}'`);
  return n;
}

export function readConfig(env: Env): GatewayConfig {
  return {
    shards: positiveInteger(env.EDGESLOT_SHARDS, 4, "EDGESLOT_SHARDS", 16384),
    maxRequestBytes: positiveInteger(env.EDGESLOT_MAX_REQUEST_BYTES, 10 * 1024 * 1024, "EDGESLOT_MAX_REQUEST_BYTES"),
    maxKeyBytes: positiveInteger(env.EDGESLOT_MAX_KEY_BYTES, 32 * 1024, "EDGESLOT_MAX_KEY_BYTES"),
    // One replica per shard unless told otherwise; 0 turns replication (and failover) off.
    replicas: env.EDGESLOT_REPLICAS === "0" ? 0 : positiveInteger(env.EDGESLOT_REPLICAS, 1, "EDGESLOT_REPLICAS", 16),
    replication: replicationMode(env.EDGESLOT_REPLICATION),
    failoverAfter: positiveInteger(env.EDGESLOT_FAILOVER_AFTER, 3, "EDGESLOT_FAILOVER_AFTER", 1000),
    probeMs: positiveInteger(env.EDGESLOT_PROBE_MS, 2_000, "EDGESLOT_PROBE_MS", 600_000),
    callTimeoutMs: positiveInteger(env.EDGESLOT_CALL_TIMEOUT_MS, 15_000, "EDGESLOT_CALL_TIMEOUT_MS", 600_000),
    autoSplit: autoSplit(env),
    maxShards: positiveInteger(env.EDGESLOT_MAX_SHARDS, 64, "EDGESLOT_MAX_SHARDS", 16384),
  };
}

/** Off unless a memory share or a rate factor is set. */
function autoSplit(env: Env): AutoSplitSettings | undefined {
  const memoryShare = fraction(env.EDGESLOT_AUTOSPLIT_MEMORY, "EDGESLOT_AUTOSPLIT_MEMORY");
  const rateFactor = env.EDGESLOT_AUTOSPLIT_RATE ? positiveNumber(env.EDGESLOT_AUTOSPLIT_RATE, "EDGESLOT_AUTOSPLIT_RATE") : 0;
  if (memoryShare === null && rateFactor === 0) return undefined;
  return {
    memoryShare: memoryShare ?? 0,
    // The shards' own limit (shards/config.ts), with its default.
    maxMemory: positiveInteger(env.EDGESLOT_MAXMEMORY, 96 * 1024 * 1024, "EDGESLOT_MAXMEMORY"),
    rateFactor,
    checkMs: positiveInteger(env.EDGESLOT_AUTOSPLIT_CHECK_MS, 60_000, "EDGESLOT_AUTOSPLIT_CHECK_MS", 86_400_000),
  };
}

function fraction(value: string | undefined, name: string): number | null {
  if (value === undefined || value === "") return null;
  const n = Number(value);
  if (!(n > 0 && n <= 1)) throw new Error(`${name} must be a number above 0 and at most 1, got '${value}'`);
  return n;
}

function positiveNumber(value: string, name: string): number {
  const n = Number(value);
  if (!(n > 0 && Number.isFinite(n))) throw new Error(`${name} must be a positive number, got '${value}'`);
  return n;
}

function replicationMode(value: string | undefined): "async" | "sync" {
  if (value === undefined || value === "" || value === "async") return "async";
  if (value === "sync") return "sync";
  throw new Error(`EDGESLOT_REPLICATION must be async or sync, got '${value}'`);
}
