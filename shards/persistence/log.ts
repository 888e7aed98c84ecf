// The effect log: every batch's write effects are appended before its replies leave the object
// (the Durable Object output gate holds the response until the write is durable). An entry's seq is
// its replication offset: seqs only grow, across trims and restarts.
import { concatBytes } from "../../worker/wire/bytes";
import { blob, splitParts, toArrayBuffer } from "./blobs";

export interface LogEntry {
  seq: number;
  effects: Uint8Array;
}

export class EffectLog {
  private lastSeq: number;
  private trimmed: number;
  /** Bytes appended since the last trim; drives checkpointing. */
  bytesSinceTrim = 0;

  constructor(private readonly sql: SqlStorage) {
    const row = sql.exec<{ seq: number | null }>("SELECT MAX(seq) AS seq FROM effect_log").one();
    const meta = sql.exec<{ value: number }>("SELECT value FROM log_meta WHERE name = 'trimmed_through'").toArray()[0];
    this.trimmed = meta?.value ?? 0;
    this.lastSeq = Math.max(row.seq ?? 0, this.trimmed);
  }

  append(effects: Uint8Array): number {
    return this.appendAt(this.lastSeq + 1, effects);
  }

  /** A replica appends its primary's entries under the primary's seqs. */
  appendAt(seq: number, effects: Uint8Array): number {
    splitParts(effects).forEach((part, index) => {
      this.sql.exec("INSERT INTO effect_log (seq, part, bytes) VALUES (?, ?, ?)", seq, index, toArrayBuffer(part));
    });
    this.lastSeq = seq;
    this.bytesSinceTrim += effects.length;
    return seq;
  }

  get head(): number {
    return this.lastSeq;
  }

  /** Entries up to here live in key rows, no longer in the log. */
  get trimmedThrough(): number {
    return this.trimmed;
  }

  /** Calls `apply` with each entry's bytes, oldest first. */
  replay(apply: (effects: Uint8Array) => void): number {
    let entries = 0;
    this.scan(0, (entry) => {
      apply(entry.effects);
      this.bytesSinceTrim += entry.effects.length;
      entries++;
      return true;
    });
    return entries;
  }

  /** Entries after `after`, oldest first, stopping once `maxBytes` are gathered (at least one entry). */
  entriesAfter(after: number, maxBytes: number): LogEntry[] {
    const out: LogEntry[] = [];
    let bytes = 0;
    this.scan(after, (entry) => {
      out.push(entry);
      bytes += entry.effects.length;
      return bytes < maxBytes;
    });
    return out;
  }

  private scan(after: number, visit: (entry: LogEntry) => boolean): void {
    let current = -1;
    let parts: Uint8Array[] = [];
    let going = true;
    const flush = () => {
      if (parts.length > 0) going = visit({ seq: current, effects: concatBytes(parts) });
      parts = [];
    };
    for (const row of this.sql.exec<{ seq: number; bytes: ArrayBuffer }>(
      "SELECT seq, bytes FROM effect_log WHERE seq > ? ORDER BY seq, part",
      after,
    )) {
      if (row.seq !== current) {
        flush();
        if (!going) return;
        current = row.seq;
      }
      parts.push(blob(row.bytes));
    }
    flush();
  }

  /** Drops every entry up to and including `seq`: their effects now live in key rows. */
  trimThrough(seq: number): void {
    this.sql.exec("DELETE FROM effect_log WHERE seq <= ?", seq);
    this.markTrimmed(Math.max(seq, this.trimmed));
    this.bytesSinceTrim = 0;
  }

  /** A replica installing a snapshot: the log restarts empty at the snapshot's offset. */
  resetTo(seq: number): void {
    this.sql.exec("DELETE FROM effect_log");
    this.markTrimmed(seq);
    this.lastSeq = seq;
    this.bytesSinceTrim = 0;
  }

  private markTrimmed(seq: number): void {
    this.sql.exec("INSERT OR REPLACE INTO log_meta (name, value) VALUES ('trimmed_through', ?)", seq);
    this.trimmed = seq;
  }
}
