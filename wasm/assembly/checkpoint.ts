// Checkpoint payloads (the core's DUMP format) with CRC64 like Redis's DUMP, `__CHECKPOINT` of dirty
// and deleted keys, and `__RESTORE` of one payload.
import { alloc, free } from "./alloc";
import {
  clearFlushPending, dirtyCount, flushPending, GRAVEYARD, install, KEYSPACE, lookup, newEntry, decDirty, T_LAST,
} from "./db";
import { ERR_BAD_PAYLOAD, ERR_NOT_INTEGER, ERR_OOM } from "./errors";
import { afterLoad, compactLen, validCompact, writeCompact } from "./objects";
import { parseI64, parsedInt } from "./numbers";
import { bulk, closeArray, deferArray, EFFECTS, error, header, nil, ok, raw, REPLY, reserve, advance, outLen } from "./out";
import { argLen, argPtr, cmdEnd, cmdStart } from "./request";
import { eExpire, eFlags, eKey, eKeyLen, eSize, eType, eVal, eValLen, F_DIRTY, F_STORED, HDR, tCount, tMask, tRemove, tSlots } from "./table";

const PAYLOAD_VERSION: u16 = 1;
const crcTable = memory.data(256 * 8);
let crcReady = false;

/** CRC-64/Jones (reflected, init 0), the checksum Redis puts on DUMP payloads. */
export function crc64(p: usize, len: usize): u64 {
  if (!crcReady) {
    for (let i: u32 = 0; i < 256; i++) {
      let c = <u64>i;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ 0x95ac9329ac4bc9b5 : c >> 1;
      store<u64>(crcTable + ((<usize>i) << 3), c);
    }
    crcReady = true;
  }
  let crc: u64 = 0;
  for (let i: usize = 0; i < len; i++) {
    crc = load<u64>(crcTable + ((<usize>((crc ^ <u64>load<u8>(p + i)) & 0xff)) << 3)) ^ (crc >> 8);
  }
  return crc;
}

// Payload: [u8 type][u8 flags][i64 expireAt if flags&1][u32 valueLen][value][u16 version][u64 crc64], little-endian.
// The value is always the type's compact form; strings drop their encoding, as Redis re-encodes the
// strings it loads (a raw string comes back embstr or int).
const P_EXPIRY: u8 = 1;
// DUMP writes the same payload without the expiry (RESTORE takes the TTL as an argument, as in Redis).
/** Writes entry e's payload as a bulk reply; with its expiry when withExpiry (checkpoint rows). */
export function writePayload(e: usize, withExpiry: bool): void {
  const exp = withExpiry ? eExpire(e) : -1;
  const vl = compactLen(e);
  const n = 2 + (exp >= 0 ? 8 : 0) + 4 + vl + 10;
  header(REPLY, 0x24, n);
  const d = reserve(REPLY, n + 2);
  let p = d;
  store<u8>(p, eType(e));
  store<u8>(p, exp >= 0 ? P_EXPIRY : 0, 1);
  p += 2;
  if (exp >= 0) {
    store<i64>(p, exp);
    p += 8;
  }
  store<u32>(p, vl);
  writeCompact(e, p + 4);
  p += 4 + vl;
  store<u16>(p, PAYLOAD_VERSION);
  p += 2;
  store<u64>(p, crc64(d, p - d));
  store<u16>(p + 8, 0x0a0d);
  advance(REPLY, n + 2);
}

let checkpointPos: u32 = 0;

/**
 * `__CHECKPOINT maxBytes`: a flat array [key, payload-or-nil, ...] of keys changed since the last
 * checkpoint, clearing their marks, until about maxBytes are written. A leading [nil, nil] pair
 * means a FLUSHALL happened first: drop every stored row before applying the rest.
 */
export function cmdCheckpoint(): void {
  if (!parseI64(argPtr(1), argLen(1)) || parsedInt < 0) {
    error(REPLY, ERR_NOT_INTEGER);
    return;
  }
  const limit = parsedInt;
  const mark = deferArray(REPLY);
  const start = outLen(REPLY);
  let items: i64 = 0;
  if (flushPending) {
    nil(REPLY);
    nil(REPLY);
    items += 2;
    clearFlushPending();
  }
  // Deleted keys first, so a key deleted and re-created is written after its deletion.
  let i: u32 = 0;
  // At least one key per call, whatever maxBytes says, so the host's drain loop always progresses.
  while (tCount(GRAVEYARD) != 0 && (<i64>(outLen(REPLY) - start) < limit || items == 0)) {
    const s = tSlots(GRAVEYARD) + ((<usize>(i & tMask(GRAVEYARD))) << 3);
    const g = <usize>load<u32>(s, 4);
    if (g == 0) {
      i++;
      continue;
    }
    bulk(REPLY, g + HDR, eKeyLen(g));
    nil(REPLY);
    items += 2;
    tRemove(GRAVEYARD, s);
    free(g, HDR + eKeyLen(g));
  }
  let steps: u32 = 0;
  while (dirtyCount != 0 && (<i64>(outLen(REPLY) - start) < limit || items == 0) && steps <= tMask(KEYSPACE)) {
    const at = checkpointPos & tMask(KEYSPACE);
    const e = <usize>load<u32>(tSlots(KEYSPACE) + ((<usize>at) << 3), 4);
    checkpointPos = at + 1;
    steps++;
    if (e == 0 || !(eFlags(e) & F_DIRTY)) continue;
    bulk(REPLY, eKey(e), eKeyLen(e));
    writePayload(e, true);
    items += 2;
    store<u8>(e, (eFlags(e) & ~F_DIRTY) | F_STORED, 9);
    decDirty();
  }
  closeArray(REPLY, mark, items);
}

/** Set by checkPayload: where a valid payload's value bytes are, and its expiry (-1 = none). */
let payloadValue: usize = 0;
let payloadValueLen: u32 = 0;
export let payloadExpiry: i64 = -1;

/** Whether (p, len) is a payload this build wrote and its value is well formed: length, version, type, CRC64. */
export function checkPayload(p: usize, len: u32): bool {
  if (len < 16 || load<u8>(p, 1) > P_EXPIRY || load<u8>(p) > T_LAST) return false;
  const hasExp = load<u8>(p, 1) == P_EXPIRY;
  const vpos: u32 = hasExp ? 14 : 6;
  if (len < vpos + 10) return false;
  const vl = load<u32>(p + vpos - 4);
  if (<u64>vpos + <u64>vl + 10 != <u64>len || load<u16>(p + vpos + vl) != PAYLOAD_VERSION) return false;
  if (load<u64>(p + vpos + vl + 2) != crc64(p, vpos + vl + 2)) return false;
  if (!validCompact(load<u8>(p), p + vpos, vl)) return false;
  payloadValue = p + vpos;
  payloadValueLen = vl;
  payloadExpiry = hasExp ? load<i64>(p, 2) : -1;
  return true;
}

/**
 * Installs the payload checkPayload last accepted (type byte at p) as key (kp, kl) with expireAt
 * (-1 = none), replacing any value. Returns the entry, or 0 on OOM (nothing changed).
 */
export function loadPayload(kp: usize, kl: u32, p: usize, expireAt: i64): usize {
  lookup(kp, kl);
  const e = newEntry(kp, kl, payloadValueLen, load<u8>(p), expireAt, true);
  if (e == 0) return 0;
  memory.copy(eKey(e) + kl, payloadValue, payloadValueLen);
  if (!install(e)) return 0;
  return afterLoad(e);
}

/** `__RESTORE key payload`: loads one checkpoint row; a payload that fails its checks is refused untouched. */
export function cmdRestoreRow(): void {
  const p = argPtr(2);
  if (!checkPayload(p, argLen(2))) {
    error(REPLY, ERR_BAD_PAYLOAD);
    return;
  }
  const e = loadPayload(argPtr(1), argLen(1), p, payloadExpiry);
  if (e == 0) {
    error(REPLY, ERR_OOM);
    return;
  }
  // A restored key already has its row: it is stored and clean.
  store<u8>(e, (eFlags(e) & ~F_DIRTY) | F_STORED, 9);
  decDirty();
  ok(REPLY);
  raw(EFFECTS, cmdStart, <u32>(cmdEnd - cmdStart));
}
