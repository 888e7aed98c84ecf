// Hashes (Redis t_hash.c). Small ones in a compact contiguous encoding: the entry's value is
// [u32 count]([u32 flen][field][u32 vlen][value])*, fields in insertion order like Redis's listpack;
// past Redis's thresholds they convert, once and for good, to the table of hash-table.ts.
import { blockSize, fitsData } from "./alloc";
import { deleteAt, effect, effectArg, ENC_FULL, foundSlot, install, lookup, markDirty, newEntry, setEncoding, T_HASH } from "./db";
import {
  ERR_HASH_NOT_FLOAT, ERR_HASH_NOT_INTEGER, ERR_INVALID_CURSOR, ERR_NAN, ERR_NAN_OR_INF, ERR_NOT_FLOAT, ERR_NOT_INTEGER,
  ERR_OOM, ERR_OUT_OF_RANGE, ERR_OVERFLOW, ERR_WRONGTYPE,
} from "./errors";
import { globMatch } from "./glob";
import {
  nextRandom, parseRandomCount, parseScanOptions, randomCount, randomUnique, randomWithOption, replyScanStart, scanCount, scanPatternLen,
  scanPatternPtr, writeI64Unsigned,
} from "./keys";
import { addLongDouble, formatLongDouble, ldE, ldInf, ldM, ldNeg, parseLongDouble } from "./longdouble";
import { parseCursor, parseI64, parsedInt } from "./numbers";
import {
  arrayHeader, bulk, closeArray, deferArray, EFFECTS, error, integer, nil, ok, raw, REPLY, replyArityError, writeI64,
} from "./out";
import { argc, argLen, argPtr, cmdEnd, cmdStart } from "./request";
import {
  COMPACT_MAX_BYTES, COMPACT_MAX_FIELDS, fieldAt, fieldValue, htCompactLen, htDelete, htFind, htNew, htRelease, htSet, htWriteCompact,
} from "./hash-table";
import {
  eEncoding, eExpire, eKey, eKeyLen, eSize, eType, eVal, eValLen, HDR, scanEntry, scanFound, tCount, tMask, tScan, tScanDone, tSlots,
} from "./table";

// @ts-ignore: decorator
@inline function isTable(e: usize): bool {
  return eEncoding(e) == ENC_FULL;
}

// @ts-ignore: decorator
@inline function tableOf(e: usize): usize {
  return <usize>load<u32>(eVal(e));
}

function hCount(e: usize): u32 {
  return isTable(e) ? tCount(tableOf(e)) : load<u32>(eVal(e));
}

/** Set by hGet: the value of the field found. */
let gotPtr: usize = 0;
let gotLen: u32 = 0;

/** Whether hash e holds field (fp, fl); its value in gotPtr/gotLen. */
function hGet(e: usize, fp: usize, fl: u32): bool {
  if (isTable(e)) {
    const s = htFind(tableOf(e), fp, fl);
    if (s == 0) return false;
    const f = fieldAt(s);
    gotPtr = fieldValue(f);
    gotLen = eValLen(f);
    return true;
  }
  if (hFind(e, fp, fl) < 0) return false;
  const vp = pairValueAt(e, <usize>pairAt);
  gotPtr = vp + 4;
  gotLen = load<u32>(vp);
  return true;
}

/**
 * Converts compact hash e (in foundSlot) to the table encoding; returns the new entry, or e unchanged
 * when the table would not fit under maxmemory (the hash then stays compact, only slower).
 */
export function toTable(e: usize): usize {
  const count = hCount(e);
  if (!fitsData(<f64>eValLen(e) + <f64>count * <f64>(HDR + 16) + 256)) return e;
  const d = htNew(count);
  if (d == 0) return e;
  const v = eVal(e);
  let o: usize = 4;
  for (let i: u32 = 0; i < count; i++) {
    const fl = load<u32>(v + o);
    const vp = v + o + 4 + fl;
    const vl = load<u32>(vp);
    htSet(d, v + o + 4, fl, vp + 4, vl);
    o += 8 + <usize>fl + <usize>vl;
  }
  const n = newEntry(eKey(e), eKeyLen(e), 4, T_HASH, eExpire(e), false);
  if (n == 0) {
    htRelease(d);
    return e;
  }
  store<u32>(eVal(n), <u32>d);
  setEncoding(n, ENC_FULL);
  if (!install(n)) {
    htRelease(d);
    return e;
  }
  return n;
}

/** Past Redis's listpack limits (512 fields, or a field or value longer than 64 bytes) a loaded compact hash converts. */
export function hashAfterLoad(e: usize): usize {
  if (isTable(e)) return e;
  if (hCount(e) > COMPACT_MAX_FIELDS) return toTable(e);
  const v = eVal(e);
  const end = <usize>eValLen(e);
  let o: usize = 4;
  while (o < end) {
    const fl = load<u32>(v + o);
    const vl = load<u32>(v + o + 4 + fl);
    if (fl > COMPACT_MAX_BYTES || vl > COMPACT_MAX_BYTES) return toTable(e);
    o += 8 + <usize>fl + <usize>vl;
  }
  return e;
}

/** The table-encoded hash's out-of-line memory, for objects.ts. */
export function hashRelease(e: usize): void {
  htRelease(tableOf(e));
}

export function hashCompactLen(e: usize): u32 {
  return htCompactLen(tableOf(e));
}

export function hashWriteCompact(e: usize, d: usize): void {
  htWriteCompact(tableOf(e), d);
}

/** Set by hFind: the value offset of the found pair's [u32 flen], or -1. */
let pairAt: i64 = -1;

/** Offset (in e's value) of the pair holding field (fp, fl), or -1; O(n) like a listpack. */
function hFind(e: usize, fp: usize, fl: u32): i64 {
  const v = eVal(e);
  const end = <usize>eValLen(e);
  let o: usize = 4;
  while (o < end) {
    const l = load<u32>(v + o);
    if (l == fl && memory.compare(v + o + 4, fp, fl) == 0) return pairAt = <i64>o;
    o += 4 + <usize>l;
    o += 4 + <usize>load<u32>(v + o);
  }
  return pairAt = -1;
}

// @ts-ignore: decorator
@inline function pairValueAt(e: usize, o: usize): usize {
  return eVal(e) + o + 4 + <usize>load<u32>(eVal(e) + o);
}

// @ts-ignore: decorator
@inline function pairSize(e: usize, o: usize): usize {
  const v = eVal(e);
  const fl = <usize>load<u32>(v + o);
  return 8 + fl + <usize>load<u32>(v + o + 4 + fl);
}

/**
 * Replaces delLen value bytes at off with room for insLen bytes (the caller fills them) in the entry
 * of foundSlot: in place when the block class is unchanged, else by moving. Returns the entry, 0 on OOM.
 * Callers check maxmemory up front (fitsData), so a multi-field write is never half applied.
 */
function splice(e: usize, off: usize, delLen: usize, insLen: usize): usize {
  const vl = <usize>eValLen(e);
  const newLen = vl - delLen + insLen;
  const oldSize = eSize(e);
  const tail = vl - off - delLen;
  if (blockSize(oldSize - vl + newLen) == blockSize(oldSize)) {
    memory.copy(eVal(e) + off + insLen, eVal(e) + off + delLen, tail);
    store<u32>(e, <u32>newLen, 4);
    markDirty(e);
    return e;
  }
  const kl = eKeyLen(e);
  const n = newEntry(eKey(e), kl, <u32>newLen, eType(e), eExpire(e), false);
  if (n == 0) return 0;
  memory.copy(eVal(n), eVal(e), off);
  memory.copy(eVal(n) + off + insLen, eVal(e) + off + delLen, tail);
  if (!install(n)) return 0;
  return n;
}

/** Sets field to value in hash e (foundSlot); returns the entry (maybe moved) and whether the field is new in fieldAdded. */
let fieldAdded = false;
function hSetField(e: usize, fp: usize, fl: u32, vp: usize, vl: u32): usize {
  // Redis converts before adding a field or value past the listpack's byte limit.
  if (!isTable(e) && (fl > COMPACT_MAX_BYTES || vl > COMPACT_MAX_BYTES)) e = toTable(e);
  if (isTable(e)) {
    fieldAdded = htSet(tableOf(e), fp, fl, vp, vl);
    markDirty(e);
    return e;
  }
  const o = hFind(e, fp, fl);
  if (o >= 0) {
    fieldAdded = false;
    const at = <usize>o + 4 + <usize>fl;
    const oldVl = <usize>load<u32>(eVal(e) + at);
    if (oldVl != <usize>vl) {
      e = splice(e, at + 4, oldVl, vl);
      if (e == 0) return 0;
      store<u32>(eVal(e) + at, vl);
    } else markDirty(e);
    memory.copy(eVal(e) + at + 4, vp, vl);
    return e;
  }
  fieldAdded = true;
  const end = <usize>eValLen(e);
  e = splice(e, end, 0, 8 + <usize>fl + <usize>vl);
  if (e == 0) return 0;
  const d = eVal(e) + end;
  store<u32>(d, fl);
  memory.copy(d + 4, fp, fl);
  store<u32>(d + 4 + fl, vl);
  memory.copy(d + 8 + fl, vp, vl);
  store<u32>(eVal(e), hCount(e) + 1);
  if (hCount(e) > COMPACT_MAX_FIELDS) e = toTable(e);
  return e;
}

/** Set by readHash/writeHash when the key holds another type (the reply is already written). */
let wrongType = false;

/** The hash at key argv[1] for reading (0 when absent); on another type replies WRONGTYPE and sets wrongType. */
function readHash(): usize {
  const e = lookup(argPtr(1), argLen(1));
  wrongType = e != 0 && eType(e) != T_HASH;
  if (wrongType) error(REPLY, ERR_WRONGTYPE);
  return wrongType ? 0 : e;
}

/**
 * The hash at argv[1] for writing, created empty when absent if `extra` more bytes of data fit under
 * maxmemory (the bound on what the command adds); 0 with the reply written (WRONGTYPE or OOM).
 */
function writeHash(extra: usize): usize {
  const kp = argPtr(1);
  const kl = argLen(1);
  let e = lookup(kp, kl);
  if (e != 0 && eType(e) != T_HASH) {
    error(REPLY, ERR_WRONGTYPE);
    return 0;
  }
  // Worst case the entry moves: old and new blocks are live together for a moment. A table-encoded
  // hash takes a field entry and a slot share per field instead.
  const need = e != 0 && isTable(e)
    ? <f64>extra * 2 + 256
    : <f64>blockSize((e != 0 ? eSize(e) : HDR + 8 + <usize>kl + 4) + extra) + 64;
  if (!fitsData(need)) {
    error(REPLY, ERR_OOM);
    return 0;
  }
  if (e == 0) {
    e = newEntry(kp, kl, 4, T_HASH, -1, false);
    if (e == 0 || !install(e)) {
      error(REPLY, ERR_OOM);
      return 0;
    }
    store<u32>(eVal(e), 0);
  }
  return e;
}

/** Deletes the hash in foundSlot when its last field is gone, as Redis does. */
function deleteIfEmpty(e: usize): void {
  if (hCount(e) == 0) deleteAt(foundSlot);
}

function pairsBytes(from: i32): usize {
  let n: usize = 0;
  for (let i = from; i < argc; i++) n += 4 + <usize>argLen(i);
  return n;
}

/** Logs the command as sent (HSET, HSETNX, HDEL, HINCRBY are deterministic). */
function logAsSent(): void {
  raw(EFFECTS, cmdStart, <u32>(cmdEnd - cmdStart));
}

function hsetGeneric(isHmset: bool): void {
  if (argc % 2 == 1) {
    replyArityError(isHmset ? "hmset" : "hset");
    return;
  }
  let e = writeHash(pairsBytes(2));
  if (e == 0) return;
  let added: i64 = 0;
  for (let i = 2; i < argc; i += 2) {
    e = hSetField(e, argPtr(i), argLen(i), argPtr(i + 1), argLen(i + 1));
    if (e == 0) unreachable(); // linear memory refused to grow after the maxmemory check
    if (fieldAdded) added++;
  }
  if (isHmset) ok(REPLY);
  else integer(REPLY, added);
  logAsSent();
}

export function cmdHset(): void {
  hsetGeneric(false);
}

export function cmdHmset(): void {
  hsetGeneric(true);
}

export function cmdHsetnx(): void {
  let e = readHash();
  if (wrongType) return;
  if (e != 0 && hGet(e, argPtr(2), argLen(2))) {
    integer(REPLY, 0);
    return;
  }
  e = writeHash(pairsBytes(2));
  if (e == 0) return;
  if (hSetField(e, argPtr(2), argLen(2), argPtr(3), argLen(3)) == 0) unreachable();
  integer(REPLY, 1);
  logAsSent();
}

export function cmdHget(): void {
  const e = readHash();
  if (wrongType) return;
  if (e == 0 || !hGet(e, argPtr(2), argLen(2))) {
    nil(REPLY);
    return;
  }
  bulk(REPLY, gotPtr, gotLen);
}

export function cmdHmget(): void {
  const e = readHash();
  if (wrongType) return;
  arrayHeader(REPLY, argc - 2);
  for (let i = 2; i < argc; i++) {
    if (e == 0 || !hGet(e, argPtr(i), argLen(i))) nil(REPLY);
    else bulk(REPLY, gotPtr, gotLen);
  }
}

export function cmdHdel(): void {
  let e = readHash();
  if (wrongType) return;
  let removed: i64 = 0;
  if (e != 0 && isTable(e)) {
    for (let i = 2; i < argc; i++) if (htDelete(tableOf(e), argPtr(i), argLen(i))) removed++;
    if (removed > 0) markDirty(e);
    deleteIfEmpty(e);
  } else if (e != 0) {
    for (let i = 2; i < argc; i++) {
      const o = hFind(e, argPtr(i), argLen(i));
      if (o < 0) continue;
      e = splice(e, <usize>o, pairSize(e, <usize>o), 0);
      if (e == 0) unreachable(); // shrinking never needs more memory than a same-class move
      store<u32>(eVal(e), hCount(e) - 1);
      removed++;
      if (hCount(e) == 0) break;
    }
    deleteIfEmpty(e);
  }
  integer(REPLY, removed);
  if (removed > 0) logAsSent();
}

export function cmdHexists(): void {
  const e = readHash();
  if (wrongType) return;
  integer(REPLY, e != 0 && hGet(e, argPtr(2), argLen(2)) ? 1 : 0);
}

export function cmdHlen(): void {
  const e = readHash();
  if (wrongType) return;
  integer(REPLY, e != 0 ? hCount(e) : 0);
}

export function cmdHstrlen(): void {
  const e = readHash();
  if (wrongType) return;
  if (e == 0 || !hGet(e, argPtr(2), argLen(2))) integer(REPLY, 0);
  else integer(REPLY, gotLen);
}

const WANT_KEYS = 1;
const WANT_VALUES = 2;

// A walk over a hash's fields in its order (insertion order, or table order): iterStart, then iterNext
// until false; the current field and value are in itField/itFieldLen/itValue/itValueLen.
let itEntry: usize = 0;
let itPos: usize = 0;
let itField: usize = 0;
let itFieldLen: u32 = 0;
let itValue: usize = 0;
let itValueLen: u32 = 0;

function iterStart(e: usize): void {
  itEntry = e;
  itPos = isTable(e) ? 0 : 4;
}

function iterNext(): bool {
  const e = itEntry;
  if (isTable(e)) {
    const d = tableOf(e);
    const cap = <usize>tMask(d) + 1;
    while (itPos < cap) {
      const f = fieldAt(tSlots(d) + (itPos << 3));
      itPos++;
      if (f != 0) {
        itField = f + HDR;
        itFieldLen = load<u32>(f);
        itValue = fieldValue(f);
        itValueLen = eValLen(f);
        return true;
      }
    }
    return false;
  }
  if (itPos >= <usize>eValLen(e)) return false;
  const v = eVal(e);
  itFieldLen = load<u32>(v + itPos);
  itField = v + itPos + 4;
  itValueLen = load<u32>(itField + itFieldLen);
  itValue = itField + itFieldLen + 4;
  itPos += 8 + <usize>itFieldLen + <usize>itValueLen;
  return true;
}

/** Moves the walk to a random field: a uniform pick in a compact hash, a random bucket's next field in a table. */
function pickRandom(e: usize): void {
  if (isTable(e)) {
    const d = tableOf(e);
    const mask = tMask(d);
    let j = <u32>(nextRandom() >> 32) & mask;
    while (fieldAt(tSlots(d) + ((<usize>j) << 3)) == 0) j = (j + 1) & mask;
    itEntry = e;
    itPos = j;
    iterNext();
    return;
  }
  iterStart(e);
  let i = <u32>(nextRandom() % <u64>hCount(e));
  iterNext();
  while (i-- > 0) iterNext();
}

function writeCurrent(withValues: bool): void {
  bulk(REPLY, itField, itFieldLen);
  if (withValues) bulk(REPLY, itValue, itValueLen);
}

function getAll(what: i32): void {
  const e = readHash();
  if (wrongType) return;
  if (e == 0) {
    arrayHeader(REPLY, 0);
    return;
  }
  const per: i64 = what == (WANT_KEYS | WANT_VALUES) ? 2 : 1;
  arrayHeader(REPLY, <i64>hCount(e) * per);
  iterStart(e);
  while (iterNext()) {
    if (what & WANT_KEYS) bulk(REPLY, itField, itFieldLen);
    if (what & WANT_VALUES) bulk(REPLY, itValue, itValueLen);
  }
}

export function cmdHkeys(): void {
  getAll(WANT_KEYS);
}

export function cmdHvals(): void {
  getAll(WANT_VALUES);
}

export function cmdHgetall(): void {
  getAll(WANT_KEYS | WANT_VALUES);
}

const numBuf = memory.data(24);

export function cmdHincrby(): void {
  if (!parseI64(argPtr(3), argLen(3))) {
    error(REPLY, ERR_NOT_INTEGER);
    return;
  }
  const incr = parsedInt;
  let e = readHash();
  if (wrongType) return;
  let value: i64 = 0;
  if (e != 0 && hGet(e, argPtr(2), argLen(2))) {
    if (!parseI64(gotPtr, gotLen)) {
      error(REPLY, ERR_HASH_NOT_INTEGER);
      return;
    }
    value = parsedInt;
  }
  if ((incr < 0 && value < 0 && incr < i64.MIN_VALUE - value) || (incr > 0 && value > 0 && incr > i64.MAX_VALUE - value)) {
    error(REPLY, ERR_OVERFLOW);
    return;
  }
  value += incr;
  const n = writeI64(numBuf, value);
  e = writeHash(8 + <usize>argLen(2) + 24);
  if (e == 0) return;
  if (hSetField(e, argPtr(2), argLen(2), numBuf, n) == 0) unreachable();
  integer(REPLY, value);
  logAsSent();
}

// Up to ~4933 integer digits, a sign, a dot and 17 decimals (as in incrbyfloat.ts).
const floatText = memory.data(5120);

export function cmdHincrbyfloat(): void {
  if (!parseLongDouble(argPtr(3), argLen(3))) {
    error(REPLY, ERR_NOT_FLOAT);
    return;
  }
  if (ldInf) {
    error(REPLY, ERR_NAN_OR_INF);
    return;
  }
  let e = readHash();
  if (wrongType) return;
  let vNeg = false;
  let vM: u64 = 0;
  let vE: i32 = 0;
  if (e != 0 && hGet(e, argPtr(2), argLen(2))) {
    if (!parseLongDouble(gotPtr, gotLen)) {
      error(REPLY, ERR_HASH_NOT_FLOAT);
      return;
    }
    if (ldInf) {
      error(REPLY, ERR_NAN);
      return;
    }
    vNeg = ldNeg;
    vM = ldM;
    vE = ldE;
  }
  // addLongDouble adds its arguments to the last parsed number: re-establish the increment there.
  parseLongDouble(argPtr(3), argLen(3));
  addLongDouble(vNeg, vM, vE);
  if (ldInf) {
    error(REPLY, ERR_NAN);
    return;
  }
  const n = formatLongDouble(floatText);
  e = writeHash(8 + <usize>argLen(2) + <usize>n);
  if (e == 0) return;
  if (hSetField(e, argPtr(2), argLen(2), floatText, n) == 0) unreachable();
  bulk(REPLY, floatText, n);
  // Like Redis: logged as HSET of the result, so replay never re-rounds.
  effect(4, "HSET");
  effectArg(argPtr(1), argLen(1));
  effectArg(argPtr(2), argLen(2));
  effectArg(floatText, n);
}

/** The most fields a negative HRANDFIELD count may repeat (a reply of tens of MB at most). */
const MAX_REPEATS: i64 = 1 << 20;

/** HRANDFIELD key [count [WITHVALUES]]: read-only, so nothing is logged. */
export function cmdHrandfield(): void {
  if (argc == 2) {
    const e = readHash();
    if (wrongType) return;
    if (e == 0) nil(REPLY);
    else {
      pickRandom(e);
      writeCurrent(false);
    }
    return;
  }
  // The count and WITHVALUES are checked before the key, as Redis does.
  if (!parseRandomCount("withvalues")) return;
  const withValues = randomWithOption;
  const unique = randomUnique;
  const count = randomCount;
  const e = readHash();
  if (wrongType) return;
  if (e == 0) {
    arrayHeader(REPLY, 0);
    return;
  }
  if (count == 0) {
    arrayHeader(REPLY, 0);
    return;
  }
  const size = hCount(e);
  const per: i64 = withValues ? 2 : 1;
  // Deliberate difference: redis-server builds any reply it is asked for (and dies of a huge negative
  // count); a shard refuses repeats past MAX_REPEATS items rather than exhaust its memory.
  if (!unique && count > MAX_REPEATS) {
    error(REPLY, ERR_OUT_OF_RANGE);
    return;
  }
  if (!unique) {
    arrayHeader(REPLY, count * per);
    for (let i: i64 = 0; i < count; i++) {
      pickRandom(e);
      writeCurrent(withValues);
    }
    return;
  }
  if (count >= <i64>size) {
    getAll(withValues ? WANT_KEYS | WANT_VALUES : WANT_KEYS);
    return;
  }
  // count distinct fields: a selection sampling walk (Knuth's algorithm S) over the pairs, in hash order.
  arrayHeader(REPLY, count * per);
  let need = <u64>count;
  let left = <u64>size;
  iterStart(e);
  while (need > 0 && iterNext()) {
    if (nextRandom() % left < need) {
      writeCurrent(withValues);
      need--;
    }
    left--;
  }
}

/** HSCAN key cursor [MATCH pattern] [COUNT count]: a compact hash is returned whole, cursor 0, as Redis does. */
export function cmdHscan(): void {
  if (!parseCursor(argPtr(2), argLen(2))) {
    error(REPLY, ERR_INVALID_CURSOR);
    return;
  }
  const e = readHash();
  if (wrongType) return;
  if (e == 0) {
    replyScanStart();
    arrayHeader(REPLY, 0);
    return;
  }
  const cursor = <u64>parsedInt;
  if (!parseScanOptions(3, false)) return;
  const pp = scanPatternPtr;
  const pl = scanPatternLen;
  if (isTable(e)) {
    // A table is walked a page at a time, as Redis's dictScan: a field present throughout comes at least once.
    const next = tScan(tableOf(e), cursor, scanCount);
    arrayHeader(REPLY, 2);
    bulk(REPLY, cursorText, writeI64Unsigned(cursorText, next));
    const mark = deferArray(REPLY);
    let n: i64 = 0;
    for (let k: u32 = 0; k < scanFound; k++) {
      const f = scanEntry(k);
      const fl = load<u32>(f);
      if (pl >= 0 && !globMatch(pp, pl, f + HDR, <i32>fl)) continue;
      bulk(REPLY, f + HDR, fl);
      bulk(REPLY, fieldValue(f), eValLen(f));
      n += 2;
    }
    closeArray(REPLY, mark, n);
    tScanDone();
    return;
  }
  // COUNT is checked but unused: a compact hash is returned whole, cursor 0, as Redis does.
  replyScanStart();
  const mark = deferArray(REPLY);
  let n: i64 = 0;
  iterStart(e);
  while (iterNext()) {
    if (pl >= 0 && !globMatch(pp, pl, itField, <i32>itFieldLen)) continue;
    writeCurrent(true);
    n += 2;
  }
  closeArray(REPLY, mark, n);
}

const cursorText = memory.data(24);

/** Whether bytes (p, len) are a well-formed hash value (checked before a checkpoint row is loaded). */
export function validHashValue(p: usize, len: u32): bool {
  if (len < 4) return false;
  const count = load<u32>(p);
  let o: u64 = 4;
  let seen: u32 = 0;
  while (o < <u64>len) {
    if (o + 4 > <u64>len) return false;
    o += 4 + <u64>load<u32>(p + <usize>o);
    if (o + 4 > <u64>len) return false;
    o += 4 + <u64>load<u32>(p + <usize>o);
    seen++;
  }
  return o == <u64>len && seen == count && count > 0;
}
