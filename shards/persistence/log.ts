// The effect log: every batch's write effects are appended before its replies leave the object
// (the Durable Object output gate holds the response until the write is durable).
import { concatBytes } from "../../worker/wire/bytes";
import { blob, splitParts, toArrayBuffer } from "./blobs";

export class EffectLog {
  private lastSeq: number;
  /** Bytes appended since the last trim; drives checkpointing. */
  bytesSinceTrim = 0;

  constructor(private readonly sql: SqlStorage) {
    const row = sql.exec<{ seq: number | null }>("SELECT MAX(seq) AS seq FROM effect_log").one();
    this.lastSeq = row.seq ?? 0;
  }

  append(effects: Uint8Array): number {
    const seq = ++this.lastSeq;
    splitParts(effects).forEach((part, index) => {
      this.sql.exec("INSERT INTO effect_log (seq, part, bytes) VALUES (?, ?, ?)", seq, index, toArrayBuffer(part));
    });
    this.bytesSinceTrim += effects.length;
    return seq;
  }

  get head(): number {
    return this.lastSeq;
  }

  /** Calls `apply` with each entry's bytes, oldest first. */
  replay(apply: (effects: Uint8Array) => void): number {
    let current = -1;
    let parts: Uint8Array[] = [];
    let entries = 0;
    const flush = () => {
      if (parts.length === 0) return;
      apply(concatBytes(parts));
      this.bytesSinceTrim += parts.reduce((sum, part) => sum + part.length, 0);
      entries++;
      parts = [];
    };
    for (const row of this.sql.exec<{ seq: number; bytes: ArrayBuffer }>(
      "SELECT seq, bytes FROM effect_log ORDER BY seq, part",
    )) {
      if (row.seq !== current) {
        flush();
        current = row.seq;
      }
      parts.push(blob(row.bytes));
    }
    flush();
    return entries;
  }

  /** Drops every entry up to and including `seq`: their effects now live in key rows. */
  trimThrough(seq: number): void {
    this.sql.exec("DELETE FROM effect_log WHERE seq <= ?", seq);
    this.bytesSinceTrim = 0;
  }
}
