// Bindings and variables the gateway reads (see wrangler.toml).
interface Env {
  SHARD: DurableObjectNamespace<import("../shards/shard").Shard>;
  TX_DECISION: DurableObjectNamespace<import("../shards/transactions/decision").TxDecision>;
  COMPUTE_JOB: DurableObjectNamespace<import("../shards/compute/job").ComputeJob>;
  COORDINATOR: DurableObjectNamespace<import("../shards/coordinator/coordinator").Coordinator>;
  /** Test configurations only: lets a request name a step where the transaction coordinator stops. */
  EDGESLOT_TEST_FAULTS?: string;
  EDGESLOT_SHARDS?: string;
  EDGESLOT_TOKEN?: string;
  EDGESLOT_READONLY_TOKEN?: string;
  /** Request body limit in bytes (default 10 MB). */
  EDGESLOT_MAX_REQUEST_BYTES?: string;
  /** Key size limit in bytes (default 32 KB). */
  EDGESLOT_MAX_KEY_BYTES?: string;
  /** Replica objects per shard (default 1; 0 turns replication and failover off). */
  EDGESLOT_REPLICAS?: string;
  /** `async` (default) or `sync`: a write's reply waits for one replica's acknowledgement. */
  EDGESLOT_REPLICATION?: string;
  /** Failed calls to a primary before the coordinator probes it and fails it over (default 3). */
  EDGESLOT_FAILOVER_AFTER?: string;
  /** How long a probe, a fence or a promotion may take, in ms (default 2000). */
  EDGESLOT_PROBE_MS?: string;
  /** How long the gateway waits for a shard's answer before counting the call as failed, in ms (default 15000). */
  EDGESLOT_CALL_TIMEOUT_MS?: string;
  /** Auto-rebalance: split a shard using more than this share (0 to 1) of EDGESLOT_MAXMEMORY (unset: off). */
  EDGESLOT_AUTOSPLIT_MEMORY?: string;
  /** Auto-rebalance: split a shard running more than this many times the others' mean command rate (unset: off). */
  EDGESLOT_AUTOSPLIT_RATE?: string;
  /** Bytes one shard may hold (default 96 MiB; the shards read it too, shards/config.ts). */
  EDGESLOT_MAXMEMORY?: string;
  /** How often the coordinator checks the shards' load, in ms (default 60000). */
  EDGESLOT_AUTOSPLIT_CHECK_MS?: string;
  /** Shards an automatic split may grow the cluster to (default 64). */
  EDGESLOT_MAX_SHARDS?: string;
}
declare namespace Cloudflare { interface Env extends globalThis.Env {} }
