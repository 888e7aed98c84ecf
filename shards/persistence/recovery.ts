// Start-up: rebuilds the core's memory from the checkpointed key rows, then replays the log tail.
import type { Core } from "../../wasm/host";
import { encodeCommands, ReplyError, ReplyReader } from "../../worker/wire/resp";
import { isLockState } from "../replication/lock-state";
import { isOwnershipEntry } from "../slots/ownership";
import { concatBytes } from "../../worker/wire/bytes";
import { blob } from "./blobs";
import type { EffectLog } from "./log";

/** Restore commands are sent to the core in batches of about this many bytes. */
const RESTORE_BATCH_BYTES = 4 << 20;

export interface RecoveryReport {
  keysRestored: number;
  logEntriesReplayed: number;
}

export function recover(core: Core, sql: SqlStorage, log: EffectLog, nowMs: number): RecoveryReport {
  const keysRestored = restoreSmallRows(core, sql, nowMs) + restoreLargeRows(core, sql, nowMs);
  const logEntriesReplayed = log.replay((effects) => {
    // Lock-state entries are for replicas; this shard's own locks are in its tx_locks table.
    // So are slot-ownership entries: this shard's own state is in log_meta.
    if (isLockState(effects) || isOwnershipEntry(effects)) return;
    expectNoErrors(core.execute(effects, nowMs, true).replies, "replaying the effect log");
  });
  return { keysRestored, logEntriesReplayed };
}

/** Rows with key plus payload up to this size come back in bulk; the rest (values over a row
 * among them: their first part alone is a whole part) one row at a time. */
const SMALL_ROW_BYTES = 512;
/** Small rows per bulk read: at most about a megabyte of hex text. */
const BULK_ROWS = 1024;

/**
 * Restores the small rows a thousand at a time: SQLite hands over each thousand as one hex text
 * (`<key bytes>:<key hex><payload hex>`, comma-separated), which becomes one batch of `__RESTORE`
 * commands. Reading a million rows one JS row object at a time took ~7 µs per key (6.4 s at a
 * start), several times the core's restore itself.
 */
function restoreSmallRows(core: Core, sql: SqlStorage, nowMs: number): number {
  let restored = 0;
  let after: ArrayBuffer = new ArrayBuffer(0);
  // The empty key sorts first and is a key like any other: the first read includes its bound.
  for (let first = true; ; first = false) {
    const chunk = sql
      .exec<{ text: string | null; last: ArrayBuffer | null; rows: number }>(
        "SELECT group_concat(length(key) || ':' || hex(key) || hex(payload), ',') AS text, max(key) AS last, count(*) AS rows " +
          `FROM (SELECT key, payload FROM key_rows WHERE part = 0 AND key ${first ? ">=" : ">"} ? ` +
          "AND length(key) + length(payload) <= ? ORDER BY key LIMIT ?)",
        after,
        SMALL_ROW_BYTES,
        BULK_ROWS,
      )
      .one();
    if (chunk.rows === 0 || chunk.text === null || chunk.last === null) return restored;
    expectNoErrors(core.execute(restoreCommands(chunk.text, chunk.rows), nowMs, true).replies, "restoring key rows");
    restored += chunk.rows;
    after = chunk.last;
  }
}

const RESTORE_HEAD = new TextEncoder().encode("*3\r\n$9\r\n__RESTORE\r\n");
const HEX_VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX_VALUES["0123456789ABCDEF".charCodeAt(i)] = i;

/** `__RESTORE key payload` for each item of a bulk read's text, written straight into RESP bytes. */
function restoreCommands(text: string, rows: number): Uint8Array {
  const out = new Uint8Array(text.length / 2 + rows * (RESTORE_HEAD.length + 32));
  let at = 0;
  let pos = 0;
  const header = (length: number) => {
    out[at++] = 0x24;
    const digits = String(length);
    for (let i = 0; i < digits.length; i++) out[at++] = digits.charCodeAt(i);
    out[at++] = 0x0d;
    out[at++] = 0x0a;
  };
  const bytes = (hexChars: number) => {
    header(hexChars / 2);
    for (const end = pos + hexChars; pos < end; pos += 2) {
      const high = HEX_VALUES[text.charCodeAt(pos)];
      const low = HEX_VALUES[text.charCodeAt(pos + 1)];
      if (high < 0 || low < 0) throw new Error("restoring key rows: malformed hex");
      out[at++] = (high << 4) | low;
    }
    out[at++] = 0x0d;
    out[at++] = 0x0a;
  };
  for (let row = 0; row < rows; row++) {
    const colon = text.indexOf(":", pos);
    const end = text.indexOf(",", colon);
    const keyBytes = Number(text.slice(pos, colon));
    pos = colon + 1;
    out.set(RESTORE_HEAD, at);
    at += RESTORE_HEAD.length;
    bytes(keyBytes * 2);
    bytes((end < 0 ? text.length : end) - pos);
    pos += 1;
  }
  return out.subarray(0, at);
}

/** Keys whose rows are too large for the bulk read, concatenated from their parts. */
function restoreLargeRows(core: Core, sql: SqlStorage, nowMs: number): number {
  let batch: Uint8Array[][] = [];
  let batchBytes = 0;
  let keysRestored = 0;
  const flush = () => {
    if (batch.length === 0) return;
    expectNoErrors(core.execute(encodeCommands(batch), nowMs, true).replies, "restoring key rows");
    batch = [];
    batchBytes = 0;
  };

  let key: Uint8Array | null = null;
  let parts: Uint8Array[] = [];
  const restoreKey = () => {
    if (key === null) return;
    const payload = concatBytes(parts);
    batch.push([new TextEncoder().encode("__RESTORE"), key, payload]);
    batchBytes += key.length + payload.length;
    keysRestored++;
    if (batchBytes >= RESTORE_BATCH_BYTES) flush();
  };
  for (const row of sql.exec<{ key: ArrayBuffer; payload: ArrayBuffer }>(
    "SELECT key, payload FROM key_rows WHERE key IN " +
      "(SELECT key FROM key_rows WHERE part = 0 AND length(key) + length(payload) > ?) ORDER BY key, part",
    SMALL_ROW_BYTES,
  )) {
    const rowKey = blob(row.key);
    if (key === null || !sameBytes(key, rowKey)) {
      restoreKey();
      key = rowKey;
      parts = [];
    }
    parts.push(blob(row.payload));
  }
  restoreKey();
  flush();
  return keysRestored;
}

/** A failed restore must stop start-up: serving a partial keyspace would silently lose data. */
function expectNoErrors(replies: Uint8Array, stage: string): void {
  const reader = new ReplyReader(replies);
  while (!reader.done) {
    const reply = reader.next();
    if (reply instanceof ReplyError) throw new Error(`${stage}: ${reply.message}`);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
