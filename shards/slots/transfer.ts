// A slot range's keys on the wire between a move's source and target: the source walks the frozen
// range slot by slot, keys in byte order, and cuts the keys' states (participant KeyState: DUMP
// payload, absolute expiry, raw-string flag) into chunks of about `maxBytes`; a payload larger than
// that crosses in pieces, which the target stages (`slot_import_parts`) until the last arrives.
import { decodeReplies, encodeCommands } from "../../worker/wire/resp";
import { concatBytes } from "../../worker/wire/bytes";
import type { KeyState } from "../transactions/participant";
import type { SlotMove } from "../coordinator/slots";

/** A piece of one key's state: the whole payload when `offset` is 0 and `last` is set. */
export interface TransferPiece {
  readonly key: Uint8Array;
  readonly expireAt: string;
  readonly raw: boolean;
  readonly offset: number;
  readonly last: boolean;
  readonly bytes: Uint8Array;
}

/** Where an export stands: the slot, the last key sent (hex; "" before any), and how much of that
 * key's payload went (0: all of it). */
export interface ExportCursor {
  readonly slot: number;
  readonly after: string;
  readonly offset: number;
}

export function parseCursor(cursor: string, move: SlotMove): ExportCursor {
  if (cursor === "0") return { slot: move.first, after: "", offset: 0 };
  const [slot, after, offset] = cursor.split(":");
  return { slot: Number(slot), after: after ?? "", offset: Number(offset) };
}

export function formatCursor(cursor: ExportCursor): string {
  return `${cursor.slot}:${cursor.after}:${cursor.offset}`;
}

/** Bytes a piece adds to a chunk besides its key and bytes (RESP framing, expiry, flags). */
export const PIECE_OVERHEAD = 96;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeChunk(pieces: readonly TransferPiece[]): Uint8Array {
  return encodeCommands(
    pieces.map((piece) => [piece.key, encoder.encode(piece.expireAt), piece.raw ? "1" : "0", String(piece.offset), piece.last ? "1" : "0", piece.bytes]),
  );
}

export function decodeChunk(chunk: Uint8Array): TransferPiece[] {
  if (chunk.length === 0) return [];
  return (decodeReplies(chunk) as Uint8Array[][]).map(([key, expireAt, raw, offset, last, bytes]) => ({
    key: key!,
    expireAt: decoder.decode(expireAt),
    raw: raw![0] === 0x31,
    offset: Number(decoder.decode(offset)),
    last: last![0] === 0x31,
    bytes: bytes!,
  }));
}

/**
 * The target's side of a piece: a whole payload answers its state at once; a piece is staged, and
 * the last one answers the state assembled from every staged piece (null while some are missing).
 * Staging survives restarts, and a piece sent twice replaces itself.
 */
export function receivePiece(sql: SqlStorage, piece: TransferPiece): NonNullable<KeyState> | null {
  const expireAt = BigInt(piece.expireAt);
  const state = (payload: Uint8Array) => ({ payload, expireAt: expireAt <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(expireAt) : expireAt, raw: piece.raw });
  if (piece.offset === 0 && piece.last) return state(piece.bytes);
  createStaging(sql);
  sql.exec("INSERT OR REPLACE INTO slot_import_parts (key, offset, bytes) VALUES (?, ?, ?)", piece.key, piece.offset, piece.bytes);
  if (!piece.last) return null;
  const parts = sql.exec<{ offset: number; bytes: ArrayBuffer }>("SELECT offset, bytes FROM slot_import_parts WHERE key = ? ORDER BY offset", piece.key).toArray();
  let expected = 0;
  for (const part of parts) {
    if (part.offset !== expected) return null;
    expected += part.bytes.byteLength;
  }
  sql.exec("DELETE FROM slot_import_parts WHERE key = ?", piece.key);
  return state(concatBytes(parts.map((part) => new Uint8Array(part.bytes))));
}

export function clearStaging(sql: SqlStorage): void {
  createStaging(sql);
  sql.exec("DELETE FROM slot_import_parts");
}

function createStaging(sql: SqlStorage): void {
  sql.exec("CREATE TABLE IF NOT EXISTS slot_import_parts (key BLOB NOT NULL, offset INTEGER NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (key, offset))");
}
