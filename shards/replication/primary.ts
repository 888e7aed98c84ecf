// A primary's side of replication: one sender per replica pushes the effect log from the replica's
// acknowledged offset (catching up from the log or a snapshot), and waiters for acknowledgements
// (sync mode, WAIT). One push per replica is in flight at a time, so entries arrive in order.
import type { EffectLog } from "../persistence/log";
import { catchUpMessage } from "./snapshot";
import { primaryName, replicaName, type ReplicaAck, type ReplicationMessage, type ReplicationOptions } from "./messages";

export interface ReplicaLink {
  replicate(message: ReplicationMessage): Promise<ReplicaAck>;
}

export interface PrimaryHost {
  readonly sql: SqlStorage;
  log(): EffectLog;
  replica(name: string): ReplicaLink;
  /** A push failed: try again later (the shard's alarm). */
  retryLater(): void;
}

export interface ReplicaStatus {
  readonly name: string;
  /** Offset the replica acknowledged; null before it first answered. */
  readonly acked: number | null;
}

interface Waiter {
  readonly seq: number;
  readonly count: number;
  readonly resolve: (acked: number) => void;
}

export class ReplicationPrimary {
  private options: ReplicationOptions | null = null;
  private acked: (number | null)[] = [];
  /** When each replica last answered (ms), for INFO's lag. */
  private ackedAt: number[] = [];
  private sending: boolean[] = [];
  private waiters: Waiter[] = [];

  constructor(private readonly host: PrimaryHost) {}

  get configured(): ReplicationOptions | null {
    return this.options;
  }

  configure(options: ReplicationOptions): void {
    const previous = this.options;
    this.options = options;
    if (previous && previous.shard === options.shard && previous.replicas === options.replicas) return;
    this.acked = Array.from({ length: options.replicas }, () => null);
    this.sending = Array.from({ length: options.replicas }, () => false);
    this.ackedAt = Array.from({ length: options.replicas }, () => 0);
    this.kick();
  }

  /** New entries in the log (or a retry): every idle sender starts a push. */
  kick(): void {
    for (let j = 0; j < this.acked.length; j++) void this.pump(j);
  }

  /** Replicas whose acknowledged offset reaches `seq`. */
  acknowledged(seq: number): number {
    return this.acked.filter((offset) => offset !== null && offset >= seq).length;
  }

  /** Resolves with the acknowledgement count once `count` replicas reach `seq`, or at the timeout. */
  waitFor(seq: number, count: number, timeoutMs: number): Promise<number> {
    const now = this.acknowledged(seq);
    if (now >= count || count > this.acked.length || timeoutMs <= 0) return Promise.resolve(now);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        seq,
        count,
        resolve: (acked) => {
          clearTimeout(timer);
          resolve(acked);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(this.acknowledged(seq));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  status(): { offset: number; replicas: (ReplicaStatus & { lagSeconds: number | null })[] } {
    const shard = this.options?.shard ?? 0;
    const now = Date.now();
    return {
      offset: this.host.log().head,
      replicas: this.acked.map((acked, j) => ({
        name: replicaName(shard, j),
        acked,
        // Redis's lag: seconds since the replica last answered; 0 while it is up to date.
        lagSeconds: acked === null ? null : acked === this.host.log().head ? 0 : Math.floor((now - this.ackedAt[j]!) / 1000),
      })),
    };
  }

  private async pump(j: number): Promise<void> {
    if (this.sending[j] || !this.options) return;
    this.sending[j] = true;
    const { shard } = this.options;
    try {
      const link = this.host.replica(replicaName(shard, j));
      for (;;) {
        const log = this.host.log();
        const acked = this.acked[j];
        if (acked === log.head) break;
        // Before a replica's first answer its offset is unknown: an empty push asks for it.
        const message: ReplicationMessage =
          acked === null || acked === undefined
            ? { kind: "entries", primary: primaryName(shard), entries: [] }
            : catchUpMessage(primaryName(shard), this.host.sql, log, acked);
        const answer = await link.replicate(message);
        if (j >= this.acked.length) return;
        const progressed = acked === null || acked === undefined || answer.applied !== acked;
        this.acked[j] = answer.applied;
        this.ackedAt[j] = Date.now();
        this.settleWaiters();
        if (!progressed) throw new Error(`replica ${replicaName(shard, j)} made no progress at offset ${acked}`);
      }
    } catch (error) {
      console.error(`replication to ${replicaName(shard, j)} failed, retrying: ${(error as Error).message}`);
      this.host.retryLater();
    } finally {
      this.sending[j] = false;
    }
  }

  private settleWaiters(): void {
    this.waiters = this.waiters.filter((waiter) => {
      const acked = this.acknowledged(waiter.seq);
      if (acked < waiter.count) return true;
      waiter.resolve(acked);
      return false;
    });
  }
}
