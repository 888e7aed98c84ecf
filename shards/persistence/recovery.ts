// Start-up: rebuilds the core's memory from the checkpointed key rows, then replays the log tail.
import type { Core } from "../../wasm/host";
import { encodeCommands, ReplyError, ReplyReader } from "../../worker/wire/resp";
import { isLockState } from "../replication/lock-state";
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
    "SELECT key, payload FROM key_rows ORDER BY key, part",
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

  const logEntriesReplayed = log.replay((effects) => {
    // Lock-state entries are for replicas; this shard's own locks are in its tx_locks table.
    if (isLockState(effects)) return;
    expectNoErrors(core.execute(effects, nowMs, true).replies, "replaying the effect log");
  });
  return { keysRestored, logEntriesReplayed };
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
