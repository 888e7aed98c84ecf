// The keyspace: lookups with lazy expiry, installing and deleting entries, and the bookkeeping
// (volatile and dirty counts, the graveyard of stored keys deleted since the last checkpoint).
import { alloc, allocData, blockSize, copyBytes, free } from "./alloc";
import { releaseValue } from "./objects";
import { hashFor } from "./prefetch";
import { arrayHeader, bulk, bulkAscii, EFFECTS, writeI64 } from "./out";
import {
  eEncoding, eExpire, eFlags, eKey, eKeyLen, eSize, eType, eVal, eValLen, F_DIRTY, F_STORED, F_TTL, keyHash, HDR,
  tFind, tInsert, tMakeRoom, tMask, tRemove, tReset, tSlots,
} from "./table";

export const KEYSPACE: usize = memory.data(12);
/** Keys with a checkpoint row that were deleted since the last checkpoint (entries with no value). */
export const GRAVEYARD: usize = memory.data(12);

/** The batch's clock (ms since the epoch), injected by the host. */
export let now: i64 = 0;
export let volatileCount: i32 = 0;
export let dirtyCount: i32 = 0;
/** A FLUSHALL happened since the last checkpoint: the next one tells the host to drop every row. */
export let flushPending: bool = false;

/**
 * Off for internal batches (effects replay, restore): like Redis while loading its AOF, keys are never
 * found expired and past expiry times are set rather than deleting, because the effects being replayed
 * already carry the DELs the primary performed, and replay happens later than the original clock.
 */
export let expiryActive: bool = true;

export function setExpiryActive(on: bool): void {
  expiryActive = on;
}

/**
 * Off for a replica's reads: an expired key is not found but stays, as on a Redis replica. The
 * replica's keyspace changes only by its primary's log; a key it deleted on its own could miss a
 * PERSIST or a write the primary made just before the key expired on its (slightly earlier) clock.
 */
export let expiryDeletes: bool = true;

export function setExpiryDeletes(on: bool): void {
  expiryDeletes = on;
}

/** Set by lookup: the slot of the entry found (0 if none) and the key's hash. */
export let foundSlot: usize = 0;
export let foundHash: u32 = 0;

/** Entry type tags (the payload's type byte too). */
export const T_STRING: u8 = 0;
export const T_HASH: u8 = 1;
export const T_LIST: u8 = 2;
export const T_SET: u8 = 3;
export const T_ZSET: u8 = 4;
/** The highest tag a payload may carry. */
export const T_LAST: u8 = T_ZSET;

/**
 * Entry encodings (header byte 10). ENC_COMPACT: the value bytes are the whole value (and are its
 * checkpoint form). ENC_FULL: the value starts with a u32 pointer to an out-of-line structure that the
 * entry owns (objects.ts releases it with the entry). ENC_ALT: a second inline form (a raw string, an intset); the
 * payload keeps it for every type but strings, which Redis re-encodes when it loads them.
 */
export const ENC_COMPACT: u8 = 0;
export const ENC_FULL: u8 = 1;
export const ENC_ALT: u8 = 2;
/** Strings only: text that Redis never turned into an integer object (INCRBYFLOAT's result): embstr or raw. */
export const ENC_TEXT: u8 = 3;

export function setEncoding(e: usize, enc: u8): void {
  store<u8>(e, enc, 10);
}

/** Whether entry n holds the very structure that entry old owns (a move of the same value, not a new one). */
function sameStructure(old: usize, n: usize): bool {
  return eEncoding(n) == ENC_FULL && eType(n) == eType(old) && load<u32>(eVal(n)) == load<u32>(eVal(old));
}

/**
 * The LRU clock for eviction: 16-second ticks modulo 256, stored in every entry's spare header byte
 * (byte 11) when the entry is created or looked up. Ages compare modulo 256, so the horizon is 68
 * minutes: a key idle longer wraps around and looks recent again. Redis keeps 24 bits of seconds;
 * one byte keeps the 12-byte header, and sampling 5 keys is approximate anyway.
 */
export let lruClock: u8 = 0;

export function setNow(ms: f64): void {
  now = <i64>ms;
  lruClock = <u8>((now / 16000) & 0xff);
}

export function initKeyspace(): void {
  if (tSlots(KEYSPACE) == 0) {
    tReset(KEYSPACE);
    tReset(GRAVEYARD);
  }
}

/** The live entry for a key (0 when absent or expired; an expired key is deleted and logged as DEL,
 * except in a replica's reads). */
export function lookup(kp: usize, kl: u32): usize {
  const h = hashFor(kp, kl);
  foundHash = h;
  const s = tFind(KEYSPACE, kp, kl, h);
  foundSlot = s;
  if (s == 0) return 0;
  const e = <usize>load<u32>(s, 4);
  // Redis: a key is expired once now > when.
  if (eFlags(e) & F_TTL && load<i64>(e, HDR) < now && expiryActive) {
    if (expiryDeletes) {
      delDel(kp, kl);
      deleteAt(s);
    }
    foundSlot = 0;
    return 0;
  }
  store<u8>(e, lruClock, 11);
  return e;
}

/** The `DEL key` effect with the command name written as bytes. */
export function delDel(kp: usize, kl: u32): void {
  writeCommandHead(2, DEL_NAME, 3);
  bulk(EFFECTS, kp, kl);
}

const DEL_NAME = memory.data<u8>([0x44, 0x45, 0x4c]);

/** Writes `*n` and the command name (bytes at name) into the effects. */
export function writeCommandHead(n: i32, name: usize, nameLen: u32): void {
  arrayHeader(EFFECTS, n);
  bulk(EFFECTS, name, nameLen);
}

/** Starts an effect `*n` with an ASCII command name; arguments follow with effectArg/effectInt. */
export function effect(n: i32, name: string): void {
  arrayHeader(EFFECTS, n);
  bulkAscii(EFFECTS, name);
}

export function effectArg(p: usize, len: u32): void {
  bulk(EFFECTS, p, len);
}

const digits = memory.data(24);

export function effectInt(v: i64): void {
  bulk(EFFECTS, digits, writeI64(digits, v));
}

function markStoredDeletion(e: usize): void {
  const kl = eKeyLen(e);
  const kp = eKey(e);
  const h = keyHash(kp, kl);
  if (tFind(GRAVEYARD, kp, kl, h) != 0) return;
  const g = alloc(HDR + kl);
  if (g == 0 || !tMakeRoom(GRAVEYARD)) unreachable();
  store<u32>(g, kl);
  store<u32>(g, 0, 4);
  store<u32>(g, 0, 8);
  memory.copy(g + HDR, kp, kl);
  tInsert(GRAVEYARD, h, g);
}

/** Deletes the entry in slot s, keeping every count exact. */
export function deleteAt(s: usize): void {
  const e = <usize>load<u32>(s, 4);
  const f = eFlags(e);
  if (f & F_TTL) volatileCount--;
  if (f & F_DIRTY) dirtyCount--;
  if (f & F_STORED) markStoredDeletion(e);
  tRemove(KEYSPACE, s);
  releaseValue(e);
  free(e, eSize(e));
}

/**
 * Allocates an entry for key (kp, kl) with room for a vl-byte value, and an expiry when expireAt >= 0.
 * Counts against maxmemory when `data` is set; returns 0 when refused. The value is the caller's to fill.
 */
export function newEntry(kp: usize, kl: u32, vl: u32, type: u8, expireAt: i64, data: bool): usize {
  const ttl = expireAt >= 0;
  const size = HDR + (ttl ? 8 : 0) + <usize>kl + <usize>vl;
  const e = data ? allocData(size) : alloc(size);
  if (e == 0) return 0;
  store<u32>(e, kl);
  store<u32>(e, vl, 4);
  store<u8>(e, type, 8);
  store<u8>(e, ttl ? F_TTL | F_DIRTY : F_DIRTY, 9);
  store<u8>(e, ENC_COMPACT, 10);
  store<u8>(e, lruClock, 11);
  if (ttl) store<i64>(e, expireAt, HDR);
  copyBytes(eKey(e), kp, kl);
  return e;
}

/**
 * Puts a new entry in place of the key last looked up (foundSlot/foundHash): replaces the old entry
 * or inserts. Returns false (and frees e) when the table cannot grow.
 */
export function install(e: usize): bool {
  const f = eFlags(e);
  if (foundSlot != 0) {
    const old = <usize>load<u32>(foundSlot, 4);
    const oldFlags = eFlags(old);
    if (oldFlags & F_TTL) volatileCount--;
    if (!(oldFlags & F_DIRTY)) dirtyCount++;
    store<u8>(e, f | (oldFlags & F_STORED), 9);
    store<u32>(foundSlot, <u32>e, 4);
    if (eEncoding(old) == ENC_FULL && !sameStructure(old, e)) releaseValue(old);
    free(old, eSize(old));
  } else {
    if (!tMakeRoom(KEYSPACE)) {
      free(e, eSize(e));
      return false;
    }
    dirtyCount++;
    if (load<u32>(GRAVEYARD, 8) != 0) {
      const kp = eKey(e);
      const kl = eKeyLen(e);
      const g = tFind(GRAVEYARD, kp, kl, foundHash);
      if (g != 0) {
        const ge = <usize>load<u32>(g, 4);
        tRemove(GRAVEYARD, g);
        free(ge, HDR + kl);
        store<u8>(e, f | F_STORED, 9);
      }
    }
    foundSlot = tInsert(KEYSPACE, foundHash, e);
  }
  if (f & F_TTL) volatileCount++;
  return true;
}

export function markDirty(e: usize): void {
  const f = eFlags(e);
  if (!(f & F_DIRTY)) {
    store<u8>(e, f | F_DIRTY, 9);
    dirtyCount++;
  }
}

/**
 * Sets (expireAt >= 0) or removes (expireAt < 0) the expiry of the entry in foundSlot, reallocating
 * when the header changes size. Returns the entry, or 0 (nothing changed) when memory cannot grow.
 */
export function setExpire(e: usize, expireAt: i64): usize {
  const f = eFlags(e);
  const has = (f & F_TTL) != 0;
  const want = expireAt >= 0;
  if (has && want) {
    store<i64>(e, expireAt, HDR);
    markDirty(e);
    return e;
  }
  if (!has && !want) return e;
  const kl = eKeyLen(e);
  const vl = eValLen(e);
  const n = newEntry(eKey(e), kl, vl, load<u8>(e, 8), expireAt, false);
  if (n == 0) return 0; // linear memory refused to grow: the caller answers OOM
  setEncoding(n, eEncoding(e));
  memory.copy(eKey(n) + kl, eKey(e) + kl, vl);
  install(n);
  return n;
}

/** Empties the keyspace (FLUSHALL/FLUSHDB) and returns every byte it held. */
export function flushAll(): void {
  freeEntries(KEYSPACE);
  freeEntries(GRAVEYARD);
  tReset(KEYSPACE);
  tReset(GRAVEYARD);
  volatileCount = 0;
  dirtyCount = 0;
  flushPending = true;
}

function freeEntries(t: usize): void {
  const slots = tSlots(t);
  const cap = tMask(t) + 1;
  for (let i: u32 = 0; i < cap; i++) {
    const e = <usize>load<u32>(slots + ((<usize>i) << 3), 4);
    if (e == 0) continue;
    releaseValue(e);
    free(e, eSize(e));
  }
}

export function clearFlushPending(): void {
  flushPending = false;
}

/** The expiry of entry e, or -1. */
export function expireOf(e: usize): i64 {
  return eExpire(e);
}

export function decDirty(): void {
  dirtyCount--;
}

/** Creates or replaces the string at key (kp, kl) with the bytes (vp, vl), after a lookup of that key; false on OOM. */
export function putString(kp: usize, kl: u32, vp: usize, vl: u32, expireAt: i64): bool {
  const e = newEntry(kp, kl, vl, T_STRING, expireAt, true);
  if (e == 0) return false;
  copyBytes(eKey(e) + kl, vp, vl);
  return install(e);
}

/**
 * Makes entry e (in foundSlot) hold a value of newLen bytes, keeping its first keep bytes of value:
 * in place when the allocation class does not change, else by moving. Returns the entry or 0 on OOM.
 */
export function resizeValue(e: usize, newLen: u32, keep: u32): usize {
  const oldSize = eSize(e);
  const newSize = oldSize - <usize>eValLen(e) + <usize>newLen;
  if (blockSize(newSize) == blockSize(oldSize)) {
    store<u32>(e, newLen, 4);
    markDirty(e);
    return e;
  }
  const kl = eKeyLen(e);
  const n = newEntry(eKey(e), kl, newLen, eType(e), eExpire(e), true);
  if (n == 0) return 0;
  setEncoding(n, eEncoding(e));
  memory.copy(eKey(n) + kl, eVal(e), min(keep, newLen));
  if (!install(n)) return 0;
  return n;
}
