// Multi-key sorted-set commands (Redis's zunionInterDiffGenericCommand and zmpop): ZUNION ZINTER ZDIFF,
// their STORE forms, ZINTERCARD (WEIGHTS, AGGREGATE SUM|MIN|MAX, WITHSCORES, LIMIT) and ZMPOP.
// Results are accumulated in a scratch skiplist (ordered, with a member index) before anything is written.
import { deleteAt, foundSlot, lookup, T_SET, T_ZSET } from "./db";
import { parseScore, parsedDouble } from "./double";
import {
  ERR_NOT_INTEGER, ERR_NUMKEYS_ZERO_PREFIX, ERR_SYNTAX, ERR_TIMEOUT_COUNT, ERR_WEIGHT_FLOAT, ERR_WRONGTYPE,
} from "./errors";
import { argIs, parseI64, parsedInt } from "./numbers";
import { advance, arrayHeader, ascii, bulk, crlf, EFFECTS, error, integer, raw, reserve, REPLY } from "./out";
import { argc, argLen, argPtr, cmdEnd, cmdStart } from "./request";
import { nMember, nMemberLen, nNext, nScore, zsCreate, zsFind, zsFirst, zsFree, zsInsert, zsLength, zsUpdateScore } from "./skiplist";
import { itNext, itStart, mLen, mPtr, sCard, sHas } from "./set";
import { eType } from "./table";
import { ibPush, ibRelease, ibReset, ibStore, itemLen, itemPtr, itemScore, replyScore, zItem, zLen, zOpen, zScoreOf } from "./zset";
import { popInto, setPopKey } from "./zset-commands";

const OP_UNION = 0;
const OP_INTER = 1;
const OP_DIFF = 2;
const AGG_SUM = 0;
const AGG_MIN = 1;
const AGG_MAX = 2;

// Inputs: [u32 entry (0 = missing)][u32 length][f64 weight] per key, sorted by length for union/inter.
const MAX_INPUTS = 4096;
const SRC = memory.data(MAX_INPUTS * 16);

// @ts-ignore: decorator
@inline function srcEntry(i: i32): usize {
  return <usize>load<u32>(SRC + (<usize>i << 4));
}
// @ts-ignore: decorator
@inline function srcWeight(i: i32): f64 {
  return load<f64>(SRC + (<usize>i << 4), 8);
}

// Inputs may be sets too, as in Redis: every member of a set scores 1 (times its weight).

/** Set by inputHas: the member's score in that input. */
let inputScore: f64 = 0;

function inputHas(e: usize, p: usize, l: u32): bool {
  if (eType(e) == T_SET) {
    inputScore = 1;
    return sHas(e, p, l);
  }
  if (!zScoreOf(e, p, l)) return false;
  inputScore = itemScore;
  return true;
}

// A walk over one input's members: walkStart, then walkNext until false (member in walkPtr/walkLen, score in walkScore).
let walkPos: u32 = 0;
let walkPtr: usize = 0;
let walkLen: u32 = 0;
let walkScore: f64 = 0;

function walkStart(e: usize): void {
  walkPos = 0;
  if (eType(e) == T_SET) itStart();
  else zOpen(e);
}

function walkNext(e: usize): bool {
  if (eType(e) == T_SET) {
    if (!itNext(e)) return false;
    walkPtr = mPtr;
    walkLen = mLen;
    walkScore = 1;
    return true;
  }
  if (walkPos >= zLen(e)) return false;
  zItem(e, walkPos++);
  walkPtr = itemPtr;
  walkLen = itemLen;
  walkScore = itemScore;
  return true;
}

function aggregate(target: f64, val: f64, agg: i32): f64 {
  if (agg == AGG_SUM) {
    const t = target + val;
    // inf + -inf is NaN: Redis keeps 0 by convention.
    return isNaN(t) ? 0 : t;
  }
  if (agg == AGG_MIN) return val < target ? val : target;
  return val > target ? val : target;
}

/** The command's name (lowercase) for "at least 1 input key is needed for '<name>' command". */
function replyNumkeysError(): void {
  const d = reserve(REPLY, 1);
  store<u8>(d, 0x2d);
  advance(REPLY, 1);
  ascii(REPLY, ERR_NUMKEYS_ZERO_PREFIX);
  const p = argPtr(0);
  const l = argLen(0);
  const o = reserve(REPLY, l);
  for (let i: u32 = 0; i < l; i++) {
    let c = load<u8>(p + i);
    if (c >= 0x41 && c <= 0x5a) c += 32;
    store<u8>(o + i, c);
  }
  advance(REPLY, l);
  ascii(REPLY, "' command");
  crlf(REPLY);
}

/**
 * zunionInterDiffGenericCommand: dst is the destination's argument (-1 for none), numkeys at numIdx,
 * cardOnly for ZINTERCARD.
 */
function algebra(dst: i32, numIdx: i32, op: i32, cardOnly: bool): void {
  if (!parseI64(argPtr(numIdx), argLen(numIdx))) {
    error(REPLY, ERR_NOT_INTEGER);
    return;
  }
  const setnum = parsedInt;
  if (setnum < 1) {
    replyNumkeysError();
    return;
  }
  if (setnum > <i64>(argc - (numIdx + 1))) {
    error(REPLY, ERR_SYNTAX);
    return;
  }
  const n = <i32>setnum;
  if (n > MAX_INPUTS) {
    error(REPLY, ERR_SYNTAX);
    return;
  }
  let j = numIdx + 1;
  for (let i = 0; i < n; i++, j++) {
    const e = lookup(argPtr(j), argLen(j));
    if (e != 0 && eType(e) != T_ZSET && eType(e) != T_SET) {
      error(REPLY, ERR_WRONGTYPE);
      return;
    }
    store<u32>(SRC + (<usize>i << 4), <u32>e);
    store<u32>(SRC + (<usize>i << 4), e == 0 ? 0 : eType(e) == T_SET ? sCard(e) : zLen(e), 4);
    store<f64>(SRC + (<usize>i << 4), 1.0, 8);
  }
  let agg = AGG_SUM;
  let withScores = false;
  let limit: i64 = 0;
  while (j < argc) {
    const remaining = argc - j;
    const p = argPtr(j);
    const l = argLen(j);
    if (op != OP_DIFF && !cardOnly && remaining >= n + 1 && argIs(p, l, "weights")) {
      j++;
      for (let i = 0; i < n; i++, j++) {
        if (!parseScore(argPtr(j), argLen(j))) {
          error(REPLY, ERR_WEIGHT_FLOAT);
          return;
        }
        store<f64>(SRC + (<usize>i << 4), parsedDouble, 8);
      }
    } else if (op != OP_DIFF && !cardOnly && remaining >= 2 && argIs(p, l, "aggregate")) {
      const a = argPtr(j + 1);
      const al = argLen(j + 1);
      if (argIs(a, al, "sum")) agg = AGG_SUM;
      else if (argIs(a, al, "min")) agg = AGG_MIN;
      else if (argIs(a, al, "max")) agg = AGG_MAX;
      else {
        error(REPLY, ERR_SYNTAX);
        return;
      }
      j += 2;
    } else if (dst < 0 && !cardOnly && argIs(p, l, "withscores")) {
      withScores = true;
      j++;
    } else if (cardOnly && remaining >= 2 && argIs(p, l, "limit")) {
      if (!parseI64(argPtr(j + 1), argLen(j + 1)) || parsedInt < 0) {
        error(REPLY, "ERR LIMIT can't be negative");
        return;
      }
      limit = parsedInt;
      j += 2;
    } else {
      error(REPLY, ERR_SYNTAX);
      return;
    }
  }
  // Smallest input first (a stable sort, as glibc's merge-sort qsort), except for DIFF's first set.
  if (op != OP_DIFF) sortInputs(n);
  const acc = zsCreate();
  if (acc == 0) unreachable();
  let card: i64 = 0;
  if (op == OP_UNION) {
    for (let i = 0; i < n; i++) {
      const e = srcEntry(i);
      if (e == 0) continue;
      const w = srcWeight(i);
      walkStart(e);
      while (walkNext(e)) {
        let score = w * walkScore;
        if (isNaN(score)) score = 0;
        const node = zsFind(acc, walkPtr, walkLen);
        if (node == 0) zsInsert(acc, score, walkPtr, walkLen);
        else zsUpdateScore(acc, node, aggregate(nScore(node), score, agg));
      }
    }
  } else if (op == OP_INTER) {
    const e0 = srcEntry(0);
    if (e0 != 0) {
      const w0 = srcWeight(0);
      walkStart(e0);
      while (walkNext(e0)) {
        const mp = walkPtr;
        const ml = walkLen;
        let score = w0 * walkScore;
        if (isNaN(score)) score = 0;
        let k = 1;
        for (; k < n; k++) {
          const ek = srcEntry(k);
          if (ek == 0 || !inputHas(ek, mp, ml)) break;
          score = aggregate(score, inputScore * srcWeight(k), agg);
        }
        if (k < n) continue;
        if (cardOnly) {
          card++;
          if (limit != 0 && card >= limit) break;
        } else zsInsert(acc, score, mp, ml);
      }
    }
  } else {
    const e0 = srcEntry(0);
    if (e0 != 0) {
      walkStart(e0);
      while (walkNext(e0)) {
        const mp = walkPtr;
        const ml = walkLen;
        const s0 = walkScore;
        let k = 1;
        for (; k < n; k++) {
          const ek = srcEntry(k);
          if (ek != 0 && inputHas(ek, mp, ml)) break;
        }
        if (k == n) zsInsert(acc, s0, mp, ml);
      }
    }
  }
  if (cardOnly) {
    integer(REPLY, card);
    zsFree(acc);
    return;
  }
  if (dst < 0) {
    const len = <i64>zsLength(acc);
    arrayHeader(REPLY, withScores ? len * 2 : len);
    for (let node = zsFirst(acc); node != 0; node = nNext(node)) {
      bulk(REPLY, nMember(node), nMemberLen(node));
      if (withScores) replyScore(nScore(node));
    }
    zsFree(acc);
    return;
  }
  // STORE: the destination is replaced (its TTL dropped), or deleted when the result is empty.
  ibReset();
  for (let node = zsFirst(acc); node != 0; node = nNext(node)) ibPush(nScore(node), nMember(node), nMemberLen(node));
  const count = zsLength(acc);
  zsFree(acc);
  storeAlgebra(dst, count);
  ibRelease();
}

function storeAlgebra(dst: i32, count: u32): void {
  const kp = argPtr(dst);
  const kl = argLen(dst);
  if (count == 0) {
    const existed = lookup(kp, kl) != 0;
    if (existed) deleteAt(foundSlot);
    integer(REPLY, 0);
    if (existed) raw(EFFECTS, cmdStart, <u32>(cmdEnd - cmdStart));
    return;
  }
  if (!ibStore(kp, kl)) return;
  integer(REPLY, count);
  raw(EFFECTS, cmdStart, <u32>(cmdEnd - cmdStart));
}

/** Insertion sort of the inputs by length (stable; inputs are few). */
function sortInputs(n: i32): void {
  const tmp = memory.data(16);
  for (let i = 1; i < n; i++) {
    memory.copy(tmp, SRC + (<usize>i << 4), 16);
    const len = load<u32>(tmp, 4);
    let k = i - 1;
    while (k >= 0 && load<u32>(SRC + (<usize>k << 4), 4) > len) {
      memory.copy(SRC + (<usize>(k + 1) << 4), SRC + (<usize>k << 4), 16);
      k--;
    }
    memory.copy(SRC + (<usize>(k + 1) << 4), tmp, 16);
  }
}

export function cmdZunion(): void {
  algebra(-1, 1, OP_UNION, false);
}
export function cmdZinter(): void {
  algebra(-1, 1, OP_INTER, false);
}
export function cmdZdiff(): void {
  algebra(-1, 1, OP_DIFF, false);
}
export function cmdZunionstore(): void {
  algebra(1, 2, OP_UNION, false);
}
export function cmdZinterstore(): void {
  algebra(1, 2, OP_INTER, false);
}
export function cmdZdiffstore(): void {
  algebra(1, 2, OP_DIFF, false);
}
export function cmdZintercard(): void {
  algebra(-1, 1, OP_INTER, true);
}

/** ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]: pops from the first non-empty set, logged as ZREM. */
export function cmdZmpop(): void {
  if (!parseI64(argPtr(1), argLen(1)) || parsedInt < 1) {
    error(REPLY, "ERR numkeys should be greater than 0");
    return;
  }
  const numkeys = parsedInt;
  const whereIdx64 = 1 + numkeys + 1;
  if (whereIdx64 >= <i64>argc) {
    error(REPLY, ERR_SYNTAX);
    return;
  }
  const whereIdx = <i32>whereIdx64;
  let max = false;
  if (argIs(argPtr(whereIdx), argLen(whereIdx), "max")) max = true;
  else if (!argIs(argPtr(whereIdx), argLen(whereIdx), "min")) {
    error(REPLY, ERR_SYNTAX);
    return;
  }
  let count: i64 = -1;
  for (let j = whereIdx + 1; j < argc; j++) {
    const more = argc - 1 - j;
    if (count == -1 && argIs(argPtr(j), argLen(j), "count") && more > 0) {
      j++;
      if (!parseI64(argPtr(j), argLen(j)) || parsedInt < 1) {
        error(REPLY, ERR_TIMEOUT_COUNT);
        return;
      }
      count = parsedInt;
    } else {
      error(REPLY, ERR_SYNTAX);
      return;
    }
  }
  if (count == -1) count = 1;
  for (let i = 2; i < whereIdx; i++) {
    const e = lookup(argPtr(i), argLen(i));
    if (e == 0) continue;
    if (eType(e) != T_ZSET) {
      error(REPLY, ERR_WRONGTYPE);
      return;
    }
    zOpen(e);
    arrayHeader(REPLY, 2);
    bulk(REPLY, argPtr(i), argLen(i));
    setPopKey(argPtr(i), argLen(i));
    popInto(e, max, count, false);
    return;
  }
  // A null array in RESP2.
  const d = reserve(REPLY, 5);
  store<u32>(d, 0x0d312d2a); // "*-1\r"
  store<u8>(d + 4, 0x0a);
  advance(REPLY, 5);
}
