// The multi-key set commands (Redis t_set.c): SMOVE, SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE,
// SDIFF, SDIFFSTORE. The gateway routes them to one shard (CROSSSLOT otherwise), so each runs atomically here.
import { alloc, blockSize, free } from "./alloc";
import { deleteAt, effect, effectArg, ENC_ALT, ENC_FULL, foundSlot, install, lookup, newEntry, setEncoding, T_SET } from "./db";
import { ERR_LIMIT_NEGATIVE, ERR_NUMKEYS, ERR_NUMKEYS_ARGS, ERR_SYNTAX, ERR_WRONGTYPE } from "./errors";
import { MAX_INTSET_ENTRIES, sortI64 } from "./intset";
import { argIs, parseI64, parsedInt } from "./numbers";
import { arrayHeader, bulk, EFFECTS, error, integer, raw, REPLY, writeI64 } from "./out";
import { argc, argLen, argPtr, cmdEnd, cmdStart } from "./request";
import {
  addBound, asInt, changed, createSet, fitsOrOom, isTable, itNext, itStart, mInt, mLen, mPtr, mSlot, readSetAt,
  sAdd, sCard, settle, sHas, sHasInt, sRemove, tableAdd, wrongType,
} from "./set";
import { capFor, eType, eVal, HDR, tInit } from "./table";

function logAsSent(): void {
  raw(EFFECTS, cmdStart, <u32>(cmdEnd - cmdStart));
}

/** SMOVE source destination member: the move is logged as sent (it is deterministic). */
export function cmdSmove(): void {
  const sp = argPtr(1);
  const sl = argLen(1);
  const dp = argPtr(2);
  const dl = argLen(2);
  const mp = argPtr(3);
  const ml = argLen(3);
  let src = lookup(sp, sl);
  const dst = lookup(dp, dl);
  if (src == 0) {
    integer(REPLY, 0);
    return;
  }
  if (eType(src) != T_SET || (dst != 0 && eType(dst) != T_SET)) {
    error(REPLY, ERR_WRONGTYPE);
    return;
  }
  if (src == dst) {
    integer(REPLY, sHas(src, mp, ml) ? 1 : 0);
    return;
  }
  if (!sHas(src, mp, ml)) {
    integer(REPLY, 0);
    return;
  }
  if (!fitsOrOom(addBound(dst, dl, 3, 4))) return;
  lookup(sp, sl);
  src = sRemove(src, mp, ml);
  settle(src);
  let d = lookup(dp, dl);
  if (d == 0) {
    d = createSet(dp, dl, asInt(mp, ml), 1);
    if (d == 0) unreachable();
  }
  sAdd(d, mp, ml);
  integer(REPLY, 1);
  logAsSent();
}

// ---- gathering the input sets and the result ----

/** The input sets (entry pointers, 0 for a missing key), one u32 each; allocated per command. */
let sets: usize = 0;
let setsCount: u32 = 0;

/** Looks up keys argv[first..first+n); false after replying WRONGTYPE (every key is checked, as Redis). */
function gather(first: i32, n: i32): bool {
  setsCount = <u32>n;
  sets = alloc((<usize>n) << 2);
  if (sets == 0) unreachable();
  for (let i = 0; i < n; i++) {
    const e = readSetAt(argPtr(first + i), argLen(first + i));
    if (wrongType) {
      free(sets, (<usize>n) << 2);
      return false;
    }
    store<u32>(sets + ((<usize>i) << 2), <u32>e);
  }
  return true;
}

// @ts-ignore: decorator
@inline function setAt(i: i32): usize {
  return <usize>load<u32>(sets + ((<usize>i) << 2));
}

/** The result: 12-byte items [u64 intset value or member block pointer][u32 1 if a value]. */
let items: usize = 0;
let itemsCap: u32 = 0;
let itemCount: u32 = 0;

function resetItems(): void {
  itemCount = 0;
  itemsCap = 64;
  items = alloc(<usize>itemsCap * 12);
  if (items == 0) unreachable();
}

/** Frees the command's temporary arrays (inputs and result), so memory returns to its baseline. */
function releaseItems(): void {
  free(items, <usize>itemsCap * 12);
  free(sets, (<usize>setsCount) << 2);
}

/** Appends the member the iterator of e is at. */
function pushCurrent(e: usize): void {
  if (itemCount == itemsCap) {
    const bigger = alloc(<usize>itemsCap * 24);
    if (bigger == 0) unreachable();
    memory.copy(bigger, items, <usize>itemsCap * 12);
    free(items, <usize>itemsCap * 12);
    items = bigger;
    itemsCap <<= 1;
  }
  const d = items + <usize>itemCount * 12;
  if (isTable(e)) {
    store<u64>(d, <u64>load<u32>(mSlot, 4));
    store<u32>(d, 0, 8);
  } else {
    store<u64>(d, <u64>mInt);
    store<u32>(d, 1, 8);
  }
  itemCount++;
}

/** Whether the member the iterator of e is at belongs to set o. */
function currentIn(e: usize, o: usize): bool {
  if (!isTable(e)) return sHasInt(o, mInt);
  const m = <usize>load<u32>(mSlot, 4);
  return sHas(o, m + HDR, load<u32>(m));
}

// @ts-ignore: decorator
@inline function itemIsValue(i: u32): bool {
  return load<u32>(items + <usize>i * 12, 8) != 0;
}

// @ts-ignore: decorator
@inline function itemWord(i: u32): u64 {
  return load<u64>(items + <usize>i * 12);
}

const numBuf = memory.data(24);

function replyItem(o: usize, i: u32): void {
  const x = itemWord(i);
  if (itemIsValue(i)) bulk(o, numBuf, writeI64(numBuf, <i64>x));
  else bulk(o, <usize>x + HDR, load<u32>(<usize>x));
}

/** Whether every item is an integer (so Redis would hold the result as an intset, up to 512 of them). */
function allIntegers(): bool {
  for (let i: u32 = 0; i < itemCount; i++) {
    if (itemIsValue(i)) continue;
    const m = <usize>itemWord(i);
    if (!asInt(m + HDR, load<u32>(m))) return false;
  }
  return true;
}

/** Replaces every item by its integer value (after allIntegers), packed as i64s at `items`, sorted ascending. */
function itemsToSortedValues(): usize {
  const values = alloc(<usize>max<u32>(itemCount, 1) << 3);
  if (values == 0) unreachable();
  for (let i: u32 = 0; i < itemCount; i++) {
    let v: i64;
    if (itemIsValue(i)) v = <i64>itemWord(i);
    else {
      const m = <usize>itemWord(i);
      asInt(m + HDR, load<u32>(m));
      v = parsedInt;
    }
    store<i64>(values + ((<usize>i) << 3), v);
  }
  sortI64(values, itemCount);
  return values;
}

const OP_INTER = 0;
const OP_UNION = 1;
const OP_DIFF = 2;

/**
 * Computes the operation over the gathered sets into the items (distinct by construction). SINTER walks
 * the smallest set (the first of equal size), as Redis does; with `limit` > 0 it stops at that many.
 */
function compute(op: i32, n: i32, limit: i64): void {
  resetItems();
  if (op == OP_INTER) {
    let smallest = -1;
    for (let i = 0; i < n; i++) {
      const e = setAt(i);
      if (e == 0) return;
      if (smallest < 0 || sCard(e) < sCard(setAt(smallest))) smallest = i;
    }
    const base = setAt(smallest);
    itStart();
    while (itNext(base)) {
      let keep = true;
      for (let j = 0; j < n && keep; j++) {
        const o = setAt(j);
        if (o != base && !currentIn(base, o)) keep = false;
      }
      if (!keep) continue;
      pushCurrent(base);
      if (limit > 0 && <i64>itemCount >= limit) return;
    }
    return;
  }
  if (op == OP_UNION) {
    for (let i = 0; i < n; i++) {
      const e = setAt(i);
      if (e == 0) continue;
      itStart();
      while (itNext(e)) {
        let seen = false;
        for (let j = 0; j < i && !seen; j++) {
          const o = setAt(j);
          if (o != 0 && currentIn(e, o)) seen = true;
        }
        if (!seen) pushCurrent(e);
      }
    }
    return;
  }
  const first = setAt(0);
  if (first == 0) return;
  itStart();
  while (itNext(first)) {
    let out = false;
    for (let j = 1; j < n && !out; j++) {
      const o = setAt(j);
      if (o != 0 && currentIn(first, o)) out = true;
    }
    if (!out) pushCurrent(first);
  }
}

/** SINTER / SUNION / SDIFF key [key ...]: union and difference results of integers come sorted, as Redis's intset. */
function replyOp(op: i32): void {
  const n = argc - 1;
  if (!gather(1, n)) return;
  compute(op, n, 0);
  arrayHeader(REPLY, itemCount);
  if (op != OP_INTER && itemCount <= MAX_INTSET_ENTRIES && allIntegers()) {
    const values = itemsToSortedValues();
    for (let i: u32 = 0; i < itemCount; i++) bulk(REPLY, numBuf, writeI64(numBuf, load<i64>(values + ((<usize>i) << 3))));
    free(values, <usize>max<u32>(itemCount, 1) << 3);
  } else {
    for (let i: u32 = 0; i < itemCount; i++) replyItem(REPLY, i);
  }
  releaseItems();
}

/**
 * Whether Redis 7.0's SDIFFSTORE builds its result as a hash table whatever the result holds: when it picks
 * algorithm 2 (|first| * sets / 2 > the sets' total size, missing keys not counted) it copies the whole first
 * set into an intset and removes the others' members, and the copy converts for good on a non-integer member
 * or a 513th one, even if the survivors would fit an intset.
 */
function diffCopiesToTable(n: i32): bool {
  const first = setAt(0);
  if (first == 0) return false;
  const firstCard = <u64>sCard(first);
  let algoOne: u64 = 0;
  let algoTwo: u64 = 0;
  for (let j = 0; j < n; j++) {
    const e = setAt(j);
    if (e == 0) continue;
    algoOne += firstCard;
    algoTwo += <u64>sCard(e);
  }
  if (algoOne / 2 <= algoTwo) return false;
  if (!isTable(first)) return false;
  if (firstCard > <u64>MAX_INTSET_ENTRIES) return true;
  itStart();
  while (itNext(first)) if (!asInt(mPtr, mLen)) return true;
  return false;
}

/** *STORE destination key [key ...]: the result replaces the destination (any type, TTL dropped); empty deletes it. */
function storeOp(op: i32): void {
  const n = argc - 2;
  if (!gather(2, n)) return;
  compute(op, n, 0);
  const dp = argPtr(1);
  const dl = argLen(1);
  const count = itemCount;
  if (count == 0) {
    releaseItems();
    if (lookup(dp, dl) != 0) {
      deleteAt(foundSlot);
      effect(2, "DEL");
      effectArg(dp, dl);
    }
    integer(REPLY, 0);
    return;
  }
  const intset = count <= MAX_INTSET_ENTRIES && allIntegers() && !(op == OP_DIFF && diffCopiesToTable(n));
  let need: f64 = <f64>blockSize(HDR + 8 + <usize>dl + (intset ? (<usize>count << 3) : 12)) + 64;
  if (!intset) {
    need += <f64>((<u64>capFor(count)) << 3);
    for (let i: u32 = 0; i < count; i++) {
      need += <f64>blockSize(HDR + (itemIsValue(i) ? 20 : <usize>load<u32>(<usize>itemWord(i))));
    }
  }
  if (!fitsOrOom(need)) {
    releaseItems();
    return;
  }
  let ne: usize = 0;
  if (intset) {
    const values = itemsToSortedValues();
    ne = newEntry(dp, dl, count << 3, T_SET, -1, false);
    if (ne == 0) unreachable();
    setEncoding(ne, ENC_ALT);
    memory.copy(eVal(ne), values, (<usize>count) << 3);
    free(values, (<usize>count) << 3);
  } else {
    ne = newEntry(dp, dl, 12, T_SET, -1, false);
    if (ne == 0) unreachable();
    setEncoding(ne, ENC_FULL);
    const t = eVal(ne);
    tInit(t, count);
    for (let i: u32 = 0; i < count; i++) {
      const x = itemWord(i);
      if (itemIsValue(i)) tableAdd(t, numBuf, writeI64(numBuf, <i64>x));
      else tableAdd(t, <usize>x + HDR, load<u32>(<usize>x));
    }
  }
  releaseItems();
  lookup(dp, dl);
  if (!install(ne)) unreachable();
  integer(REPLY, count);
  logAsSent();
}

export function cmdSinter(): void {
  replyOp(OP_INTER);
}

export function cmdSunion(): void {
  replyOp(OP_UNION);
}

export function cmdSdiff(): void {
  replyOp(OP_DIFF);
}

export function cmdSinterstore(): void {
  storeOp(OP_INTER);
}

export function cmdSunionstore(): void {
  storeOp(OP_UNION);
}

export function cmdSdiffstore(): void {
  storeOp(OP_DIFF);
}

/** SINTERCARD numkeys key [key ...] [LIMIT limit]: the intersection's size, counting stops at limit (0 = none). */
export function cmdSintercard(): void {
  if (!parseI64(argPtr(1), argLen(1)) || parsedInt < 1) {
    error(REPLY, ERR_NUMKEYS);
    return;
  }
  const numkeys = parsedInt;
  if (numkeys > <i64>(argc - 2)) {
    error(REPLY, ERR_NUMKEYS_ARGS);
    return;
  }
  const n = <i32>numkeys;
  let limit: i64 = 0;
  for (let j = 2 + n; j < argc; j++) {
    if (argIs(argPtr(j), argLen(j), "limit") && j + 1 < argc) {
      j++;
      if (!parseI64(argPtr(j), argLen(j)) || parsedInt < 0) {
        error(REPLY, ERR_LIMIT_NEGATIVE);
        return;
      }
      limit = parsedInt;
    } else {
      error(REPLY, ERR_SYNTAX);
      return;
    }
  }
  if (!gather(2, n)) return;
  compute(OP_INTER, n, limit);
  integer(REPLY, itemCount);
  releaseItems();
}
