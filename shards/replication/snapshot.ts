// The catch-up payloads a primary reads from its storage, and a replica's installation of a snapshot.
// Rows plus the log tail read in one synchronous turn are consistent: a checkpoint (which writes
// rows and trims the log together) cannot run in between.
import { concatBytes } from "../../worker/wire/bytes";
import { blob, splitParts, toArrayBuffer } from "../persistence/blobs";
import type { EffectLog } from "../persistence/log";
import type { ReplicationMessage, WireEntry } from "./messages";

/** Who sends a message: every push names its primary, epoch and lineage. */
export type Sender = Pick<ReplicationMessage, "primary" | "epoch" | "lineage">;

/** Bytes of log entries per message, so one RPC stays well under the message size limit. */
const MESSAGE_BYTES = 4 << 20;

const wire = (log: EffectLog, after: number): WireEntry[] =>
  log.entriesAfter(after, MESSAGE_BYTES).map(({ seq, effects }) => ({ seq, effects: toArrayBuffer(effects) }));

/** What a replica at offset `after` needs next: the log from there, or a snapshot when the log was
 * trimmed past it, the replica claims more than the primary holds, or its log diverged (`resync`). */
export function catchUpMessage(sender: Sender, sql: SqlStorage, log: EffectLog, after: number, resync = false): ReplicationMessage {
  if (!resync && after >= log.trimmedThrough && after <= log.head) return { kind: "entries", ...sender, entries: wire(log, after) };
  const rows: { key: ArrayBuffer; payload: ArrayBuffer }[] = [];
  let key: ArrayBuffer | null = null;
  let parts: Uint8Array[] = [];
  const flush = () => {
    if (key) rows.push({ key, payload: toArrayBuffer(concatBytes(parts)) });
  };
  for (const row of sql.exec<{ key: ArrayBuffer; part: number; payload: ArrayBuffer }>("SELECT key, part, payload FROM key_rows ORDER BY key, part")) {
    if (row.part === 0) {
      flush();
      key = row.key;
      parts = [];
    }
    parts.push(blob(row.payload));
  }
  flush();
  return { kind: "snapshot", ...sender, through: log.trimmedThrough, rows, entries: wire(log, log.trimmedThrough) };
}

/** Replaces the replica's rows and log with the primary's checkpoint; the caller rebuilds its core. */
export function installSnapshot(storage: DurableObjectStorage, log: EffectLog, through: number, rows: readonly { key: ArrayBuffer; payload: ArrayBuffer }[]): void {
  storage.transactionSync(() => {
    storage.sql.exec("DELETE FROM key_rows");
    for (const { key, payload } of rows) {
      splitParts(new Uint8Array(payload)).forEach((part, index) => {
        storage.sql.exec("INSERT INTO key_rows (key, part, payload) VALUES (?, ?, ?)", key, index, toArrayBuffer(part));
      });
    }
    log.resetTo(through);
  });
}
