// What gateway-local commands may read: topology and the address clients reached us at. No env.

export interface LocalContext {
  readonly shards: number;
  /** Replica objects per shard, listed after each primary. */
  readonly replicas?: number;
  /** The address CLUSTER SLOTS/SHARDS report for every node (each shard is one "node"). */
  readonly ip: string;
  readonly port: number;
  readonly keySlot: (key: Uint8Array) => number;
}
