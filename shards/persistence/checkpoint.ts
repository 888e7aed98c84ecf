// Compaction: dirty keys are written to their rows, then the log entries they cover are trimmed.
import type { Core } from "../../wasm/host";
import { ReplyError, ReplyReader } from "../../worker/wire/resp";
import { splitParts, toArrayBuffer } from "./blobs";
import type { EffectLog } from "./log";
import { internalCommand } from "./internal";

/** Upper bound on payload bytes per `__CHECKPOINT` call, so one call's reply stays small. */
const CHECKPOINT_CHUNK_BYTES = 4 << 20;

/**
 * Writes every dirty key's payload (or its removal) and trims the log through its current head.
 * Runs inside one storage transaction: a crash leaves either the old rows plus the whole log,
 * or the new rows plus the trimmed log. The caller must rebuild the core if this throws, since
 * the core has already forgotten which keys were dirty.
 */
export function checkpointDirty(core: Core, storage: DurableObjectStorage, log: EffectLog, nowMs: number): number {
  const sql = storage.sql;
  let written = 0;
  storage.transactionSync(() => {
    const head = log.head;
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
          sql.exec("DELETE FROM key_rows");
          continue;
        }
        if (!(key instanceof Uint8Array)) throw new Error("checkpoint: malformed key");
        const keyBuffer = toArrayBuffer(key);
        sql.exec("DELETE FROM key_rows WHERE key = ?", keyBuffer);
        if (payload instanceof Uint8Array) {
          splitParts(payload).forEach((part, index) => {
            sql.exec("INSERT INTO key_rows (key, part, payload) VALUES (?, ?, ?)", keyBuffer, index, toArrayBuffer(part));
          });
        }
        written++;
      }
    }
    log.trimThrough(head);
  });
  return written;
}
