// A transaction's decision record: one Durable Object per transaction, written once — committed (with
// each participant's writes) or aborted — by whichever of the gateway and a timed-out participant
// reaches it first.
import { DurableObject } from "cloudflare:workers";

/** How long a record outlives its decision: far past any participant's lock deadline. */
const RECORD_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** The writes of one participant: a RESP batch of RESTORE/DEL commands. */
export type ShardWrites = Record<number, ArrayBuffer>;

export class TxDecision extends DurableObject {
  /** Records the commit, unless the transaction was already aborted. True when committed. */
  commit(writes: ShardWrites): boolean {
    const state = this.state();
    if (state === "aborted") return false;
    if (state === "none") {
      // Shard -1 marks the decision itself; a participant's writes are its own row (one row each
      // stays under the row size limit that one row of everything could exceed).
      this.ctx.storage.sql.exec("INSERT INTO decision (shard, writes) VALUES (-1, NULL)");
      for (const [shard, batch] of Object.entries(writes)) {
        this.ctx.storage.sql.exec("INSERT INTO decision (shard, writes) VALUES (?, ?)", Number(shard), batch);
      }
      void this.ctx.storage.setAlarm(Date.now() + RECORD_LIFETIME_MS);
    }
    return true;
  }

  /**
   * A participant whose lock passed its deadline asks what to do: its writes when the transaction
   * committed, or null once it is aborted — aborting it now if nothing was decided.
   */
  resolve(shard: number): { committed: true; writes: ArrayBuffer | null } | { committed: false } {
    const state = this.state();
    if (state === "none") {
      this.ctx.storage.sql.exec("INSERT INTO decision (shard, writes) VALUES (-2, NULL)");
      void this.ctx.storage.setAlarm(Date.now() + RECORD_LIFETIME_MS);
      return { committed: false };
    }
    if (state === "aborted") return { committed: false };
    const row = [...this.ctx.storage.sql.exec<{ writes: ArrayBuffer }>("SELECT writes FROM decision WHERE shard = ?", shard)][0];
    return { committed: true, writes: row?.writes ?? null };
  }

  async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }


  private state(): "none" | "committed" | "aborted" {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS decision (shard INTEGER PRIMARY KEY, writes BLOB)");
    const marks = [...this.ctx.storage.sql.exec<{ shard: number }>("SELECT shard FROM decision WHERE shard < 0")];
    if (marks.length === 0) return "none";
    return marks[0]!.shard === -1 ? "committed" : "aborted";
  }
}
