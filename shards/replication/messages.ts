// What a primary shard and its replicas say to each other, and what the gateway tells a primary
// about replication. Offsets are effect-log seqs (shards/persistence/log.ts).

export type ReplicationMode = "async" | "sync";

/** Sent by the gateway with each batch when replication is on (or the batch holds WAIT/ROLE). */
export interface ReplicationOptions {
  /** This primary's shard number: its replicas are `shard-<shard>-replica-<j>`. */
  readonly shard: number;
  readonly replicas: number;
  readonly mode: ReplicationMode;
  /** The position the request's sync token names on this shard (WAIT counts acknowledgements of it). */
  readonly position?: number;
}

export interface WireEntry {
  readonly seq: number;
  readonly effects: ArrayBuffer;
}

/**
 * Log entries in order, or — when the replica's offset was trimmed from the primary's log — the
 * primary's checkpointed key rows (its state at `through`) followed by the log tail.
 */
export type ReplicationMessage =
  | { readonly kind: "entries"; readonly primary: string; readonly entries: readonly WireEntry[] }
  | {
      readonly kind: "snapshot";
      readonly primary: string;
      readonly through: number;
      readonly rows: readonly { key: ArrayBuffer; payload: ArrayBuffer }[];
      readonly entries: readonly WireEntry[];
    };

/** The replica's answer: the offset it has durably applied (its log head). */
export interface ReplicaAck {
  readonly applied: number;
}

export const replicaName = (shard: number, replica: number) => `shard-${shard}-replica-${replica}`;
export const primaryName = (shard: number) => `shard-${shard}`;
