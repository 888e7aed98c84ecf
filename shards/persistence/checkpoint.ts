// Compaction: dirty keys are written to their rows, then the log entries they cover are trimmed.
import type { Core } from "../../wasm/host";
import type { ShardConfig } from "../config";
import { ReplyError, ReplyReader } from "../../worker/wire/resp";
import { splitParts, toArrayBuffer } from "./blobs";
import { internalCommand } from "./internal";
import type { EffectLog } from "./log";

/** Upper bound on payload bytes per `__CHECKPOINT` call, so one call's reply stays small. */
const CHECKPOINT_CHUNK_BYTES = 4 << 20;

/**
 * Whether the log is long enough to checkpoint: past `checkpointBytes`, and past `checkpointGrowth`
 * times the core's used memory, as Redis rewrites its AOF once it has grown by a percentage of its
 * last size. Row writes cost per key (~3-6 µs here, against well under 1 µs to log a write), so
 * waiting until the log is as large as the data makes a checkpoint's rows few per logged byte: a key
 * written many times between checkpoints is written to its row once. The price is paid at start-up,
 * replaying at most that much log; replay runs the core on whole log entries (measured ~85 MB/s of
 * SET effects, 10x faster per key than restoring rows), so with the default of 1 it adds less to a
 * start than restoring the rows the data needs anyway.
 */
export function checkpointDue(logBytes: number, usedMemory: number, config: ShardConfig): boolean {
  return logBytes >= config.checkpointBytes && logBytes >= config.checkpointGrowth * usedMemory;
}

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
      const items = readPairs(replies, (key, payload) => {
        if (key === null) {
          // The core's mark for a FLUSHALL since the last checkpoint: every stored row is stale.
          // It comes first in a checkpoint, before any row this checkpoint writes.
          rows.dropAll();
          return;
        }
        if (payload !== null) rows.put(key, payload);
        else rows.remove(key);
        written++;
      });
      if (items === 0) break;
      rows.flush();
    }
    log.trimThrough(head);
  });
  return written;
}

/**
 * Walks a `__CHECKPOINT` reply, a flat array of bulks and nils, handing each pair over as windows
 * into the reply: copying every key and payload out first cost as much as the core's own work.
 * Answers the number of items.
 */
function readPairs(reply: Uint8Array, visit: (key: Uint8Array | null, payload: Uint8Array | null) => void): number {
  if (reply[0] !== 0x2a) {
    const refusal = new ReplyReader(reply).next();
    throw new Error(`checkpoint refused: ${refusal instanceof ReplyError ? refusal.message : "not an array"}`);
  }
  let pos = 1;
  const length = (): number => {
    const negative = reply[pos] === 0x2d;
    if (negative) pos++;
    let n = 0;
    for (; pos < reply.length && reply[pos] !== 13; pos++) n = n * 10 + reply[pos] - 0x30;
    pos += 2;
    if (pos > reply.length) throw new Error("checkpoint: truncated reply");
    return negative ? -n : n;
  };
  const bulk = (): Uint8Array | null => {
    if (reply[pos++] !== 0x24) throw new Error("checkpoint: malformed reply");
    const len = length();
    if (len < 0) return null;
    const value = reply.subarray(pos, pos + len);
    pos += len + 2;
    return value;
  };
  const items = length();
  for (let i = 0; i < items; i += 2) visit(bulk(), bulk());
  return items;
}

/**
 * Buffers row changes and applies them in bulk statements, removals first: the core reports a key's
 * removal before any new value of the same key within one checkpoint. A statement binds at most 100
 * parameters and costs far more than a row (measured: ~12 µs per key row with 50 rows per statement,
 * most of a write batch's time), so small rows travel as one JSON text of hex strings per statement
 * and SQLite unpacks them with json_each/unhex. Rows go in key order, so the inserts walk the index
 * instead of jumping around it (without the ORDER BY, INCR's checkpoints took twice as long), and an
 * existing row is updated in place rather than deleted and inserted again (REPLACE).
 */
class RowWriter {
  private removed = new HexList();
  /** Keys written as one part, whose older value may have left more parts behind. */
  private trimmed = new HexList();
  /** [key, payload] pairs of the small single-part rows. */
  private smallRows = new HexList();
  /** Removed keys, and values, too large to travel as hex text (values over a row among them): one
   * statement each, bound as blobs. Rare, so their cost per statement does not matter. */
  private largeRemoved: ArrayBuffer[] = [];
  private largeRows: { key: ArrayBuffer; parts: Uint8Array[] }[] = [];

  constructor(private readonly sql: SqlStorage) {}

  dropAll(): void {
    this.flush();
    this.sql.exec("DELETE FROM key_rows");
  }

  remove(key: Uint8Array): void {
    if (key.length <= LARGEST_HEX_ROW) this.removed.add(key);
    else this.largeRemoved.push(toArrayBuffer(key));
  }

  put(key: Uint8Array, payload: Uint8Array): void {
    if (key.length + payload.length > LARGEST_HEX_ROW) {
      this.largeRows.push({ key: toArrayBuffer(key), parts: splitParts(payload) });
      return;
    }
    this.trimmed.add(key);
    this.smallRows.add(key, payload);
  }

  flush(): void {
    for (const key of this.largeRemoved) this.sql.exec("DELETE FROM key_rows WHERE key = ?", key);
    for (const keys of this.removed.take()) {
      this.sql.exec("DELETE FROM key_rows WHERE key IN (SELECT unhex(value) FROM json_each(?))", keys);
    }
    const trimmed = this.trimmed.take();
    for (const keys of trimmed.length > 0 && this.anyMultiPart() ? trimmed : []) {
      this.sql.exec("DELETE FROM key_rows WHERE part > 0 AND key IN (SELECT unhex(value) FROM json_each(?))", keys);
    }
    for (const rows of this.smallRows.take()) {
      // `WHERE true`: SQLite's rule for an upsert fed by a SELECT (else ON reads as a join's).
      this.sql.exec(
        "INSERT INTO key_rows (key, part, payload) " +
          "SELECT unhex(value ->> 0), 0, unhex(value ->> 1) FROM json_each(?) WHERE true ORDER BY 1 " +
          "ON CONFLICT (key, part) DO UPDATE SET payload = excluded.payload",
        rows,
      );
    }
    for (const { key, parts } of this.largeRows) {
      this.sql.exec("DELETE FROM key_rows WHERE key = ?", key);
      parts.forEach((part, index) => {
        this.sql.exec("INSERT INTO key_rows (key, part, payload) VALUES (?, ?, ?)", key, index, toArrayBuffer(part));
      });
    }
    this.largeRemoved = [];
    this.largeRows = [];
  }

  /** Whether any stored value spans several rows: almost never, and then rewriting a key needs no
   * search for parts its older value left behind (that search was a third of a checkpoint's time). */
  private anyMultiPart(): boolean {
    return this.sql.exec<{ found: number }>("SELECT EXISTS (SELECT 1 FROM key_rows INDEXED BY key_rows_parts WHERE part > 0) AS found").one().found === 1;
  }
}

/** Characters of JSON per bound text: well under the 2 MB a Durable Object's SQLite allows a value. */
const HEX_TEXT_CHARS = 1 << 20;
/** Key plus payload bytes above which a row is bound as blobs instead (its hex would crowd a text). */
const LARGEST_HEX_ROW = HEX_TEXT_CHARS / 8;
const HEX_DIGITS = new TextEncoder().encode("0123456789abcdef");
const ascii = new TextDecoder();

/**
 * Builds JSON arrays of lowercase hex strings (or of [hex, hex] pairs) straight into bytes, cut into
 * texts of at most HEX_TEXT_CHARS: a string per byte pair would cost more than the statement it saves.
 */
class HexList {
  private texts: string[] = [];
  private buffer = new Uint8Array(HEX_TEXT_CHARS + 16);
  private length = 0;

  add(first: Uint8Array, second?: Uint8Array): void {
    const size = 2 * (first.length + (second?.length ?? 0)) + 8;
    if (this.length > 0 && this.length + size + 1 > HEX_TEXT_CHARS) this.close();
    if (this.length + size + 2 > this.buffer.length) this.grow(this.length + size + 2);
    const opens = this.length === 0;
    this.buffer[this.length++] = opens ? 0x5b : 0x2c; // "[" opens a text, "," joins items
    if (second === undefined) this.string(first);
    else {
      this.buffer[this.length++] = 0x5b;
      this.string(first);
      this.buffer[this.length++] = 0x2c;
      this.string(second);
      this.buffer[this.length++] = 0x5d;
    }
  }

  /** The JSON texts gathered so far; the list starts empty again. */
  take(): string[] {
    if (this.length > 0) this.close();
    const texts = this.texts;
    this.texts = [];
    return texts;
  }

  private string(bytes: Uint8Array): void {
    const out = this.buffer;
    let at = this.length;
    out[at++] = 0x22;
    for (let i = 0; i < bytes.length; i++) {
      out[at++] = HEX_DIGITS[bytes[i] >> 4];
      out[at++] = HEX_DIGITS[bytes[i] & 15];
    }
    out[at++] = 0x22;
    this.length = at;
  }

  private close(): void {
    this.buffer[this.length++] = 0x5d;
    this.texts.push(ascii.decode(this.buffer.subarray(0, this.length)));
    this.length = 0;
  }

  private grow(size: number): void {
    const bigger = new Uint8Array(Math.max(size, this.buffer.length * 2));
    bigger.set(this.buffer.subarray(0, this.length));
    this.buffer = bigger;
  }
}
