// The catch-up payloads a primary reads from its storage, and a replica's installation of a snapshot.
// A snapshot is the checkpointed key rows (the primary's state at `trimmed_through`) sent in chunks of
// rows under the RPC message limit, then the log tail. Chunks are read at one checkpoint: if a
// checkpoint runs between two of them (rows and trim change together), the stream starts over.
import type { Ownership } from "../slots/ownership";
import { toArrayBuffer } from "../persistence/blobs";
import type { EffectLog } from "../persistence/log";
import type { StoredLock } from "./lock-state";
import type { ReplicationMessage, SnapshotRow, WireEntry } from "./messages";

/** Who sends a message: every push names its primary, epoch and lineage. */
export type Sender = Pick<ReplicationMessage, "primary" | "epoch" | "lineage">;

/** Where a snapshot stream stands: the checkpoint it reads, and the last row sent. */
export interface SnapshotCursor {
  readonly through: number;
  readonly after: { readonly key: ArrayBuffer; readonly part: number } | null;
}

type Row = { key: ArrayBuffer; part: number; payload: ArrayBuffer };

/** Rows read per statement while filling a chunk. */
const ROWS_PER_READ = 64;

const wire = (log: EffectLog, after: number, maxBytes: number): WireEntry[] =>
  log.entriesAfter(after, maxBytes).map(({ seq, effects }) => ({ seq, effects: toArrayBuffer(effects) }));

/**
 * What a replica at offset `after` needs next: the log from there, or the next snapshot chunk when the
 * log was trimmed past it, it claims more than the primary holds, its log diverged (`resync`), or a
 * snapshot stream is under way (`cursor`). Answers the message and the stream's next cursor.
 */
export function catchUpMessage(
  sender: Sender,
  sql: SqlStorage,
  log: EffectLog,
  after: number,
  resync: boolean,
  cursor: SnapshotCursor | null,
  maxBytes: number,
  locks: () => StoredLock[],
  slots: () => Ownership | null = () => null,
): { message: ReplicationMessage; cursor: SnapshotCursor | null } {
  if (!resync && cursor === null && after >= log.trimmedThrough && after <= log.head) {
    return { message: { kind: "entries", ...sender, entries: wire(log, after, maxBytes) }, cursor: null };
  }
  const from = cursor && cursor.through === log.trimmedThrough ? cursor.after : null;
  const through = log.trimmedThrough;
  const rows: SnapshotRow[] = [];
  let bytes = 0;
  let exhausted = false;
  while (bytes < maxBytes && !exhausted) {
    const last = rows[rows.length - 1] ?? from;
    const page = last
      ? sql.exec<Row>("SELECT key, part, payload FROM key_rows WHERE (key, part) > (?, ?) ORDER BY key, part LIMIT ?", last.key, last.part, ROWS_PER_READ)
      : sql.exec<Row>("SELECT key, part, payload FROM key_rows ORDER BY key, part LIMIT ?", ROWS_PER_READ);
    const read = page.toArray();
    for (const row of read) {
      rows.push(row);
      bytes += row.payload.byteLength + row.key.byteLength;
    }
    exhausted = read.length < ROWS_PER_READ;
  }
  const end = rows[rows.length - 1] ?? from;
  const message: ReplicationMessage = {
    kind: "snapshot",
    ...sender,
    through,
    from: from ? { key: from.key, part: from.part } : null,
    rows,
    last: exhausted,
    entries: exhausted ? wire(log, through, maxBytes) : [],
    locks: exhausted ? locks() : [],
    slots: exhausted ? slots() : null,
  };
  return { message, cursor: exhausted ? null : { through, after: end ? { key: end.key, part: end.part } : null } };
}

/**
 * A replica's side of a snapshot chunk: stages its rows (a chunk out of sequence answers false, and
 * the primary starts over); the last chunk replaces the replica's rows and log with the staged
 * checkpoint in one storage transaction, and answers true once the caller must rebuild its core.
 */
export function stageSnapshot(storage: DurableObjectStorage, log: EffectLog, message: Extract<ReplicationMessage, { kind: "snapshot" }>): "staged" | "installed" | "out of sequence" {
  const sql = storage.sql;
  const meta = sql.exec<{ value: string }>("SELECT value FROM log_meta WHERE name = 'snapshot_staging'").toArray()[0];
  const staged = meta ? (JSON.parse(meta.value) as { through: number; key: string | null; part: number }) : null;
  const expected = message.from === null || (staged !== null && staged.through === message.through && staged.key === hex(message.from.key) && staged.part === message.from.part);
  if (!expected) return "out of sequence";
  let outcome: "staged" | "installed" = "staged";
  storage.transactionSync(() => {
    if (message.from === null) sql.exec("DELETE FROM snapshot_rows");
    for (const row of message.rows) sql.exec("INSERT OR REPLACE INTO snapshot_rows (key, part, payload) VALUES (?, ?, ?)", row.key, row.part, row.payload);
    const end = message.rows[message.rows.length - 1];
    const position = end ? { through: message.through, key: hex(end.key), part: end.part } : { through: message.through, key: staged?.key ?? null, part: staged?.part ?? 0 };
    if (!message.last) {
      sql.exec("INSERT OR REPLACE INTO log_meta (name, value) VALUES ('snapshot_staging', ?)", JSON.stringify(position));
      return;
    }
    sql.exec("DELETE FROM key_rows");
    sql.exec("INSERT INTO key_rows (key, part, payload) SELECT key, part, payload FROM snapshot_rows");
    sql.exec("DELETE FROM snapshot_rows");
    sql.exec("DELETE FROM log_meta WHERE name = 'snapshot_staging'");
    log.resetTo(message.through);
    outcome = "installed";
  });
  return outcome;
}

function hex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}
