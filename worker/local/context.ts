// What gateway-local commands may read: topology and the address clients reached us at. No env.
import type { MemberHealth } from "../../shards/coordinator/coordinator";
import type { Topology } from "../../shards/coordinator/topology";

export interface LocalContext {
  readonly shards: number;
  /** Replica objects per shard, listed after each primary. */
  readonly replicas?: number;
  /** The address CLUSTER SLOTS/SHARDS report for every node (each shard is one "node"). */
  readonly ip: string;
  readonly port: number;
  readonly keySlot: (key: Uint8Array) => number;
  /** The coordinator, when there are replicas: who leads each shard now, health, failover. */
  readonly cluster?: ClusterControl;
}

export interface ClusterControl {
  /** The coordinator's current topology (also refreshes the gateway's copy). */
  refresh(): Promise<Topology>;
  health(): Promise<Record<string, MemberHealth>>;
  failover(shard: number, planned: boolean): Promise<{ primary: string; epoch: number } | { refused: string }>;
}
