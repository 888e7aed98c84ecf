// What gateway-local commands may read: topology and the address clients reached us at. No env.
import type { MemberHealth, ScalingAnswer } from "../../shards/coordinator/coordinator";
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
  /** The coordinator's slot moves (CLUSTER ADDSHARDS and the like); absent in unit tests without one. */
  readonly scaling?: ScalingControl;
}

/** Scaling requests: each answers at once with the steps queued, or why not. */
export interface ScalingControl {
  addShards(count: number): Promise<ScalingAnswer>;
  removeShard(group: number): Promise<ScalingAnswer>;
  moveSlots(first: number, last: number, to: number): Promise<ScalingAnswer>;
  rebalance(by: "slots" | "memory"): Promise<ScalingAnswer>;
}

export interface ClusterControl {
  /** The coordinator's current topology (also refreshes the gateway's copy). */
  refresh(): Promise<Topology>;
  health(): Promise<Record<string, MemberHealth>>;
  failover(shard: number, planned: boolean): Promise<{ primary: string; epoch: number } | { refused: string }>;
}
