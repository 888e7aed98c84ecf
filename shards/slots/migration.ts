// A move's work on one shard, over its core: counting, exporting, importing and deleting a slot
// range's keys. Reads and writes go through the shard's logged runner, so imports and drops reach
// replicas and recovery like any write.
import { decodeReplies, encodeCommands } from "../../worker/wire/resp";
import { installCommands, readStates, stateQuery } from "../transactions/participant";
import type { SlotMove } from "../coordinator/slots";
import { decodeChunk, encodeChunk, formatCursor, parseCursor, PIECE_OVERHEAD, receivePiece, type TransferPiece } from "./transfer";

export interface MigrationHost {
  /** Runs a batch the shard builds, logging its effects; answers the replies. */
  runLogged(batch: Uint8Array): Uint8Array;
  readonly sql: SqlStorage;
}

/** Keys deleted per logged batch when a range is dropped or cleared. */
const DELETE_BATCH = 1000;

const text = (s: string) => new TextEncoder().encode(s);
const CLUSTER = text("CLUSTER");
const KEYSINRANGE = text("KEYSINRANGE");
const DEL = text("DEL");

const hex = (key: Uint8Array) => Array.from(key, (b) => b.toString(16).padStart(2, "0")).join("");

/** The keys of [first, last] by slot, each slot's in byte order (an export resumes after a key,
 * whatever the core's order); one pass over the keyspace (the core's internal CLUSTER KEYSINRANGE). */
function rangeKeys(host: MigrationHost, first: number, last: number): Map<number, { key: Uint8Array; id: string }[]> {
  const [flat] = decodeReplies(host.runLogged(encodeCommands([[CLUSTER, KEYSINRANGE, text(String(first)), text(String(last))]]))) as [(number | Uint8Array)[]];
  const bySlot = new Map<number, { key: Uint8Array; id: string }[]>();
  for (let i = 0; i < flat.length; i += 2) {
    const slot = flat[i] as number;
    const key = flat[i + 1] as Uint8Array;
    let keys = bySlot.get(slot);
    if (!keys) bySlot.set(slot, (keys = []));
    keys.push({ key, id: hex(key) });
  }
  for (const keys of bySlot.values()) keys.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return bySlot;
}

export function countRange(host: MigrationHost, first: number, last: number): number {
  let count = 0;
  for (const keys of rangeKeys(host, first, last).values()) count += keys.length;
  return count;
}

/**
 * The next chunk of the range's keys after `cursor`, about `maxBytes` long (at least one piece), and
 * the cursor after it ("0" once the range is done). The range is frozen, so only expiry changes it
 * between calls; a key that expires meanwhile is skipped.
 */
export function exportChunk(host: MigrationHost, move: SlotMove, cursor: string, maxBytes: number): { chunk: Uint8Array; cursor: string } {
  let { slot, after, offset } = parseCursor(cursor, move);
  const pieces: TransferPiece[] = [];
  let bytes = 0;
  const bySlot = rangeKeys(host, slot, move.last);
  for (; slot <= move.last; slot++, after = "", offset = 0) {
    for (const { key, id } of bySlot.get(slot) ?? []) {
      if (after !== "" && (offset > 0 ? id < after : id <= after)) continue;
      if (id !== after) offset = 0;
      const [state] = readStates(decodeReplies(host.runLogged(stateQuery([key]))));
      if (!state) continue;
      const expireAt = String(state.expireAt);
      for (;;) {
        const room = maxBytes - bytes - key.length - PIECE_OVERHEAD;
        if (room <= 0 && pieces.length > 0) return { chunk: encodeChunk(pieces), cursor: formatCursor({ slot, after: offset > 0 ? id : after, offset }) };
        const piece = state.payload.subarray(offset, offset + Math.max(room, 1));
        const last = offset + piece.length >= state.payload.length;
        pieces.push({ key, expireAt, raw: state.raw, offset, last, bytes: piece });
        bytes += piece.length + key.length + PIECE_OVERHEAD;
        offset += piece.length;
        if (last) break;
      }
      after = id;
    }
  }
  return { chunk: encodeChunk(pieces), cursor: "0" };
}

/** Installs a chunk's whole keys, and stages pieces of the ones still arriving. */
export function importChunk(host: MigrationHost, chunk: Uint8Array): void {
  const commands: Uint8Array[][] = [];
  for (const piece of decodeChunk(chunk)) {
    const state = receivePiece(host.sql, piece);
    if (state) commands.push(...installCommands(piece.key, state));
  }
  if (commands.length > 0) host.runLogged(encodeCommands(commands));
}

/** Deletes every key of [first, last], in logged batches; answers how many. */
export function deleteRange(host: MigrationHost, first: number, last: number): number {
  const keys = [...rangeKeys(host, first, last).values()].flat().map(({ key }) => key);
  for (let i = 0; i < keys.length; i += DELETE_BATCH) host.runLogged(encodeCommands([[DEL, ...keys.slice(i, i + DELETE_BATCH)]]));
  return keys.length;
}
