// The single-key set commands (Redis t_set.c): SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SPOP SRANDMEMBER SSCAN.
import { alloc, free } from "./alloc";
import { deleteAt, effect, effectArg, foundSlot, lookup, T_SET } from "./db";
import { ERR_INVALID_CURSOR, ERR_NOT_INTEGER, ERR_OUT_OF_RANGE, ERR_RANDFIELD_RANGE, ERR_SPOP_RANGE, ERR_SYNTAX, ERR_WRONGTYPE } from "./errors";
import { globMatch } from "./glob";
import { nextRandom, parseScanOptions, replyScanStart, scanCount, scanPatternLen, scanPatternPtr, writeI64Unsigned } from "./keys";
import { parseCursor, parseI64, parsedInt } from "./numbers";
import { arrayHeader, bulk, closeArray, deferArray, EFFECTS, error, integer, nil, raw, REPLY, writeI64 } from "./out";
import { argc, argLen, argPtr, cmdEnd, cmdStart } from "./request";
import {
  addBound, asInt, changed, createSet, fitsOrOom, isTable, itNext, itStart, mLen, mPtr, mSlot, randomMember,
  readSet, removeCurrent, replyMember, sAdd, sCard, settle, sHas, sRemove, wrongType,
} from "./set";
import { isPos, isRemoveAt, isSearch } from "./intset";
import { eType, eVal, HDR, scanEntry, scanFound, tMask, tScan, tScanDone, tSlots } from "./table";

function logAsSent(): void {
  raw(EFFECTS, cmdStart, <u32>(cmdEnd - cmdStart));
}

export function cmdSadd(): void {
  const kp = argPtr(1);
  const kl = argLen(1);
  let e = lookup(kp, kl);
  if (e != 0 && eType(e) != T_SET) {
    error(REPLY, ERR_WRONGTYPE);
    return;
  }
  if (!fitsOrOom(addBound(e, kl, 2, argc))) return;
  if (e == 0) {
    e = createSet(kp, kl, asInt(argPtr(2), argLen(2)), <u32>(argc - 2));
    if (e == 0) unreachable();
  }
  let added: i64 = 0;
  for (let i = 2; i < argc; i++) {
    e = sAdd(e, argPtr(i), argLen(i));
    if (changed) added++;
  }
  integer(REPLY, added);
  if (added > 0) logAsSent();
}

export function cmdSrem(): void {
  let e = readSet();
  if (wrongType) return;
  let removed: i64 = 0;
  if (e != 0) {
    for (let i = 2; i < argc; i++) {
      e = sRemove(e, argPtr(i), argLen(i));
      if (changed) {
        removed++;
        if (sCard(e) == 0) break;
      }
    }
    settle(e);
  }
  integer(REPLY, removed);
  if (removed > 0) logAsSent();
}

/** Every member of set e as an array reply (an intset ascending, as Redis). */
function replyAll(e: usize): void {
  arrayHeader(REPLY, sCard(e));
  itStart();
  while (itNext(e)) replyMember(REPLY);
}

export function cmdSmembers(): void {
  const e = readSet();
  if (wrongType) return;
  if (e == 0) arrayHeader(REPLY, 0);
  else replyAll(e);
}

export function cmdSismember(): void {
  const e = readSet();
  if (wrongType) return;
  integer(REPLY, e != 0 && sHas(e, argPtr(2), argLen(2)) ? 1 : 0);
}

export function cmdSmismember(): void {
  const e = readSet();
  if (wrongType) return;
  arrayHeader(REPLY, argc - 2);
  for (let i = 2; i < argc; i++) integer(REPLY, e != 0 && sHas(e, argPtr(i), argLen(i)) ? 1 : 0);
}

export function cmdScard(): void {
  const e = readSet();
  if (wrongType) return;
  integer(REPLY, e != 0 ? sCard(e) : 0);
}

/** `SREM key` + n members: the effect header of a pop. */
function sremHead(n: i64): void {
  effect(<i32>(n + 2), "SREM");
  effectArg(argPtr(1), argLen(1));
}

/**
 * Chooses `count` distinct members of e (count < size) by selection sampling in iteration order; returns a
 * temporary array of u64 items (intset values, or member block pointers), freed by the caller (count * 8 bytes).
 */
function sampleDistinct(e: usize, count: u32): usize {
  const items = alloc((<usize>count) << 3);
  if (items == 0) unreachable();
  let need = <u64>count;
  let left = <u64>sCard(e);
  let k: u32 = 0;
  itStart();
  while (need > 0 && itNext(e)) {
    if (nextRandom() % left < need) {
      store<u64>(items + ((<usize>k) << 3), isTable(e) ? <u64>load<u32>(mSlot, 4) : <u64>load<i64>(eVal(e) + (mSlot << 3)));
      k++;
      need--;
    }
    left--;
  }
  return items;
}

const numBuf = memory.data(24);

/** Writes sampled item i as a bulk string to o. */
function writeItem(o: usize, e: usize, items: usize, i: u32): void {
  const x = load<u64>(items + ((<usize>i) << 3));
  if (isTable(e)) {
    const m = <usize>x;
    bulk(o, m + HDR, load<u32>(m));
  } else bulk(o, numBuf, writeI64(numBuf, <i64>x));
}

/** SPOP key [count]: random members removed, logged as SREM of what was popped (DEL when all of it). */
export function cmdSpop(): void {
  if (argc == 2) {
    let e = readSet();
    if (wrongType) return;
    if (e == 0) {
      nil(REPLY);
      return;
    }
    randomMember(e, nextRandom());
    replyMember(REPLY);
    sremHead(1);
    effectArg(mPtr, mLen);
    e = removeCurrent(e);
    settle(e);
    return;
  }
  if (argc > 3) {
    error(REPLY, ERR_SYNTAX);
    return;
  }
  if (!parseI64(argPtr(2), argLen(2)) || parsedInt < 0) {
    error(REPLY, ERR_SPOP_RANGE);
    return;
  }
  const count = parsedInt;
  let e = readSet();
  if (wrongType) return;
  if (e == 0 || count == 0) {
    arrayHeader(REPLY, 0);
    return;
  }
  const size = sCard(e);
  if (count >= <i64>size) {
    replyAll(e);
    deleteAt(foundSlot);
    effect(2, "DEL");
    effectArg(argPtr(1), argLen(1));
    return;
  }
  const n = <u32>count;
  const items = sampleDistinct(e, n);
  arrayHeader(REPLY, n);
  sremHead(n);
  for (let i: u32 = 0; i < n; i++) {
    writeItem(REPLY, e, items, i);
    writeItem(EFFECTS, e, items, i);
  }
  for (let i: u32 = 0; i < n; i++) {
    const x = load<u64>(items + ((<usize>i) << 3));
    if (isTable(e)) {
      const m = <usize>x;
      e = sRemove(e, m + HDR, load<u32>(m));
    } else {
      isSearch(e, <i64>x);
      e = isRemoveAt(e, isPos);
    }
  }
  free(items, (<usize>n) << 3);
  settle(e);
}

/** The most members a negative SRANDMEMBER count may repeat (a reply of tens of MB at most). */
const MAX_REPEATS: i64 = 1 << 20;

/** SRANDMEMBER key [count]: read-only, so nothing is logged. */
export function cmdSrandmember(): void {
  if (argc == 2) {
    const e = readSet();
    if (wrongType) return;
    if (e == 0) nil(REPLY);
    else {
      randomMember(e, nextRandom());
      replyMember(REPLY);
    }
    return;
  }
  if (argc > 3) {
    error(REPLY, ERR_SYNTAX);
    return;
  }
  if (!parseI64(argPtr(2), argLen(2))) {
    error(REPLY, ERR_NOT_INTEGER);
    return;
  }
  const l = parsedInt;
  if (l == i64.MIN_VALUE) {
    error(REPLY, ERR_RANDFIELD_RANGE);
    return;
  }
  const e = readSet();
  if (wrongType) return;
  if (e == 0 || l == 0) {
    arrayHeader(REPLY, 0);
    return;
  }
  const size = sCard(e);
  if (l < 0) {
    const count = -l;
    // Deliberate difference (as HRANDFIELD): a shard refuses more repeats than it can reply without exhausting memory.
    if (count > MAX_REPEATS) {
      error(REPLY, ERR_OUT_OF_RANGE);
      return;
    }
    arrayHeader(REPLY, count);
    for (let i: i64 = 0; i < count; i++) {
      randomMember(e, nextRandom());
      replyMember(REPLY);
    }
    return;
  }
  if (l >= <i64>size) {
    replyAll(e);
    return;
  }
  const n = <u32>l;
  const items = sampleDistinct(e, n);
  arrayHeader(REPLY, n);
  for (let i: u32 = 0; i < n; i++) writeItem(REPLY, e, items, i);
  free(items, (<usize>n) << 3);
}

const cursorBuf = memory.data(24);

/**
 * SSCAN key cursor [MATCH pattern] [COUNT count]: an intset is returned whole with cursor 0 (as Redis); a table
 * is walked by home bucket in reverse-binary cursor order (Redis's dictScan), so a member present for the whole
 * iteration is returned at least once even when the table grows or shrinks between calls.
 */
export function cmdSscan(): void {
  if (!parseCursor(argPtr(2), argLen(2))) {
    error(REPLY, ERR_INVALID_CURSOR);
    return;
  }
  const parsedCursor = parsedInt;
  const e = readSet();
  if (wrongType) return;
  if (e == 0) {
    replyScanStart();
    arrayHeader(REPLY, 0);
    return;
  }
  if (!parseScanOptions(3, false)) return;
  const pp = scanPatternPtr;
  const pl = scanPatternLen;
  if (!isTable(e)) {
    replyScanStart();
    const mark = deferArray(REPLY);
    let n: i64 = 0;
    itStart();
    while (itNext(e)) {
      if (pl >= 0 && !globMatch(pp, pl, mPtr, <i32>mLen)) continue;
      replyMember(REPLY);
      n++;
    }
    closeArray(REPLY, mark, n);
    return;
  }
  const next = tScan(eVal(e), <u64>parsedCursor, scanCount);
  arrayHeader(REPLY, 2);
  bulk(REPLY, cursorBuf, writeI64Unsigned(cursorBuf, next));
  const mark = deferArray(REPLY);
  let n: i64 = 0;
  for (let k: u32 = 0; k < scanFound; k++) {
    const m = scanEntry(k);
    const l = load<u32>(m);
    if (pl >= 0 && !globMatch(pp, pl, m + HDR, <i32>l)) continue;
    bulk(REPLY, m + HDR, l);
    n++;
  }
  closeArray(REPLY, mark, n);
  tScanDone();
}

