// Decision records of cross-shard transactions: each written once — committed (with each
// participant's writes) or aborted — by whichever of the gateway and a timed-out participant reaches
// it first. A few long-lived objects hold them all (a fresh object per transaction costs more than
// the transaction), each transaction's record in the object its id names.
import { DurableObject } from "cloudflare:workers";
import { concatBytes } from "../../worker/wire/bytes";
import { splitParts, toArrayBuffer } from "../persistence/blobs";

/** How long a record outlives its decision: far past any participant's lock deadline. */
const RECORD_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** Objects the records are spread over (by the transaction id's first hex digit). */
const RECORD_OBJECTS = 16;

/** The writes of each participant, by shard: a RESP batch of RESTORE/DEL commands. */
export type ShardWrites = Record<number, ArrayBuffer>;

/** Row shard numbers below zero mark the decision itself. */
const COMMITTED = -1;
const ABORTED = -2;

/** The object holding `tx`'s record: the gateway and the participants derive the same one. */
export function decisionObjectName(tx: string): string {
  return `decisions-${parseInt(tx[0] ?? "0", 16) % RECORD_OBJECTS}`;
}

export class TxDecision extends DurableObject {
  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never);
    // A participant's writes are split in parts under the 2 MB row limit (a moved value can be larger).
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS decision (tx TEXT NOT NULL, shard INTEGER NOT NULL, part INTEGER NOT NULL, writes BLOB, at INTEGER NOT NULL, PRIMARY KEY (tx, shard, part))",
    );
  }

  /** Records the commit, unless the transaction was already aborted. True when committed. */
  commit(tx: string, writes: ShardWrites): boolean {
    const state = this.state(tx);
    if (state === "aborted") return false;
    if (state === "none") {
      // One row per participant keeps each under the row size limit one row of everything could pass.
      const now = Date.now();
      this.sql.exec("INSERT INTO decision (tx, shard, part, writes, at) VALUES (?, ?, 0, NULL, ?)", tx, COMMITTED, now);
      for (const [shard, batch] of Object.entries(writes)) {
        splitParts(new Uint8Array(batch)).forEach((part, i) => {
          this.sql.exec("INSERT INTO decision (tx, shard, part, writes, at) VALUES (?, ?, ?, ?, ?)", tx, Number(shard), i, toArrayBuffer(part), now);
        });
      }
      this.collectLater();
    }
    return true;
  }

  /**
   * A participant whose lock passed its deadline asks what to do: its writes when the transaction
   * committed, or not committed once it is aborted — aborting it now if nothing was decided.
   */
  resolve(tx: string, shard: number): { committed: true; writes: ArrayBuffer | null } | { committed: false } {
    const state = this.state(tx);
    if (state === "none") {
      this.sql.exec("INSERT INTO decision (tx, shard, part, writes, at) VALUES (?, ?, 0, NULL, ?)", tx, ABORTED, Date.now());
      this.collectLater();
      return { committed: false };
    }
    if (state === "aborted") return { committed: false };
    const parts = [...this.sql.exec<{ writes: ArrayBuffer }>("SELECT writes FROM decision WHERE tx = ? AND shard = ? ORDER BY part", tx, shard)];
    if (parts.length === 0) return { committed: true, writes: null };
    return { committed: true, writes: toArrayBuffer(concatBytes(parts.map((row) => new Uint8Array(row.writes)))) };
  }

  /** Drops records past their lifetime. */
  async alarm(): Promise<void> {
    this.alarmSet = false;
    this.sql.exec("DELETE FROM decision WHERE at < ?", Date.now() - RECORD_LIFETIME_MS);
    const left = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM decision").one().n;
    if (left > 0) this.collectLater();
  }

  private get sql(): SqlStorage {
    return this.ctx.storage.sql;
  }

  private state(tx: string): "none" | "committed" | "aborted" {
    const mark = [...this.sql.exec<{ shard: number }>("SELECT shard FROM decision WHERE tx = ? AND shard < 0", tx)][0];
    if (!mark) return "none";
    return mark.shard === COMMITTED ? "committed" : "aborted";
  }

  /** Whether this instance knows the collection alarm is set: a record then costs no alarm read. A
   * restarted instance sets it again on its first record (a later alarm replaces an earlier one,
   * which only defers the collection). */
  private alarmSet = false;

  private collectLater(): void {
    if (this.alarmSet) return;
    this.alarmSet = true;
    void this.ctx.storage.setAlarm(Date.now() + RECORD_LIFETIME_MS);
  }
}
