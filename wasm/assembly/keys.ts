// Keyspace commands (Redis db.c): DEL, EXISTS, TYPE, RENAME, TOUCH, KEYS, SCAN, RANDOMKEY, DBSIZE, FLUSH*.
import { alloc, free } from "./alloc";
import {
  deleteAt, effect, effectArg, ENC_COMPACT, expiryActive, expiryDeletes, flushAll, foundSlot, install, KEYSPACE, lookup, newEntry, now,
  setEncoding,
} from "./db";
import { typeName } from "./objects";
import { ERR_INVALID_CURSOR, ERR_NO_SUCH_KEY, ERR_NOT_INTEGER, ERR_OOM, ERR_OUT_OF_RANGE, ERR_RANDFIELD_RANGE, ERR_SYNTAX } from "./errors";
import { globMatch } from "./glob";
import { argIs, parseCursor, parseI64, parsedInt } from "./numbers";
import { arrayHeader, bulk, closeArray, deferArray, error, integer, nil, ok, REPLY, status, writeI64 } from "./out";
import { argc, argLen, argPtr } from "./request";
import {
  eEncoding, eExpire, eFlags, eKey, eKeyLen, eSize, eType, eVal, eValLen, F_TTL, HDR, tCount, tFind, keyHash, tMakeRoom, tMask, tScan,
  scanEntry, scanFound, tScanDone, tSlots,
} from "./table";


function isExpired(e: usize): bool {
  return (eFlags(e) & F_TTL) != 0 && load<i64>(e, HDR) < now && expiryActive;
}

function delGeneric(): void {
  let n: i64 = 0;
  for (let i = 1; i < argc; i++) {
    const kp = argPtr(i);
    const kl = argLen(i);
    if (lookup(kp, kl) != 0) {
      deleteAt(foundSlot);
      effect(2, "DEL");
      effectArg(kp, kl);
      n++;
    }
  }
  integer(REPLY, n);
}

export function cmdDel(): void {
  delGeneric();
}

export function cmdUnlink(): void {
  delGeneric();
}

export function cmdExists(): void {
  let n: i64 = 0;
  for (let i = 1; i < argc; i++) if (lookup(argPtr(i), argLen(i)) != 0) n++;
  integer(REPLY, n);
}

export function cmdTouch(): void {
  cmdExists();
}

export function cmdType(): void {
  status(REPLY, typeName(lookup(argPtr(1), argLen(1))));
}

function renameGeneric(nx: bool): void {
  const sp = argPtr(1);
  const sl = argLen(1);
  const dp = argPtr(2);
  const dl = argLen(2);
  const e = lookup(sp, sl);
  if (e == 0) {
    error(REPLY, ERR_NO_SUCH_KEY);
    return;
  }
  if (sl == dl && memory.compare(sp, dp, sl) == 0) {
    if (nx) integer(REPLY, 0);
    else ok(REPLY);
    return;
  }
  const d = lookup(dp, dl);
  if (d != 0 && nx) {
    integer(REPLY, 0);
    return;
  }
  // The source entry is still live (the destination lookup cannot remove it): copy it under the new name.
  const src = <usize>load<u32>(tFind(KEYSPACE, sp, sl, keyHash(sp, sl)), 4);
  const vl = eValLen(src);
  const n = newEntry(dp, dl, vl, eType(src), eExpire(src), false);
  if (n == 0) {
    error(REPLY, ERR_OOM);
    return;
  }
  memory.copy(eKey(n) + dl, eVal(src), vl);
  setEncoding(n, eEncoding(src));
  // Make room for the destination before the source goes, so a refusal changes nothing.
  if (d == 0 && !tMakeRoom(KEYSPACE)) {
    free(n, eSize(n));
    error(REPLY, ERR_OOM);
    return;
  }
  // The new entry now owns any out-of-line structure: the source goes without releasing it.
  setEncoding(src, ENC_COMPACT);
  deleteAt(tFind(KEYSPACE, sp, sl, keyHash(sp, sl)));
  lookup(dp, dl);
  install(n);
  if (nx) integer(REPLY, 1);
  else ok(REPLY);
  effect(3, "RENAME");
  effectArg(sp, sl);
  effectArg(dp, dl);
}

export function cmdRename(): void {
  renameGeneric(false);
}

export function cmdRenamenx(): void {
  renameGeneric(true);
}

export function cmdKeys(): void {
  const pp = argPtr(1);
  const pl = <i32>argLen(1);
  const all = pl == 1 && load<u8>(pp) == 0x2a;
  const mark = deferArray(REPLY);
  let n: i64 = 0;
  const slots = tSlots(KEYSPACE);
  const cap = tMask(KEYSPACE) + 1;
  for (let i: u32 = 0; i < cap; i++) {
    const e = <usize>load<u32>(slots + ((<usize>i) << 3), 4);
    if (e == 0) continue;
    const kp = eKey(e);
    const kl = eKeyLen(e);
    if ((all || globMatch(pp, pl, kp, <i32>kl)) && !isExpired(e)) {
      // The slots may move when the reply grows, but no key is deleted here.
      bulk(REPLY, kp, kl);
      n++;
    }
  }
  closeArray(REPLY, mark, n);
}

const cursorBuf = memory.data(24);

/** SCAN-family options, parsed by parseScanOptions. A pattern or type length of -1 means none (`MATCH *` is none). */
export let scanCount: i64 = 10;
export let scanPatternPtr: usize = 0;
export let scanPatternLen: i32 = -1;
export let scanTypePtr: usize = 0;
export let scanTypeLen: i32 = -1;

/**
 * Parses `[MATCH pattern] [COUNT count] [TYPE type]` from argument `first` on, as Redis's
 * scanGenericCommand does (TYPE only for SCAN). On a bad option writes Redis's error and returns false.
 */
export function parseScanOptions(first: i32, allowType: bool): bool {
  scanCount = 10;
  scanPatternPtr = 0;
  scanPatternLen = -1;
  scanTypePtr = 0;
  scanTypeLen = -1;
  for (let i = first; i < argc; i += 2) {
    const left = argc - i;
    if (argIs(argPtr(i), argLen(i), "count") && left >= 2) {
      if (!parseI64(argPtr(i + 1), argLen(i + 1))) {
        error(REPLY, ERR_NOT_INTEGER);
        return false;
      }
      scanCount = parsedInt;
      if (scanCount < 1) {
        error(REPLY, ERR_SYNTAX);
        return false;
      }
    } else if (argIs(argPtr(i), argLen(i), "match") && left >= 2) {
      scanPatternPtr = argPtr(i + 1);
      scanPatternLen = <i32>argLen(i + 1);
      if (scanPatternLen == 1 && load<u8>(scanPatternPtr) == 0x2a) scanPatternLen = -1;
    } else if (allowType && argIs(argPtr(i), argLen(i), "type") && left >= 2) {
      scanTypePtr = argPtr(i + 1);
      scanTypeLen = <i32>argLen(i + 1);
    } else {
      error(REPLY, ERR_SYNTAX);
      return false;
    }
  }
  return true;
}

export function cmdScan(): void {
  if (!parseCursor(argPtr(1), argLen(1))) {
    error(REPLY, ERR_INVALID_CURSOR);
    return;
  }
  let v = <u64>parsedInt;
  if (!parseScanOptions(2, true)) return;
  const count = scanCount;
  const pp = scanPatternPtr;
  const pl = scanPatternLen;
  const tp = scanTypePtr;
  const tl = scanTypeLen;
  // Phase 1: whole home buckets, in reverse-binary order (tScan); phase 2 filters them.
  v = tScan(KEYSPACE, v, count);
  // Phase 2: filter by pattern, then type, then expiry (an expired key is deleted and logged).
  arrayHeader(REPLY, 2);
  bulk(REPLY, cursorBuf, writeI64Unsigned(cursorBuf, v));
  const mark = deferArray(REPLY);
  let n: i64 = 0;
  for (let k: u32 = 0; k < scanFound; k++) {
    const e = scanEntry(k);
    const kp = eKey(e);
    const kl = eKeyLen(e);
    if (pl >= 0 && !globMatch(pp, pl, kp, <i32>kl)) continue;
    if (tl >= 0 && !argIs(tp, tl, typeName(e))) continue;
    if (isExpired(e)) {
      lookup(kp, kl);
      continue;
    }
    bulk(REPLY, kp, kl);
    n++;
  }
  closeArray(REPLY, mark, n);
  tScanDone();
}

export function writeI64Unsigned(d: usize, v: u64): u32 {
  if (v <= <u64>i64.MAX_VALUE) return writeI64(d, <i64>v);
  const high = v / 10;
  const n = writeI64(d, <i64>high);
  store<u8>(d + n, <u8>(0x30 + <u32>(v % 10)));
  return n + 1;
}

let rngState: u64 = 0x853c49e6748fea9b;

export function seedRandom(value: f64): void {
  rngState = <u64>value ^ 0x853c49e6748fea9b;
  if (rngState == 0) rngState = 1;
}

export function nextRandom(): u64 {
  // xorshift64*: RANDOMKEY and HRANDFIELD only need a cheap, seedable spread.
  let x = rngState;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  rngState = x;
  return x * 0x2545f4914f6cdd1d;
}

export function cmdRandomkey(): void {
  // A replica's read deletes nothing, so every key may be expired: after 100 expired picks it answers
  // the last one anyway, as Redis's replicas do (dbRandomKey).
  let expiredPicks = 0;
  while (tCount(KEYSPACE) != 0) {
    const slots = tSlots(KEYSPACE);
    const mask = tMask(KEYSPACE);
    let j = <u32>(nextRandom() >> 32) & mask;
    let e: usize = 0;
    while ((e = <usize>load<u32>(slots + ((<usize>j) << 3), 4)) == 0) j = (j + 1) & mask;
    if (isExpired(e) && !(!expiryDeletes && ++expiredPicks >= 100)) {
      lookup(eKey(e), eKeyLen(e));
      continue;
    }
    bulk(REPLY, eKey(e), eKeyLen(e));
    return;
  }
  nil(REPLY);
}

export function cmdDbsize(): void {
  integer(REPLY, tCount(KEYSPACE));
}

export function cmdFlushall(): void {
  if (argc > 2 || (argc == 2 && !argIs(argPtr(1), argLen(1), "sync") && !argIs(argPtr(1), argLen(1), "async"))) {
    error(REPLY, ERR_SYNTAX);
    return;
  }
  flushAll();
  ok(REPLY);
  effect(1, "FLUSHALL");
}

/** Set by parseRandomCount: how many picks, whether distinct (a non-negative count), and whether the option word was given. */
export let randomCount: i64 = 0;
export let randomUnique: bool = true;
export let randomWithOption: bool = false;

/**
 * Parses `count [option]` of HRANDFIELD / ZRANDMEMBER (option WITHVALUES / WITHSCORES) in Redis's order: the
 * count and its range, then the syntax, then the option's tighter range. On an error writes it and returns false.
 */
export function parseRandomCount(option: string): bool {
  if (!parseI64(argPtr(2), argLen(2))) {
    error(REPLY, ERR_NOT_INTEGER);
    return false;
  }
  const l = parsedInt;
  if (l == i64.MIN_VALUE) {
    error(REPLY, ERR_RANDFIELD_RANGE);
    return false;
  }
  if (argc > 4 || (argc == 4 && !argIs(argPtr(3), argLen(3), option))) {
    error(REPLY, ERR_SYNTAX);
    return false;
  }
  randomWithOption = argc == 4;
  randomUnique = l >= 0;
  randomCount = randomUnique ? l : -l;
  if (randomWithOption && randomCount > i64.MAX_VALUE / 2) {
    error(REPLY, ERR_OUT_OF_RANGE);
    return false;
  }
  return true;
}

const ZERO_CURSOR = memory.data<u8>([0x30]);

/** The SCAN-family reply of a missing key or a collection returned whole: cursor 0, then the items (header only when empty). */
export function replyScanStart(): void {
  arrayHeader(REPLY, 2);
  bulk(REPLY, ZERO_CURSOR, 1);
}
