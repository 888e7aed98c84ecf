// Sorted-set ranges (Redis's zrangeGenericCommand and friends): by rank, score and lex, forward and
// reverse, LIMIT, WITHSCORES, ZRANGESTORE, ZCOUNT, ZLEXCOUNT and ZREMRANGEBY{RANK,SCORE,LEX}.
// Every range resolves to a rank interval [first, end) of the set, then is emitted or removed.
import { deleteAt, foundSlot, lookup } from "./db";
import { parseRangeScore, parsedDouble } from "./double";
import {
  ERR_LIMIT_RANK, ERR_MINMAX_FLOAT, ERR_MINMAX_LEX, ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WITHSCORES_LEX,
} from "./errors";
import { argIs, parseI64, parsedInt } from "./numbers";
import { arrayHeader, bulk, EFFECTS, error, integer, raw, REPLY } from "./out";
import { argc, argLen, argPtr, cmdEnd, cmdStart } from "./request";
import {
  BELOW_MEMBER, BELOW_SCORE, deleteIfEmpty, ibCount, ibPush, ibRelease, ibReset, ibStore, itemLen, itemPtr, itemScore,
  MAX_COMPACT_ENTRIES, MAX_COMPACT_VALUE, NOT_ABOVE_MEMBER, NOT_ABOVE_SCORE, readZsetAt, replyScore, wrongType, zCountWhile,
  zItem, zLen, zRemoveRanks,
} from "./zset";

const BY_RANK = 0;
const BY_SCORE = 1;
const BY_LEX = 2;

// A parsed score range.
let minV: f64 = 0;
let minEx = false;
let maxV: f64 = 0;
let maxEx = false;

function parseScoreBound(i: i32, isMax: bool): bool {
  let p = argPtr(i);
  let l = argLen(i);
  let ex = false;
  if (l > 0 && load<u8>(p) == 0x28) {
    ex = true;
    p++;
    l--;
  }
  if (!parseRangeScore(p, l)) return false;
  if (isMax) {
    maxV = parsedDouble;
    maxEx = ex;
  } else {
    minV = parsedDouble;
    minEx = ex;
  }
  return true;
}

/** Redis's zslParseRange over arguments (minIdx, maxIdx). */
export function parseScoreRange(minIdx: i32, maxIdx: i32): bool {
  return parseScoreBound(minIdx, false) && parseScoreBound(maxIdx, true);
}

// A parsed lex range: kind 0 = bytes, 1 = "-" (below everything), 2 = "+" (above everything).
let lexMinKind = 0;
let lexMinP: usize = 0;
let lexMinL: u32 = 0;
let lexMinEx = false;
let lexMaxKind = 0;
let lexMaxP: usize = 0;
let lexMaxL: u32 = 0;
let lexMaxEx = false;
let lexKind = 0;
let lexP: usize = 0;
let lexL: u32 = 0;
let lexEx = false;

/** zslParseLexRangeItem: `+`, `-` (alone, or before a NUL byte), `(bytes` or `[bytes`. */
function parseLexItem(i: i32): bool {
  const p = argPtr(i);
  const l = argLen(i);
  if (l == 0) return false;
  const c = load<u8>(p);
  if (c == 0x2b || c == 0x2d) {
    if (l > 1 && load<u8>(p + 1) != 0) return false;
    lexKind = c == 0x2d ? 1 : 2;
    lexEx = true;
    return true;
  }
  if (c != 0x28 && c != 0x5b) return false;
  lexKind = 0;
  lexP = p + 1;
  lexL = l - 1;
  lexEx = c == 0x28;
  return true;
}

export function parseLexRange(minIdx: i32, maxIdx: i32): bool {
  if (!parseLexItem(minIdx)) return false;
  lexMinKind = lexKind;
  lexMinP = lexP;
  lexMinL = lexL;
  lexMinEx = lexEx;
  if (!parseLexItem(maxIdx)) return false;
  lexMaxKind = lexKind;
  lexMaxP = lexP;
  lexMaxL = lexL;
  lexMaxEx = lexEx;
  return true;
}

/** The rank interval [rangeFirst, rangeEnd) of the last parsed score or lex range in e. */
let rangeFirst: u32 = 0;
let rangeEnd: u32 = 0;

function scoreInterval(e: usize): void {
  // The end first: the start's boundary node is then the one zItem continues from.
  rangeEnd = zCountWhile(e, maxEx ? BELOW_SCORE : NOT_ABOVE_SCORE, maxV, 0, 0);
  rangeFirst = zCountWhile(e, minEx ? NOT_ABOVE_SCORE : BELOW_SCORE, minV, 0, 0);
  if (rangeEnd < rangeFirst) rangeEnd = rangeFirst;
}

function lexInterval(e: usize): void {
  const len = zLen(e);
  if (lexMinKind == 1) rangeFirst = 0;
  else if (lexMinKind == 2) rangeFirst = len;
  else rangeFirst = zCountWhile(e, lexMinEx ? NOT_ABOVE_MEMBER : BELOW_MEMBER, 0, lexMinP, lexMinL);
  if (lexMaxKind == 1) rangeEnd = 0;
  else if (lexMaxKind == 2) rangeEnd = len;
  else rangeEnd = zCountWhile(e, lexMaxEx ? BELOW_MEMBER : NOT_ABOVE_MEMBER, 0, lexMaxP, lexMaxL);
  if (rangeEnd < rangeFirst) rangeEnd = rangeFirst;
}

/** Redis's rank clamp: sets rangeFirst/rangeEnd for start..end (negative from the end). */
function rankInterval(e: usize, start: i64, end: i64): void {
  const len = <i64>zLen(e);
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) {
    rangeFirst = 0;
    rangeEnd = 0;
    return;
  }
  if (end >= len) end = len - 1;
  rangeFirst = <u32>start;
  rangeEnd = <u32>(end + 1);
}

function logAsSent(): void {
  raw(EFFECTS, cmdStart, <u32>(cmdEnd - cmdStart));
}

/**
 * zrangeGenericCommand: `first` is the source key's argument, store when it is ZRANGESTORE (destination
 * at first - 1); type and reverse are fixed by the command or left to the options (-1).
 */
function rangeGeneric(first: i32, store: bool, type: i32, reverse: i32): void {
  let withScores = false;
  let offset: i64 = 0;
  let limit: i64 = -1;
  for (let j = first + 3; j < argc; j++) {
    const p = argPtr(j);
    const l = argLen(j);
    const left = argc - j - 1;
    if (!store && argIs(p, l, "withscores")) withScores = true;
    else if (argIs(p, l, "limit") && left >= 2) {
      if (!parseI64(argPtr(j + 1), argLen(j + 1))) {
        error(REPLY, ERR_NOT_INTEGER);
        return;
      }
      offset = parsedInt;
      if (!parseI64(argPtr(j + 2), argLen(j + 2))) {
        error(REPLY, ERR_NOT_INTEGER);
        return;
      }
      limit = parsedInt;
      j += 2;
    } else if (reverse < 0 && argIs(p, l, "rev")) reverse = 1;
    else if (type < 0 && argIs(p, l, "bylex")) type = BY_LEX;
    else if (type < 0 && argIs(p, l, "byscore")) type = BY_SCORE;
    else {
      error(REPLY, ERR_SYNTAX);
      return;
    }
  }
  if (reverse < 0) reverse = 0;
  if (type < 0) type = BY_RANK;
  if (limit != -1 && type == BY_RANK) {
    error(REPLY, ERR_LIMIT_RANK);
    return;
  }
  if (withScores && type == BY_LEX) {
    error(REPLY, ERR_WITHSCORES_LEX);
    return;
  }
  let minIdx = first + 1;
  let maxIdx = first + 2;
  if (reverse && type != BY_RANK) {
    minIdx = first + 2;
    maxIdx = first + 1;
  }
  let start: i64 = 0;
  let end: i64 = 0;
  if (type == BY_RANK) {
    if (!parseI64(argPtr(minIdx), argLen(minIdx))) {
      error(REPLY, ERR_NOT_INTEGER);
      return;
    }
    start = parsedInt;
    if (!parseI64(argPtr(maxIdx), argLen(maxIdx))) {
      error(REPLY, ERR_NOT_INTEGER);
      return;
    }
    end = parsedInt;
  } else if (type == BY_SCORE) {
    if (!parseScoreRange(minIdx, maxIdx)) {
      error(REPLY, ERR_MINMAX_FLOAT);
      return;
    }
  } else if (!parseLexRange(minIdx, maxIdx)) {
    error(REPLY, ERR_MINMAX_LEX);
    return;
  }
  const e = readZsetAt(argPtr(first), argLen(first));
  if (wrongType) return;
  if (e == 0) {
    if (store) storeResult(first - 1, 0);
    else arrayHeader(REPLY, 0);
    return;
  }
  if (type == BY_RANK) rankInterval(e, start, end);
  else if (type == BY_SCORE) scoreInterval(e);
  else lexInterval(e);
  // LIMIT: a negative offset empties the range (Redis skips past the end); a negative limit is no limit.
  let count: i64 = <i64>rangeEnd - <i64>rangeFirst;
  if (type != BY_RANK) {
    if (offset < 0 || offset >= count) count = 0;
    else {
      count -= offset;
      if (limit >= 0 && limit < count) count = limit;
    }
  } else offset = 0;
  if (store) {
    ibReset();
    // Redis 7.0 fills the destination as a listpack in emission order until the 129th item or one over 64
    // bytes converts it: items before that point lose a zero's sign, as any listpack score does.
    let cut: i64 = 0;
    while (cut < count && cut < <i64>MAX_COMPACT_ENTRIES) {
      zItem(e, itemRank(e, type, reverse != 0, offset, cut));
      if (itemLen > MAX_COMPACT_VALUE) break;
      cut++;
    }
    // The destination is a set: push in ascending order whatever the direction.
    for (let i: i64 = 0; i < count; i++) {
      const k = reverse ? count - 1 - i : i;
      zItem(e, itemRank(e, type, reverse != 0, offset, k));
      ibPush(k < cut && itemScore == 0 ? 0 : itemScore, itemPtr, itemLen);
    }
    storeResult(first - 1, ibCount());
    return;
  }
  arrayHeader(REPLY, withScores ? count * 2 : count);
  for (let k: i64 = 0; k < count; k++) {
    zItem(e, itemRank(e, type, reverse != 0, offset, k));
    bulk(REPLY, itemPtr, itemLen);
    if (withScores) replyScore(itemScore);
  }
}

/**
 * The rank of the k-th item emitted. A reverse rank range counts its start and end from the top; a
 * reverse score or lex range walks its interval down from the end.
 */
function itemRank(e: usize, type: i32, reverse: bool, offset: i64, k: i64): u32 {
  if (!reverse) return <u32>(<i64>rangeFirst + offset + k);
  if (type == BY_RANK) return zLen(e) - 1 - <u32>(<i64>rangeFirst + k);
  return <u32>(<i64>rangeEnd - 1 - offset - k);
}

/** Replaces the destination (argument dst) with the item buffer (n items), replies n, logs as sent. */
function storeResult(dst: i32, n: u32): void {
  storeItems(dst, n);
  ibRelease();
}

function storeItems(dst: i32, n: u32): void {
  const kp = argPtr(dst);
  const kl = argLen(dst);
  const existed = lookup(kp, kl) != 0;
  if (n == 0) {
    if (existed) deleteAt(foundSlot);
    integer(REPLY, 0);
    if (existed) logAsSent();
    return;
  }
  if (!ibStore(kp, kl)) return; // OOM replied, destination untouched
  integer(REPLY, n);
  logAsSent();
}

export function cmdZrange(): void {
  rangeGeneric(1, false, -1, -1);
}
export function cmdZrangestore(): void {
  rangeGeneric(2, true, -1, -1);
}
export function cmdZrevrange(): void {
  rangeGeneric(1, false, BY_RANK, 1);
}
export function cmdZrangebyscore(): void {
  rangeGeneric(1, false, BY_SCORE, 0);
}
export function cmdZrevrangebyscore(): void {
  rangeGeneric(1, false, BY_SCORE, 1);
}
export function cmdZrangebylex(): void {
  rangeGeneric(1, false, BY_LEX, 0);
}
export function cmdZrevrangebylex(): void {
  rangeGeneric(1, false, BY_LEX, 1);
}

export function cmdZcount(): void {
  if (!parseScoreRange(2, 3)) {
    error(REPLY, ERR_MINMAX_FLOAT);
    return;
  }
  const e = readZsetAt(argPtr(1), argLen(1));
  if (wrongType) return;
  if (e == 0) {
    integer(REPLY, 0);
    return;
  }
  scoreInterval(e);
  integer(REPLY, rangeEnd - rangeFirst);
}

export function cmdZlexcount(): void {
  if (!parseLexRange(2, 3)) {
    error(REPLY, ERR_MINMAX_LEX);
    return;
  }
  const e = readZsetAt(argPtr(1), argLen(1));
  if (wrongType) return;
  if (e == 0) {
    integer(REPLY, 0);
    return;
  }
  lexInterval(e);
  integer(REPLY, rangeEnd - rangeFirst);
}

function removeRangeGeneric(type: i32): void {
  let start: i64 = 0;
  let end: i64 = 0;
  if (type == BY_RANK) {
    if (!parseI64(argPtr(2), argLen(2))) {
      error(REPLY, ERR_NOT_INTEGER);
      return;
    }
    start = parsedInt;
    if (!parseI64(argPtr(3), argLen(3))) {
      error(REPLY, ERR_NOT_INTEGER);
      return;
    }
    end = parsedInt;
  } else if (type == BY_SCORE) {
    if (!parseScoreRange(2, 3)) {
      error(REPLY, ERR_MINMAX_FLOAT);
      return;
    }
  } else if (!parseLexRange(2, 3)) {
    error(REPLY, ERR_MINMAX_LEX);
    return;
  }
  let e = readZsetAt(argPtr(1), argLen(1));
  if (wrongType) return;
  if (e == 0) {
    integer(REPLY, 0);
    return;
  }
  if (type == BY_RANK) rankInterval(e, start, end);
  else if (type == BY_SCORE) scoreInterval(e);
  else lexInterval(e);
  const n = rangeEnd - rangeFirst;
  if (n > 0) {
    e = zRemoveRanks(e, rangeFirst, rangeEnd - 1);
    deleteIfEmpty(e);
  }
  integer(REPLY, n);
  if (n > 0) logAsSent();
}

export function cmdZremrangebyrank(): void {
  removeRangeGeneric(BY_RANK);
}
export function cmdZremrangebyscore(): void {
  removeRangeGeneric(BY_SCORE);
}
export function cmdZremrangebylex(): void {
  removeRangeGeneric(BY_LEX);
}
