// Lists (Redis t_list.c): the single-key L* commands over the quicklist in quicklist.ts (the multi-key ones are
// in list-moves.ts). A list entry is always ENC_FULL in memory; its compact form is the payload (list-payload.ts).
import { fitsData } from "./alloc";
import { deleteAt, ENC_FULL, foundSlot, install, lookup, markDirty, newEntry, setEncoding, T_LIST } from "./db";
import {
  ERR_COUNT_NEGATIVE, ERR_INDEX_RANGE, ERR_MAXLEN_NEGATIVE, ERR_MUST_BE_POSITIVE, ERR_NO_SUCH_KEY, ERR_NOT_INTEGER, ERR_OOM,
  ERR_RANK_ZERO, ERR_SYNTAX, ERR_WRONGTYPE,
} from "./errors";
import { argIs, parseI64, parsedInt } from "./numbers";
import {
  arrayHeader, bulk, closeArray, deferArray, EFFECTS, error, integer, nil, ok, raw, REPLY, replyArityError,
} from "./out";
import {
  atNode, atOff, ELEM_OVERHEAD_MAX, elemLen, elemPtr, elemSizeAt, lCount, LIST_HEADER, qlDeleteAt, qlFirst, qlInit, qlInsertAt, qlLast,
  qlNext, qlPrev, qlPush, qlRemoveEnd, qlReplace, qlSeek, qlTidy, qlTrim, qlWriteBound,
} from "./quicklist";
import { argc, argLen, argPtr, cmdEnd, cmdStart } from "./request";
import { eType, eVal } from "./table";

/** Set when the key holds another type (the WRONGTYPE reply is already written). */
export let wrongType = false;

/** The list at argument i for reading (0 when absent); on another type replies WRONGTYPE and sets wrongType. */
export function readList(i: i32): usize {
  const e = lookup(argPtr(i), argLen(i));
  wrongType = e != 0 && eType(e) != T_LIST;
  if (wrongType) error(REPLY, ERR_WRONGTYPE);
  return wrongType ? 0 : e;
}

/** Creates an empty list at key (kp, kl) after its lookup; 0 when memory refuses. */
export function createList(kp: usize, kl: u32): usize {
  const e = newEntry(kp, kl, LIST_HEADER, T_LIST, -1, false);
  if (e == 0) return 0;
  setEncoding(e, ENC_FULL);
  qlInit(eVal(e));
  if (!install(e)) return 0;
  return e;
}

/** Whether a write adding `bytes` of elements (and maybe a new key) fits under maxmemory; replies OOM if not. */
export function fits(bytes: usize, elements: usize, kl: u32): bool {
  if (fitsData(qlWriteBound(bytes, elements) + <f64>(kl + 64))) return true;
  error(REPLY, ERR_OOM);
  return false;
}

/** What a write into the middle of a list may add besides its element: the node it splits off (one full node). */
const MIDDLE_WRITE: usize = 8192;

/** Deletes the list at key (kp, kl) when its last element is gone, as Redis does. */
export function deleteIfEmpty(e: usize, kp: usize, kl: u32): void {
  if (lCount(eVal(e)) != 0) return;
  lookup(kp, kl);
  deleteAt(foundSlot);
}

export function logAsSent(): void {
  raw(EFFECTS, cmdStart, <u32>(cmdEnd - cmdStart));
}

function pushGeneric(front: bool, onlyIfExists: bool): void {
  const kp = argPtr(1);
  const kl = argLen(1);
  let e = readList(1);
  if (wrongType) return;
  if (e == 0 && onlyIfExists) {
    integer(REPLY, 0);
    return;
  }
  let bytes: usize = 0;
  for (let i = 2; i < argc; i++) bytes += <usize>argLen(i) + ELEM_OVERHEAD_MAX;
  if (!fits(bytes, <usize>(argc - 2), kl)) return;
  if (e == 0) {
    e = createList(kp, kl);
    if (e == 0) {
      error(REPLY, ERR_OOM);
      return;
    }
  }
  const l = eVal(e);
  for (let i = 2; i < argc; i++) qlPush(l, argPtr(i), argLen(i), front);
  markDirty(e);
  integer(REPLY, lCount(l));
  logAsSent();
}

export function cmdLpush(): void { pushGeneric(true, false); }
export function cmdRpush(): void { pushGeneric(false, false); }
export function cmdLpushx(): void { pushGeneric(true, true); }
export function cmdRpushx(): void { pushGeneric(false, true); }

/** Writes the first (front) or last element as a bulk reply and removes it. */
export function popOne(l: usize, front: bool): void {
  if (front) qlFirst(l);
  else qlLast(l);
  bulk(REPLY, elemPtr(atNode, atOff), elemLen(atNode, atOff));
  qlRemoveEnd(l, front);
}

function popGeneric(front: bool): void {
  const hasCount = argc == 3;
  if (argc > 3) {
    replyArityError(front ? "lpop" : "rpop");
    return;
  }
  let count: i64 = 1;
  if (hasCount) {
    if (!parseI64(argPtr(2), argLen(2)) || parsedInt < 0) {
      error(REPLY, ERR_MUST_BE_POSITIVE);
      return;
    }
    count = parsedInt;
  }
  const e = readList(1);
  if (wrongType) return;
  if (e == 0) {
    if (hasCount) arrayHeader(REPLY, -1);
    else nil(REPLY);
    return;
  }
  if (hasCount && count == 0) {
    arrayHeader(REPLY, 0);
    return;
  }
  const l = eVal(e);
  if (hasCount) {
    const n = min(count, <i64>lCount(l));
    arrayHeader(REPLY, n);
    for (let i: i64 = 0; i < n; i++) popOne(l, front);
  } else popOne(l, front);
  markDirty(e);
  logAsSent();
  deleteIfEmpty(e, argPtr(1), argLen(1));
}

export function cmdLpop(): void { popGeneric(true); }
export function cmdRpop(): void { popGeneric(false); }

export function cmdLlen(): void {
  const e = readList(1);
  if (wrongType) return;
  integer(REPLY, e == 0 ? 0 : lCount(eVal(e)));
}

export function cmdLrange(): void {
  if (!parseI64(argPtr(2), argLen(2))) return error(REPLY, ERR_NOT_INTEGER);
  let start = parsedInt;
  if (!parseI64(argPtr(3), argLen(3))) return error(REPLY, ERR_NOT_INTEGER);
  let end = parsedInt;
  const e = readList(1);
  if (wrongType) return;
  if (e == 0) return arrayHeader(REPLY, 0);
  const l = eVal(e);
  const len = <i64>lCount(l);
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) return arrayHeader(REPLY, 0);
  if (end >= len) end = len - 1;
  const n = end - start + 1;
  arrayHeader(REPLY, n);
  qlSeek(l, <u32>start);
  for (let i: i64 = 0; i < n; i++) {
    bulk(REPLY, elemPtr(atNode, atOff), elemLen(atNode, atOff));
    if (i + 1 < n) qlNext();
  }
}

/** Normalises index (negative from the tail) against list l; false when out of range. */
function seekIndex(l: usize, index: i64): bool {
  const len = <i64>lCount(l);
  if (index < 0) index += len;
  if (index < 0 || index >= len) return false;
  qlSeek(l, <u32>index);
  return true;
}

export function cmdLindex(): void {
  const e = readList(1);
  if (wrongType) return;
  if (e == 0) return nil(REPLY);
  if (!parseI64(argPtr(2), argLen(2))) return error(REPLY, ERR_NOT_INTEGER);
  if (!seekIndex(eVal(e), parsedInt)) return nil(REPLY);
  bulk(REPLY, elemPtr(atNode, atOff), elemLen(atNode, atOff));
}

export function cmdLset(): void {
  const e = readList(1);
  if (wrongType) return;
  if (e == 0) return error(REPLY, ERR_NO_SUCH_KEY);
  if (!parseI64(argPtr(2), argLen(2))) return error(REPLY, ERR_NOT_INTEGER);
  const l = eVal(e);
  if (!seekIndex(l, parsedInt)) return error(REPLY, ERR_INDEX_RANGE);
  if (!fits(<usize>argLen(3) + ELEM_OVERHEAD_MAX + MIDDLE_WRITE, 1, 0)) return;
  const shorter = argLen(3) < elemLen(atNode, atOff);
  qlReplace(l, atNode, atOff, argPtr(3), argLen(3));
  if (shorter) qlTidy(l);
  markDirty(e);
  ok(REPLY);
  logAsSent();
}

// @ts-ignore: decorator
@inline function atEquals(p: usize, len: u32): bool {
  return elemLen(atNode, atOff) == len && memory.compare(elemPtr(atNode, atOff), p, len) == 0;
}

export function cmdLinsert(): void {
  let after = false;
  if (argIs(argPtr(2), argLen(2), "after")) after = true;
  else if (!argIs(argPtr(2), argLen(2), "before")) return error(REPLY, ERR_SYNTAX);
  const e = readList(1);
  if (wrongType) return;
  if (e == 0) return integer(REPLY, 0);
  const l = eVal(e);
  const pp = argPtr(3);
  const pl = argLen(3);
  qlFirst(l);
  while (!atEquals(pp, pl)) {
    if (!qlNext()) return integer(REPLY, -1);
  }
  if (!fits(<usize>argLen(4) + ELEM_OVERHEAD_MAX + MIDDLE_WRITE, 1, 0)) return;
  const n = atNode;
  const off = after ? atOff + elemSizeAt(atNode, atOff) : atOff;
  qlInsertAt(l, n, off, argPtr(4), argLen(4));
  markDirty(e);
  integer(REPLY, lCount(l));
  logAsSent();
}

export function cmdLrem(): void {
  if (!parseI64(argPtr(2), argLen(2))) return error(REPLY, ERR_NOT_INTEGER);
  const count = parsedInt;
  const e = readList(1);
  if (wrongType) return;
  if (e == 0) return integer(REPLY, 0);
  const l = eVal(e);
  const vp = argPtr(3);
  const vl = argLen(3);
  let removed: i64 = 0;
  // A count of i64.MIN_VALUE cannot be negated: it removes every match from the tail, like any huge count.
  const limit: i64 = count == 0 ? i64.MAX_VALUE : count < 0 ? (count == i64.MIN_VALUE ? i64.MAX_VALUE : -count) : count;
  if (count >= 0) {
    qlFirst(l);
    while (atNode != 0 && removed < limit) {
      if (atEquals(vp, vl)) {
        qlDeleteAt(l, atNode, atOff, false);
        removed++;
      } else qlNext();
    }
  } else {
    qlLast(l);
    while (atNode != 0 && removed < limit) {
      if (atEquals(vp, vl)) {
        const n = atNode;
        const off = atOff;
        const more = qlPrev();
        const pn = atNode;
        const po = atOff;
        qlDeleteAt(l, n, off, false);
        removed++;
        if (!more) break;
        // Elements before a deleted one keep their offsets (a freed node is never the previous one).
        atNode = pn;
        atOff = po;
      } else if (!qlPrev()) break;
    }
  }
  integer(REPLY, removed);
  if (removed > 0) {
    if (lCount(l) > 0) qlTidy(l);
    markDirty(e);
    logAsSent();
    deleteIfEmpty(e, argPtr(1), argLen(1));
  }
}

export function cmdLtrim(): void {
  if (!parseI64(argPtr(2), argLen(2))) return error(REPLY, ERR_NOT_INTEGER);
  let start = parsedInt;
  if (!parseI64(argPtr(3), argLen(3))) return error(REPLY, ERR_NOT_INTEGER);
  let end = parsedInt;
  const e = readList(1);
  if (wrongType) return;
  if (e == 0) return ok(REPLY);
  const l = eVal(e);
  const len = <i64>lCount(l);
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  let ltrim: i64 = 0;
  let rtrim: i64 = 0;
  if (start > end || start >= len) {
    ltrim = len;
  } else {
    if (end >= len) end = len - 1;
    ltrim = start;
    rtrim = len - end - 1;
  }
  ok(REPLY);
  if (ltrim + rtrim == 0) return;
  qlTrim(l, <u32>ltrim, true);
  if (rtrim > 0) qlTrim(l, <u32>rtrim, false);
  markDirty(e);
  logAsSent();
  deleteIfEmpty(e, argPtr(1), argLen(1));
}

export function cmdLpos(): void {
  let rank: i64 = 1;
  let count: i64 = -1;
  let maxlen: i64 = 0;
  for (let j = 3; j < argc; j++) {
    const more = j < argc - 1;
    if (more && argIs(argPtr(j), argLen(j), "rank")) {
      j++;
      if (!parseI64(argPtr(j), argLen(j))) return error(REPLY, ERR_NOT_INTEGER);
      rank = parsedInt;
      if (rank == 0) return error(REPLY, ERR_RANK_ZERO);
    } else if (more && argIs(argPtr(j), argLen(j), "count")) {
      j++;
      if (!parseI64(argPtr(j), argLen(j)) || parsedInt < 0) return error(REPLY, ERR_COUNT_NEGATIVE);
      count = parsedInt;
    } else if (more && argIs(argPtr(j), argLen(j), "maxlen")) {
      j++;
      if (!parseI64(argPtr(j), argLen(j)) || parsedInt < 0) return error(REPLY, ERR_MAXLEN_NEGATIVE);
      maxlen = parsedInt;
    } else return error(REPLY, ERR_SYNTAX);
  }
  const e = readList(1);
  if (wrongType) return;
  if (e == 0) {
    if (count != -1) arrayHeader(REPLY, 0);
    else nil(REPLY);
    return;
  }
  const l = eVal(e);
  const fromTail = rank < 0;
  // Redis negates the rank in a C long: -LONG_MIN stays negative, so every match counts and COUNT never stops it.
  let skip: i64 = fromTail ? (rank == i64.MIN_VALUE ? 0 : -rank - 1) : rank - 1;
  const unbounded = rank == i64.MIN_VALUE;
  const len = <i64>lCount(l);
  const vp = argPtr(2);
  const vl = argLen(2);
  let mark: u32 = 0;
  if (count != -1) mark = deferArray(REPLY);
  let found: i64 = 0;
  if (fromTail) qlLast(l);
  else qlFirst(l);
  for (let i: i64 = 0; atNode != 0 && (maxlen == 0 || i < maxlen); i++) {
    if (atEquals(vp, vl)) {
      if (skip > 0) skip--;
      else {
        const index = fromTail ? len - i - 1 : i;
        if (count == -1) return integer(REPLY, index);
        integer(REPLY, index);
        found++;
        if (count != 0 && found >= count && !unbounded) break;
      }
    }
    if (fromTail) qlPrev();
    else qlNext();
  }
  if (count == -1) nil(REPLY);
  else closeArray(REPLY, mark, found);
}
