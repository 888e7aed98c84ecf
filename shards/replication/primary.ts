// A primary's side of replication: one sender per replica pushes the effect log from the replica's
// acknowledged offset (catching up from the log or a snapshot), and waiters for acknowledgements
// (sync mode, WAIT). One push per replica is in flight at a time, so entries arrive in order.
import type { Ownership } from "../slots/ownership";
import type { EffectLog } from "../persistence/log";
import { catchUpMessage, type Sender, type SnapshotCursor } from "./snapshot";
import type { StoredLock } from "./lock-state";
import type { ReplicaAck, ReplicationMessage, ReplicationOptions } from "./messages";

export interface ReplicaLink {
  replicate(message: ReplicationMessage): Promise<ReplicaAck>;
}

export interface PrimaryHost {
  readonly sql: SqlStorage;
  log(): EffectLog;
  /** This primary's name, epoch and lineage, put on every push. */
  sender(): Sender;
  /** Its transaction lock table (a snapshot's last chunk carries it). */
  locks(): StoredLock[];
  /** Its slot ownership, if any (likewise). */
  slots(): Ownership | null;
  replica(name: string): ReplicaLink;
  /** A push failed: try again later (the shard's alarm). */
  retryLater(): void;
  /** A replica has heard of `epoch`, newer than this primary's: it has been replaced. */
  deposed(epoch: number): void;
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
  private names: readonly string[] = [];
  private acked: (number | null)[] = [];
  /** When each replica last answered (ms), for INFO's lag. */
  private ackedAt: number[] = [];
  private sending: boolean[] = [];
  /** Replicas whose logs diverged: their next push is a snapshot. */
  private resync: boolean[] = [];
  /** Replicas whose last push failed: logged once per outage, not once per write. */
  private failing = new Set<string>();
  /** Each replica's snapshot stream under way, if any. */
  private snapshots: (SnapshotCursor | null)[] = [];
  /** Bytes of rows or entries per push, well under the RPC message limit (tests make it small). */
  messageBytes = 4 << 20;
  private waiters: Waiter[] = [];

  constructor(private readonly host: PrimaryHost) {}

  get configured(): ReplicationOptions | null {
    return this.options;
  }

  configure(options: ReplicationOptions): void {
    const previous = this.options;
    this.options = options;
    if (previous && sameNames(previous.replicas, options.replicas)) return;
    // Replicas kept across a change keep their acknowledgements.
    const before = new Map(this.names.map((name, j) => [name, { acked: this.acked[j]!, at: this.ackedAt[j]!, resync: this.resync[j]! }]));
    this.names = [...options.replicas];
    this.acked = this.names.map((name) => before.get(name)?.acked ?? null);
    this.ackedAt = this.names.map((name) => before.get(name)?.at ?? 0);
    this.resync = this.names.map((name) => before.get(name)?.resync ?? false);
    this.sending = this.names.map(() => false);
    this.snapshots = this.names.map(() => null);
    this.kick();
  }

  /** Deposed: no more pushes, and every waiter (sync writes, WAIT) answers with what it has. */
  stop(): void {
    this.options = null;
    this.names = [];
    this.acked = [];
    this.sending = [];
    for (const waiter of this.waiters.splice(0)) waiter.resolve(0);
  }

  /** New entries in the log (or a retry): every idle sender starts a push. */
  kick(): void {
    for (let j = 0; j < this.acked.length; j++) void this.pump(j);
  }

  /** Replicas whose acknowledged offset reaches `seq`. */
  acknowledged(seq: number): number {
    // A replica awaiting a snapshot holds a log of another history: its offset proves nothing.
    return this.acked.filter((offset, j) => offset !== null && offset >= seq && !this.resync[j]).length;
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
    const now = Date.now();
    return {
      offset: this.host.log().head,
      replicas: this.acked.map((acked, j) => ({
        name: this.names[j]!,
        acked,
        // Redis's lag: seconds since the replica last answered; 0 while it is up to date.
        lagSeconds: acked === null ? null : acked === this.host.log().head ? 0 : Math.floor((now - this.ackedAt[j]!) / 1000),
      })),
    };
  }

  private async pump(j: number): Promise<void> {
    if (this.sending[j] || !this.options) return;
    this.sending[j] = true;
    const name = this.names[j]!;
    const names = this.names;
    try {
      const link = this.host.replica(name);
      for (;;) {
        const log = this.host.log();
        const acked = this.acked[j];
        if (acked === log.head && !this.resync[j] && !this.snapshots[j]) break;
        // Before a replica's first answer its offset is unknown: an empty push asks for it.
        let message: ReplicationMessage;
        if (acked === null || acked === undefined) message = { kind: "entries", ...this.host.sender(), entries: [] };
        else {
          const next = catchUpMessage(this.host.sender(), this.host.sql, log, acked, this.resync[j] === true, this.snapshots[j] ?? null, this.messageBytes, () => this.host.locks(), () => this.host.slots());
          message = next.message;
          this.snapshots[j] = next.cursor;
        }
        const answer = await link.replicate(message);
        // Reconfigured or stopped while the push was out: its answer belongs to an old list.
        if (this.names !== names) return;
        if (answer.epoch !== undefined) {
          this.host.deposed(answer.epoch);
          return;
        }
        if (answer.staged) continue;
        const wasResync = this.resync[j] === true;
        this.resync[j] = answer.resync === true;
        // A chunk out of sequence (the replica restarted, or lost its staging) starts the stream over.
        if (answer.resync) this.snapshots[j] = null;
        const progressed = acked === null || acked === undefined || answer.applied !== acked || wasResync || answer.resync === true;
        this.acked[j] = answer.applied;
        this.ackedAt[j] = Date.now();
        if (this.failing.delete(name)) console.log(`replication to ${name} resumed at offset ${answer.applied}`);
        this.settleWaiters();
        if (!progressed) throw new Error(`replica ${name} made no progress at offset ${acked}`);
      }
    } catch (error) {
      if (!this.failing.has(name)) console.error(`replication to ${name} failed, retrying: ${(error as Error).message}`);
      this.failing.add(name);
      this.host.retryLater();
    } finally {
      if (this.names === names) this.sending[j] = false;
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

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}
