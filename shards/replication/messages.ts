// What a primary shard and its replicas say to each other, and what the gateway tells a primary
// about replication. Offsets are effect-log seqs (shards/persistence/log.ts); epochs and lineages are
// the failover's (member.ts, shards/coordinator).
import type { Ownership } from "../slots/ownership";
import type { StoredLock } from "./lock-state";
import type { Lineage } from "./member";

export type ReplicationMode = "async" | "sync";

/** Sent by the gateway with each batch when replication is on (or the batch holds WAIT/ROLE). */
export interface ReplicationOptions {
  /** This primary's shard (slot-range group) number. */
  readonly shard: number;
  /** The group's epoch as the gateway knows it: a primary of another epoch refuses the batch unrun. */
  readonly epoch: number;
  /** The replicas' object names, from the coordinator's topology. */
  readonly replicas: readonly string[];
  readonly mode: ReplicationMode;
  /** The position the request's sync token names on this shard (WAIT counts acknowledgements of it). */
  readonly position?: number;
}

export interface WireEntry {
  readonly seq: number;
  readonly effects: ArrayBuffer;
}

/** One stored part of a checkpointed key (`shards/persistence/checkpoint.ts`'s rows). */
export interface SnapshotRow {
  readonly key: ArrayBuffer;
  readonly part: number;
  readonly payload: ArrayBuffer;
}

/**
 * Log entries in order, or — when the replica's offset was trimmed from the primary's log — a chunk of
 * the primary's checkpointed key rows (its state at `through`), continuing after the row `from`; the
 * last chunk carries the start of the log tail.
 */
export type ReplicationMessage = {
  readonly primary: string;
  /** The sender's epoch, and the lineage of its log (a replica checks its own log is a prefix). */
  readonly epoch: number;
  readonly lineage: Lineage;
} & (
  | { readonly kind: "entries"; readonly entries: readonly WireEntry[] }
  | {
      readonly kind: "snapshot";
      readonly through: number;
      readonly from: { readonly key: ArrayBuffer; readonly part: number } | null;
      readonly rows: readonly SnapshotRow[];
      readonly last: boolean;
      readonly entries: readonly WireEntry[];
      /** On the last chunk: the primary's transaction locks (replication/lock-state.ts). */
      readonly locks: readonly StoredLock[];
      /** On the last chunk: the primary's slot ownership (shards/slots/ownership.ts), if any. */
      readonly slots?: Ownership | null;
    }
);

/** The replica's answer: the offset it has durably applied (its log head); `epoch` set when it has
 * heard of a newer epoch than the sender's and refused the push (the sender is deposed); `resync`
 * when its log is not a prefix of the sender's and only a snapshot will do. */
export interface ReplicaAck {
  readonly applied: number;
  readonly epoch?: number;
  readonly resync?: true;
  /** A snapshot chunk was staged; the stream goes on. */
  readonly staged?: true;
}

export const replicaName = (shard: number, replica: number) => `shard-${shard}-replica-${replica}`;
export const primaryName = (shard: number) => `shard-${shard}`;
