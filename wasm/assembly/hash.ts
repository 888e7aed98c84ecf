// Hashes (Redis t_hash.c) in a compact contiguous encoding: the entry's value is
// [u32 count]([u32 flen][field][u32 vlen][value])*, fields in insertion order like Redis's listpack.
import { blockSize, fitsData } from "./alloc";
import { deleteAt, effect, effectArg, foundSlot, install, lookup, markDirty, newEntry, T_HASH } from "./db";
import {
  ERR_HASH_NOT_FLOAT, ERR_HASH_NOT_INTEGER, ERR_INVALID_CURSOR, ERR_NAN, ERR_NAN_OR_INF, ERR_NOT_FLOAT, ERR_NOT_INTEGER,
  ERR_OOM, ERR_OUT_OF_RANGE, ERR_OVERFLOW, ERR_RANDFIELD_RANGE, ERR_SYNTAX, ERR_WRONGTYPE,
} from "./errors";
import { globMatch } from "./glob";
import { nextRandom, parseScanOptions, scanPatternLen, scanPatternPtr } from "./keys";
import { addLongDouble, formatLongDouble, ldE, ldInf, ldM, ldNeg, parseLongDouble } from "./longdouble";
import { argIs, parseCursor, parseI64, parsedInt } from "./numbers";
import {
  arrayHeader, bulk, closeArray, deferArray, EFFECTS, error, integer, nil, ok, raw, REPLY, replyArityError, writeI64,
} from "./out";
import { argc, argLen, argPtr, cmdEnd, cmdStart } from "./request";
import { eExpire, eKey, eKeyLen, eSize, eType, eVal, eValLen, HDR } from "./table";

// @ts-ignore: decorator
@inline function hCount(e: usize): u32 {
  return load<u32>(eVal(e));
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
  // Worst case the entry moves: old and new blocks are live together for a moment.
  const need = <f64>blockSize((e != 0 ? eSize(e) : HDR + 8 + <usize>kl + 4) + extra) + 64;
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
  if (e != 0 && hFind(e, argPtr(2), argLen(2)) >= 0) {
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
  if (e == 0 || hFind(e, argPtr(2), argLen(2)) < 0) {
    nil(REPLY);
    return;
  }
  const vp = pairValueAt(e, <usize>pairAt);
  bulk(REPLY, vp + 4, load<u32>(vp));
}

export function cmdHmget(): void {
  const e = readHash();
  if (wrongType) return;
  arrayHeader(REPLY, argc - 2);
  for (let i = 2; i < argc; i++) {
    if (e == 0 || hFind(e, argPtr(i), argLen(i)) < 0) nil(REPLY);
    else {
      const vp = pairValueAt(e, <usize>pairAt);
      bulk(REPLY, vp + 4, load<u32>(vp));
    }
  }
}

export function cmdHdel(): void {
  let e = readHash();
  if (wrongType) return;
  let removed: i64 = 0;
  if (e != 0) {
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
  integer(REPLY, e != 0 && hFind(e, argPtr(2), argLen(2)) >= 0 ? 1 : 0);
}

export function cmdHlen(): void {
  const e = readHash();
  if (wrongType) return;
  integer(REPLY, e != 0 ? hCount(e) : 0);
}

export function cmdHstrlen(): void {
  const e = readHash();
  if (wrongType) return;
  if (e == 0 || hFind(e, argPtr(2), argLen(2)) < 0) integer(REPLY, 0);
  else integer(REPLY, load<u32>(pairValueAt(e, <usize>pairAt)));
}

const WANT_KEYS = 1;
const WANT_VALUES = 2;

function getAll(what: i32): void {
  const e = readHash();
  if (wrongType) return;
  if (e == 0) {
    arrayHeader(REPLY, 0);
    return;
  }
  const per: i64 = what == (WANT_KEYS | WANT_VALUES) ? 2 : 1;
  arrayHeader(REPLY, <i64>hCount(e) * per);
  const v = eVal(e);
  const end = <usize>eValLen(e);
  let o: usize = 4;
  while (o < end) {
    const fl = load<u32>(v + o);
    if (what & WANT_KEYS) bulk(REPLY, v + o + 4, fl);
    o += 4 + <usize>fl;
    const vl = load<u32>(v + o);
    if (what & WANT_VALUES) bulk(REPLY, v + o + 4, vl);
    o += 4 + <usize>vl;
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
  if (e != 0 && hFind(e, argPtr(2), argLen(2)) >= 0) {
    const vp = pairValueAt(e, <usize>pairAt);
    if (!parseI64(vp + 4, load<u32>(vp))) {
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
  if (e != 0 && hFind(e, argPtr(2), argLen(2)) >= 0) {
    const vp = pairValueAt(e, <usize>pairAt);
    if (!parseLongDouble(vp + 4, load<u32>(vp))) {
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

/** The offset of the i-th pair (0-based), walking from the start. */
function pairOffset(e: usize, i: u32): usize {
  let o: usize = 4;
  while (i > 0) {
    o += pairSize(e, o);
    i--;
  }
  return o;
}

function writePair(e: usize, o: usize, withValues: bool): void {
  const v = eVal(e);
  const fl = load<u32>(v + o);
  bulk(REPLY, v + o + 4, fl);
  if (withValues) {
    const vp = v + o + 4 + fl;
    bulk(REPLY, vp + 4, load<u32>(vp));
  }
}

/** The most fields a negative HRANDFIELD count may repeat (a reply of tens of MB at most). */
const MAX_REPEATS: i64 = 1 << 20;

/** HRANDFIELD key [count [WITHVALUES]]: read-only, so nothing is logged. */
export function cmdHrandfield(): void {
  if (argc == 2) {
    const e = readHash();
    if (wrongType) return;
    if (e == 0) nil(REPLY);
    else writePair(e, pairOffset(e, <u32>(nextRandom() % <u64>hCount(e))), false);
    return;
  }
  // Redis's order: the count and its range, then the syntax, then WITHVALUES's tighter range, then the key.
  if (!parseI64(argPtr(2), argLen(2))) {
    error(REPLY, ERR_NOT_INTEGER);
    return;
  }
  const l = parsedInt;
  if (l == i64.MIN_VALUE) {
    error(REPLY, ERR_RANDFIELD_RANGE);
    return;
  }
  if (argc > 4 || (argc == 4 && !argIs(argPtr(3), argLen(3), "withvalues"))) {
    error(REPLY, ERR_SYNTAX);
    return;
  }
  const withValues = argc == 4;
  const unique = l >= 0;
  const count: i64 = unique ? l : -l;
  if (withValues && count > i64.MAX_VALUE / 2) {
    error(REPLY, ERR_OUT_OF_RANGE);
    return;
  }
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
    for (let i: i64 = 0; i < count; i++) writePair(e, pairOffset(e, <u32>(nextRandom() % <u64>size)), withValues);
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
  let o: usize = 4;
  for (let i: u32 = 0; i < size && need > 0; i++) {
    if (nextRandom() % left < need) {
      writePair(e, o, withValues);
      need--;
    }
    left--;
    o += pairSize(e, o);
  }
}

const ZERO = memory.data<u8>([0x30]);

/** HSCAN key cursor [MATCH pattern] [COUNT count]: a compact hash is returned whole, cursor 0, as Redis does. */
export function cmdHscan(): void {
  if (!parseCursor(argPtr(2), argLen(2))) {
    error(REPLY, ERR_INVALID_CURSOR);
    return;
  }
  const e = readHash();
  if (wrongType) return;
  if (e == 0) {
    arrayHeader(REPLY, 2);
    bulk(REPLY, ZERO, 1);
    arrayHeader(REPLY, 0);
    return;
  }
  // COUNT is checked but unused: a compact hash is returned whole, as Redis does.
  if (!parseScanOptions(3, false)) return;
  const pp = scanPatternPtr;
  const pl = scanPatternLen;
  arrayHeader(REPLY, 2);
  bulk(REPLY, ZERO, 1);
  const mark = deferArray(REPLY);
  let n: i64 = 0;
  const v = eVal(e);
  const end = <usize>eValLen(e);
  let o: usize = 4;
  while (o < end) {
    const fl = load<u32>(v + o);
    const vp = v + o + 4 + fl;
    const vl = load<u32>(vp);
    if (pl < 0 || globMatch(pp, pl, v + o + 4, <i32>fl)) {
      bulk(REPLY, v + o + 4, fl);
      bulk(REPLY, vp + 4, vl);
      n += 2;
    }
    o += 8 + <usize>fl + <usize>vl;
  }
  closeArray(REPLY, mark, n);
}

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
