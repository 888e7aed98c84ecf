// Sorted-set commands on single members (Redis t_zset.c): ZADD ZINCRBY ZREM ZCARD ZSCORE ZMSCORE ZRANK
// ZREVRANK ZPOPMIN ZPOPMAX. Ranges live in zset-range.ts, ZRANDMEMBER/ZSCAN in zset-scan.ts, set algebra in zset-ops.ts.
import { effect, effectArg } from "./db";
import { formatScore, parseScore, parsedDouble } from "./double";
import {
  ERR_NOT_FLOAT, ERR_SYNTAX, ERR_ZADD_INCR_PAIR, ERR_ZADD_NX_XX, ERR_ZADD_GT_LT_NX, ERR_ZSCORE_NAN, ERR_POSITIVE, ERR_OOM,
} from "./errors";
import { argIs, parseI64, parsedInt } from "./numbers";
import { arrayHeader, bulk, EFFECTS, error, integer, nil, raw, REPLY } from "./out";
import { argc, argLen, argPtr, cmdEnd, cmdStart } from "./request";
import {
  addBound, deleteIfEmpty, itemLen, itemPtr, itemScore, MAX_COMPACT_VALUE, readZsetAt, removed, replyScore, reserveData,
  wrongType, zCreate, zInsert, zItem, zLen, zRankOf, zRemove, zRemoveRanks, zScoreOf, zSetScore,
} from "./zset";

function readZset(): usize {
  return readZsetAt(argPtr(1), argLen(1));
}

function logAsSent(): void {
  raw(EFFECTS, cmdStart, <u32>(cmdEnd - cmdStart));
}

const F_NX = 1;
const F_XX = 2;
const F_GT = 4;
const F_LT = 8;
const F_CH = 16;
const F_INCR = 32;

const scoreText = memory.data(40);

/** ZADD's core for one member (Redis's zsetAdd); results in these. */
let outAdded = false;
let outUpdated = false;
let outNop = false;
let outNan = false;
let outScore: f64 = 0;

function zaddOne(e: usize, flags: i32, score: f64, mp: usize, ml: u32): usize {
  outAdded = false;
  outUpdated = false;
  outNop = false;
  outNan = false;
  if (zScoreOf(e, mp, ml)) {
    const cur = itemScore;
    if (flags & F_NX) {
      outNop = true;
      return e;
    }
    if (flags & F_INCR) {
      score += cur;
      if (isNaN(score)) {
        outNan = true;
        return e;
      }
    }
    outScore = score;
    if (((flags & F_LT) && score >= cur) || ((flags & F_GT) && score <= cur)) {
      outNop = true;
      return e;
    }
    if (score != cur) {
      e = zSetScore(e, mp, ml, score);
      outUpdated = true;
    }
    return e;
  }
  if (flags & F_XX) {
    outNop = true;
    return e;
  }
  outScore = score;
  outAdded = true;
  return zInsert(e, score, mp, ml);
}

const SCORES_MAX = 4096;
const SCORES = memory.data(SCORES_MAX * 8);

/** ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...] */
export function cmdZadd(): void {
  let i = 2;
  let flags = 0;
  for (; i < argc; i++) {
    const p = argPtr(i);
    const l = argLen(i);
    if (argIs(p, l, "nx")) flags |= F_NX;
    else if (argIs(p, l, "xx")) flags |= F_XX;
    else if (argIs(p, l, "gt")) flags |= F_GT;
    else if (argIs(p, l, "lt")) flags |= F_LT;
    else if (argIs(p, l, "ch")) flags |= F_CH;
    else if (argIs(p, l, "incr")) flags |= F_INCR;
    else break;
  }
  zaddGeneric(i, flags);
}

function zaddGeneric(first: i32, flags: i32): void {
  const elements = argc - first;
  if (elements == 0 || elements % 2 != 0) {
    error(REPLY, ERR_SYNTAX);
    return;
  }
  const pairs = elements >> 1;
  if ((flags & F_NX) && (flags & F_XX)) {
    error(REPLY, ERR_ZADD_NX_XX);
    return;
  }
  if (((flags & F_GT) && (flags & F_NX)) || ((flags & F_LT) && (flags & F_NX)) || ((flags & F_GT) && (flags & F_LT))) {
    error(REPLY, ERR_ZADD_GT_LT_NX);
    return;
  }
  if ((flags & F_INCR) && pairs > 1) {
    error(REPLY, ERR_ZADD_INCR_PAIR);
    return;
  }
  // Every score is checked before anything changes; past SCORES_MAX pairs they are parsed twice.
  let memberBytes: usize = 0;
  for (let j = 0; j < pairs; j++) {
    if (!parseScore(argPtr(first + 2 * j), argLen(first + 2 * j))) {
      error(REPLY, ERR_NOT_FLOAT);
      return;
    }
    if (j < SCORES_MAX) store<f64>(SCORES + (<usize>j << 3), parsedDouble);
    const ml = argLen(first + 2 * j + 1);
    memberBytes += ml;
  }
  const kp = argPtr(1);
  const kl = argLen(1);
  let e = readZset();
  if (wrongType) return;
  if (e == 0 && (flags & F_XX)) {
    if (flags & F_INCR) nil(REPLY);
    else integer(REPLY, 0);
    return;
  }
  if (!reserveData(addBound(e, kl, <u32>pairs, memberBytes))) return;
  if (e == 0) {
    // Redis 7.0 starts a new set as a skiplist only when its first member is past the listpack limit.
    e = zCreate(kp, kl, argLen(first + 1) > MAX_COMPACT_VALUE);
    if (e == 0) {
      error(REPLY, ERR_OOM);
      return;
    }
  }
  let added: i64 = 0;
  let updated: i64 = 0;
  let processed: i64 = 0;
  let score: f64 = 0;
  for (let j = 0; j < pairs; j++) {
    let s: f64;
    if (j < SCORES_MAX) s = load<f64>(SCORES + (<usize>j << 3));
    else {
      parseScore(argPtr(first + 2 * j), argLen(first + 2 * j));
      s = parsedDouble;
    }
    e = zaddOne(e, flags, s, argPtr(first + 2 * j + 1), argLen(first + 2 * j + 1));
    if (outNan) {
      error(REPLY, ERR_ZSCORE_NAN);
      deleteIfEmpty(e);
      return;
    }
    if (outAdded) added++;
    if (outUpdated) updated++;
    if (!outNop) processed++;
    score = outScore;
  }
  if (flags & F_INCR) {
    if (processed > 0) replyScore(score);
    else nil(REPLY);
  } else integer(REPLY, (flags & F_CH) ? added + updated : added);
  if (deleteIfEmpty(e)) return;
  if (added + updated == 0) return;
  if (flags & F_INCR) logZadd(score, argPtr(first + 1), argLen(first + 1));
  else logAsSent();
}

/** `ZADD key score member` with the exact resulting score, so replay never re-adds. */
function logZadd(score: f64, mp: usize, ml: u32): void {
  effect(4, "ZADD");
  effectArg(argPtr(1), argLen(1));
  effectArg(scoreText, formatScore(score, scoreText));
  effectArg(mp, ml);
}

/** ZINCRBY key increment member: ZADD INCR with one pair. */
export function cmdZincrby(): void {
  zaddGeneric(2, F_INCR);
}

export function cmdZrem(): void {
  let e = readZset();
  if (wrongType) return;
  let n: i64 = 0;
  if (e != 0) {
    for (let i = 2; i < argc; i++) {
      e = zRemove(e, argPtr(i), argLen(i));
      if (removed) n++;
      if (zLen(e) == 0) break;
    }
    deleteIfEmpty(e);
  }
  integer(REPLY, n);
  if (n > 0) logAsSent();
}

export function cmdZcard(): void {
  const e = readZset();
  if (wrongType) return;
  integer(REPLY, e == 0 ? 0 : zLen(e));
}

export function cmdZscore(): void {
  const e = readZset();
  if (wrongType) return;
  if (e == 0 || !zScoreOf(e, argPtr(2), argLen(2))) nil(REPLY);
  else replyScore(itemScore);
}

export function cmdZmscore(): void {
  const e = readZset();
  if (wrongType) return;
  arrayHeader(REPLY, argc - 2);
  for (let i = 2; i < argc; i++) {
    if (e == 0 || !zScoreOf(e, argPtr(i), argLen(i))) nil(REPLY);
    else replyScore(itemScore);
  }
}

function rankGeneric(reverse: bool): void {
  const e = readZset();
  if (wrongType) return;
  const r = e == 0 ? -1 : zRankOf(e, argPtr(2), argLen(2));
  if (r < 0) nil(REPLY);
  else integer(REPLY, reverse ? <i64>zLen(e) - 1 - r : r);
}

export function cmdZrank(): void {
  rankGeneric(false);
}

export function cmdZrevrank(): void {
  rankGeneric(true);
}

/** ZPOPMIN/ZPOPMAX key [count]: logged as the ZREM of what was popped. */
function popGeneric(max: bool): void {
  let count: i64 = 1;
  if (argc > 3) {
    error(REPLY, ERR_SYNTAX);
    return;
  }
  if (argc == 3) {
    if (!parseI64(argPtr(2), argLen(2)) || parsedInt < 0) {
      error(REPLY, ERR_POSITIVE);
      return;
    }
    count = parsedInt;
  }
  let e = readZset();
  if (wrongType) return;
  if (e == 0 || count == 0) {
    arrayHeader(REPLY, 0);
    return;
  }
  popInto(e, max, count, true);
}

/**
 * Pops up to count items from the low or high end of e (in foundSlot), replying member, score pairs
 * (flat, as RESP2 ZPOPMIN does; `flat` false replies [member, score] pairs as ZMPOP) and logging ZREM.
 */
export function popInto(e: usize, max: bool, count: i64, flat: bool): void {
  const len = <i64>zLen(e);
  const n = count > len ? len : count;
  arrayHeader(REPLY, flat ? n * 2 : n);
  arrayHeader(EFFECTS, n + 2);
  bulk(EFFECTS, ZREM_NAME, 4);
  // The key bytes may be the entry's own: log them from the argument (callers pass the popped key's arg).
  effectArg(popKeyPtr, popKeyLen);
  for (let i: i64 = 0; i < n; i++) {
    zItem(e, max ? <u32>(len - 1 - i) : <u32>i);
    if (!flat) arrayHeader(REPLY, 2);
    bulk(REPLY, itemPtr, itemLen);
    replyScore(itemScore);
    effectArg(itemPtr, itemLen);
  }
  e = max ? zRemoveRanks(e, <u32>(len - n), <u32>(len - 1)) : zRemoveRanks(e, 0, <u32>(n - 1));
  deleteIfEmpty(e);
}

const ZREM_NAME = memory.data<u8>([0x5a, 0x52, 0x45, 0x4d]);
export let popKeyPtr: usize = 0;
export let popKeyLen: u32 = 0;

export function setPopKey(p: usize, l: u32): void {
  popKeyPtr = p;
  popKeyLen = l;
}

export function cmdZpopmin(): void {
  setPopKey(argPtr(1), argLen(1));
  popGeneric(false);
}

export function cmdZpopmax(): void {
  setPopKey(argPtr(1), argLen(1));
  popGeneric(true);
}

