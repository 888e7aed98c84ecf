// Compaction: dirty keys are written to their rows, then the log entries they cover are trimmed.
import type { Core } from "../../wasm/host";
import { ReplyError, ReplyReader } from "../../worker/wire/resp";
import { splitParts, toArrayBuffer } from "./blobs";
import { internalCommand } from "./internal";
import type { EffectLog } from "./log";

/** Upper bound on payload bytes per `__CHECKPOINT` call, so one call's reply stays small. */
const CHECKPOINT_CHUNK_BYTES = 4 << 20;

/**
 * A Durable Object's SQL statement binds at most 100 parameters; a statement costs far more than a
 * row, so rows are written many per statement.
 */
const MAX_BOUND_PARAMETERS = 100;

/**
 * Writes every dirty key's payload (or its removal) and trims the log through its current head.
 * Runs inside one storage transaction: a crash leaves either the old rows plus the whole log,
 * or the new rows plus the trimmed log. The caller must rebuild the core if this throws, since
 * the core has already forgotten which keys were dirty.
 */
export function checkpointDirty(core: Core, storage: DurableObjectStorage, log: EffectLog, nowMs: number): number {
  let written = 0;
  storage.transactionSync(() => {
    const head = log.head;
    const rows = new RowWriter(storage.sql);
    for (;;) {
      const { replies } = core.execute(internalCommand("__CHECKPOINT", String(CHECKPOINT_CHUNK_BYTES)), nowMs, true);
      const pairs = new ReplyReader(replies).next();
      if (pairs instanceof ReplyError) throw new Error(`checkpoint refused: ${pairs.message}`);
      if (!Array.isArray(pairs) || pairs.length === 0) break;
      for (let i = 0; i < pairs.length; i += 2) {
        const key = pairs[i];
        const payload = pairs[i + 1];
        if (key === null) {
          // The core's mark for a FLUSHALL since the last checkpoint: every stored row is stale.
          // It comes first in a checkpoint, before any row this checkpoint writes.
          rows.dropAll();
          continue;
        }
        if (!(key instanceof Uint8Array)) throw new Error("checkpoint: malformed key");
        if (payload instanceof Uint8Array) rows.put(toArrayBuffer(key), payload);
        else rows.remove(toArrayBuffer(key));
        written++;
      }
      rows.flush();
    }
    log.trimThrough(head);
  });
  return written;
}

/**
 * Buffers row changes and applies them in multi-row statements, removals first: the core reports a
 * key's removal before any new value of the same key within one checkpoint.
 */
class RowWriter {
  private removed: ArrayBuffer[] = [];
  /** Keys written as one part, whose older value may have left more parts behind. */
  private trimmed: ArrayBuffer[] = [];
  /** Alternating key, payload of the single-part rows. */
  private singleRows: ArrayBuffer[] = [];
  private multiPart: { key: ArrayBuffer; parts: Uint8Array[] }[] = [];

  constructor(private readonly sql: SqlStorage) {}

  dropAll(): void {
    this.flush();
    this.sql.exec("DELETE FROM key_rows");
  }

  remove(key: ArrayBuffer): void {
    this.removed.push(key);
  }

  put(key: ArrayBuffer, payload: Uint8Array): void {
    const parts = splitParts(payload);
    if (parts.length > 1) {
      this.multiPart.push({ key, parts });
      return;
    }
    this.trimmed.push(key);
    this.singleRows.push(key, toArrayBuffer(payload));
  }

  flush(): void {
    for (const keys of chunks(this.removed, MAX_BOUND_PARAMETERS)) {
      this.sql.exec(`DELETE FROM key_rows WHERE key IN (${placeholders(keys.length)})`, ...keys);
    }
    for (const keys of chunks(this.trimmed, MAX_BOUND_PARAMETERS)) {
      this.sql.exec(`DELETE FROM key_rows WHERE part > 0 AND key IN (${placeholders(keys.length)})`, ...keys);
    }
    for (const rows of chunks(this.singleRows, MAX_BOUND_PARAMETERS)) {
      const values = Array.from({ length: rows.length / 2 }, () => "(?, 0, ?)").join(", ");
      this.sql.exec(`INSERT OR REPLACE INTO key_rows (key, part, payload) VALUES ${values}`, ...rows);
    }
    for (const { key, parts } of this.multiPart) {
      this.sql.exec("DELETE FROM key_rows WHERE key = ?", key);
      parts.forEach((part, index) => {
        this.sql.exec("INSERT INTO key_rows (key, part, payload) VALUES (?, ?, ?)", key, index, toArrayBuffer(part));
      });
    }
    this.removed = [];
    this.trimmed = [];
    this.singleRows = [];
    this.multiPart = [];
  }
}

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let at = 0; at < items.length; at += size) yield items.slice(at, at + size);
}

const placeholders = (count: number) => Array.from({ length: count }, () => "?").join(", ");
