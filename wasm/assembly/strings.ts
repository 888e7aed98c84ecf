// String commands (Redis t_string.c): GET/SET and their variants, counters, ranges, APPEND.
import { blockSize, copyBytes, fitsData } from "./alloc";
import {
  deleteAt, effect, effectArg, effectInt, foundSlot, install, lookup, markDirty, newEntry, now, setExpire, T_STRING,
} from "./db";
import {
  ERR_DECR_OVERFLOW, ERR_EXPIRE_TIME_PREFIX, ERR_NOT_INTEGER, ERR_OFFSET, ERR_OOM, ERR_OVERFLOW, ERR_SYNTAX,
  ERR_TOO_BIG, ERR_WRONGTYPE, ERR_ARITY_PREFIX, ERR_ARITY_SUFFIX,
} from "./errors";
import { argIs, parseI64, parsedInt } from "./numbers";
import {
  arrayHeader, ascii, bulk, crlf, EFFECTS, error, integer, nil, ok, outLen, raw, REPLY, reserve, advance, truncate, writeI64,
} from "./out";
import { argc, argLen, argPtr, argvSlot, cmdEnd, cmdStart } from "./request";
import { eExpire, eKey, eKeyLen, eSize, eType, eVal, eValLen } from "./table";

export const MAX_STRING: i64 = 512 * 1024 * 1024;

export function replyExpireTimeError(cmd: string): void {
  const d = reserve(REPLY, 1);
  store<u8>(d, 0x2d);
  advance(REPLY, 1);
  ascii(REPLY, ERR_EXPIRE_TIME_PREFIX);
  ascii(REPLY, cmd);
  ascii(REPLY, "' command");
  crlf(REPLY);
}

export function replyArityError(cmd: string): void {
  const d = reserve(REPLY, 1);
  store<u8>(d, 0x2d);
  advance(REPLY, 1);
  ascii(REPLY, ERR_ARITY_PREFIX);
  ascii(REPLY, cmd);
  ascii(REPLY, ERR_ARITY_SUFFIX);
  crlf(REPLY);
}

/** The resolved absolute expiry of the last successful parseExpire. */
export let expireMs: i64 = 0;

/** Redis's getExpireMillisecondsOrReply: positive, no overflow; relative values are added to now. */
export function parseExpire(ai: i32, seconds: bool, relative: bool, cmd: string): bool {
  if (!parseI64(argPtr(ai), argLen(ai))) {
    error(REPLY, ERR_NOT_INTEGER);
    return false;
  }
  let ms = parsedInt;
  if (ms <= 0 || (seconds && ms > i64.MAX_VALUE / 1000)) {
    replyExpireTimeError(cmd);
    return false;
  }
  if (seconds) ms *= 1000;
  if (relative) ms += now; // wraps negative on overflow, caught below as Redis does
  if (ms <= 0) {
    replyExpireTimeError(cmd);
    return false;
  }
  expireMs = ms;
  return true;
}

/** Creates or replaces the string at argument ki with the bytes (vp, vl); false on OOM (reply untouched). */
function putString(kp: usize, kl: u32, vp: usize, vl: u32, expireAt: i64): bool {
  const e = newEntry(kp, kl, vl, T_STRING, expireAt, true);
  if (e == 0) return false;
  copyBytes(eKey(e) + kl, vp, vl);
  return install(e);
}

const SET_NX = 1;
const SET_XX = 2;
const SET_GET = 4;
const SET_KEEPTTL = 8;
const SET_EX = 16;
const SET_PX = 32;
const SET_EXAT = 64;
const SET_PXAT = 128;
const SET_PERSIST = 256;
const ANY_EXPIRE = SET_EX | SET_PX | SET_EXAT | SET_PXAT;

let setFlags: i32 = 0;
let expireArg: i32 = 0;

/** Redis's parseExtendedStringArgumentsOrReply for SET (forGet=false) and GETEX (forGet=true). */
function parseSetOptions(from: i32, forGet: bool): bool {
  setFlags = 0;
  expireArg = 0;
  for (let j = from; j < argc; j++) {
    const p = argPtr(j);
    const l = argLen(j);
    const hasNext = j < argc - 1;
    if (!forGet && argIs(p, l, "nx") && !(setFlags & SET_XX)) setFlags |= SET_NX;
    else if (!forGet && argIs(p, l, "xx") && !(setFlags & SET_NX)) setFlags |= SET_XX;
    else if (!forGet && argIs(p, l, "get")) setFlags |= SET_GET;
    else if (!forGet && argIs(p, l, "keepttl") && !(setFlags & (SET_PERSIST | ANY_EXPIRE))) setFlags |= SET_KEEPTTL;
    else if (forGet && argIs(p, l, "persist") && !(setFlags & (ANY_EXPIRE | SET_KEEPTTL))) setFlags |= SET_PERSIST;
    else if (argIs(p, l, "ex") && !(setFlags & (SET_KEEPTTL | SET_PERSIST | SET_EXAT | SET_PX | SET_PXAT)) && hasNext) {
      setFlags |= SET_EX;
      expireArg = ++j;
    } else if (argIs(p, l, "px") && !(setFlags & (SET_KEEPTTL | SET_PERSIST | SET_EX | SET_EXAT | SET_PXAT)) && hasNext) {
      setFlags |= SET_PX;
      expireArg = ++j;
    } else if (argIs(p, l, "exat") && !(setFlags & (SET_KEEPTTL | SET_PERSIST | SET_EX | SET_PX | SET_PXAT)) && hasNext) {
      setFlags |= SET_EXAT;
      expireArg = ++j;
    } else if (argIs(p, l, "pxat") && !(setFlags & (SET_KEEPTTL | SET_PERSIST | SET_EX | SET_EXAT | SET_PX)) && hasNext) {
      setFlags |= SET_PXAT;
      expireArg = ++j;
    } else {
      error(REPLY, ERR_SYNTAX);
      return false;
    }
  }
  return true;
}

function parseSetExpire(cmd: string): bool {
  if (expireArg == 0) return true;
  return parseExpire(expireArg, (setFlags & (SET_EX | SET_EXAT)) != 0, (setFlags & (SET_EX | SET_PX)) != 0, cmd);
}

/** The shared body of SET, SETNX, SETEX, PSETEX and GETSET. expireAt < 0: none (or kept with KEEPTTL). */
function setGeneric(flags: i32, expireAt: i64, okReply: bool): void {
  const kp = argPtr(1);
  const kl = argLen(1);
  const vp = argPtr(2);
  const vl = argLen(2);
  const e = lookup(kp, kl);
  if (flags & SET_GET && e != 0 && eType(e) != T_STRING) {
    error(REPLY, ERR_WRONGTYPE);
    return;
  }
  const mark = outLen(REPLY);
  if (flags & SET_GET) {
    if (e != 0) bulk(REPLY, eVal(e), eValLen(e));
    else nil(REPLY);
  }
  if ((flags & SET_NX && e != 0) || (flags & SET_XX && e == 0)) {
    if (!(flags & SET_GET)) {
      if (okReply) nil(REPLY);
      else integer(REPLY, 0);
    }
    return;
  }
  let exp = expireAt;
  if (exp < 0 && flags & SET_KEEPTTL && e != 0) exp = eExpire(e);
  if (!putString(kp, kl, vp, vl, exp)) {
    truncate(REPLY, mark);
    error(REPLY, ERR_OOM);
    return;
  }
  if (!(flags & SET_GET)) {
    if (okReply) ok(REPLY);
    else integer(REPLY, 1);
  }
  if (exp >= 0) {
    effect(5, "SET");
    effectArg(kp, kl);
    effectArg(vp, vl);
    effectArg(PXAT, 4);
    effectInt(exp);
  } else if (flags == 0 && argc == 3 && okReply) {
    // A plain `SET k v` is already deterministic: copy its bytes.
    raw(EFFECTS, cmdStart, <u32>(cmdEnd - cmdStart));
  } else {
    effect(3, "SET");
    effectArg(kp, kl);
    effectArg(vp, vl);
  }
}

const PXAT = memory.data<u8>([0x50, 0x58, 0x41, 0x54]);

export function cmdSet(): void {
  if (!parseSetOptions(3, false)) return;
  if (!parseSetExpire("set")) return;
  setGeneric(setFlags, expireArg != 0 ? expireMs : -1, true);
}

export function cmdSetnx(): void {
  setGeneric(SET_NX, -1, false);
}

function setexGeneric(seconds: bool, cmd: string): void {
  // SETEX key seconds value: the value is the third argument.
  if (!parseExpire(2, seconds, true, cmd)) return;
  const vp = argPtr(3);
  const vl = argLen(3);
  store<u32>(argSlot2(), <u32>vp);
  store<u32>(argSlot2(), vl, 4);
  setGeneric(0, expireMs, true);
}

// SETEX's value moves into the value position so setGeneric reads it as SET's.
function argSlot2(): usize {
  return argvSlot(2);
}

export function cmdSetex(): void {
  setexGeneric(true, "setex");
}

export function cmdPsetex(): void {
  setexGeneric(false, "psetex");
}

export function cmdGetset(): void {
  setGeneric(SET_GET, -1, true);
}

export function cmdGet(): void {
  const e = lookup(argPtr(1), argLen(1));
  if (e == 0) nil(REPLY);
  else if (eType(e) != T_STRING) error(REPLY, ERR_WRONGTYPE);
  else bulk(REPLY, eVal(e), eValLen(e));
}

export function cmdGetdel(): void {
  const kp = argPtr(1);
  const kl = argLen(1);
  const e = lookup(kp, kl);
  if (e == 0) nil(REPLY);
  else if (eType(e) != T_STRING) error(REPLY, ERR_WRONGTYPE);
  else {
    bulk(REPLY, eVal(e), eValLen(e));
    deleteAt(foundSlot);
    effect(2, "DEL");
    effectArg(kp, kl);
  }
}

export function cmdGetex(): void {
  if (!parseSetOptions(2, true)) return;
  const kp = argPtr(1);
  const kl = argLen(1);
  const e = lookup(kp, kl);
  if (e == 0) {
    nil(REPLY);
    return;
  }
  if (eType(e) != T_STRING) {
    error(REPLY, ERR_WRONGTYPE);
    return;
  }
  if (!parseSetExpire("getex")) return;
  const mark = outLen(REPLY);
  bulk(REPLY, eVal(e), eValLen(e));
  if (setFlags & (SET_EXAT | SET_PXAT) && expireMs <= now) {
    deleteAt(foundSlot);
    effect(2, "DEL");
    effectArg(kp, kl);
  } else if (expireArg != 0) {
    if (setExpire(e, expireMs) == 0) {
      truncate(REPLY, mark);
      error(REPLY, ERR_OOM);
      return;
    }
    effect(3, "PEXPIREAT");
    effectArg(kp, kl);
    effectInt(expireMs);
  } else if (setFlags & SET_PERSIST && eExpire(e) >= 0) {
    if (setExpire(e, -1) == 0) {
      truncate(REPLY, mark);
      error(REPLY, ERR_OOM);
      return;
    }
    effect(2, "PERSIST");
    effectArg(kp, kl);
  }
}

export function cmdMget(): void {
  arrayHeader(REPLY, argc - 1);
  for (let i = 1; i < argc; i++) {
    const e = lookup(argPtr(i), argLen(i));
    if (e == 0 || eType(e) != T_STRING) nil(REPLY);
    else bulk(REPLY, eVal(e), eValLen(e));
  }
}

/** Whether every pair of MSET/MSETNX fits under maxmemory, so the command is all or nothing. */
function msetFits(): bool {
  let total: f64 = 0;
  for (let i = 1; i < argc; i += 2) total += <f64>blockSize(24 + <usize>argLen(i) + <usize>argLen(i + 1)) + 16;
  return fitsData(total);
}

function msetAll(): bool {
  for (let i = 1; i < argc; i += 2) {
    const kp = argPtr(i);
    const kl = argLen(i);
    lookup(kp, kl);
    if (!putString(kp, kl, argPtr(i + 1), argLen(i + 1), -1)) return false;
  }
  return true;
}

function msetEffect(): void {
  effect(argc, "MSET");
  for (let i = 1; i < argc; i++) effectArg(argPtr(i), argLen(i));
}

export function cmdMset(): void {
  if ((argc & 1) == 0) {
    replyArityError("mset");
    return;
  }
  if (!msetFits() || !msetAll()) {
    error(REPLY, ERR_OOM);
    return;
  }
  ok(REPLY);
  msetEffect();
}

export function cmdMsetnx(): void {
  if ((argc & 1) == 0) {
    replyArityError("msetnx");
    return;
  }
  for (let i = 1; i < argc; i += 2) {
    if (lookup(argPtr(i), argLen(i)) != 0) {
      integer(REPLY, 0);
      return;
    }
  }
  if (!msetFits() || !msetAll()) {
    error(REPLY, ERR_OOM);
    return;
  }
  integer(REPLY, 1);
  msetEffect();
}

export function cmdStrlen(): void {
  const e = lookup(argPtr(1), argLen(1));
  if (e == 0) integer(REPLY, 0);
  else if (eType(e) != T_STRING) error(REPLY, ERR_WRONGTYPE);
  else integer(REPLY, eValLen(e));
}

/**
 * Makes entry e (in foundSlot) hold a value of newLen bytes, keeping its first keep bytes of value:
 * in place when the allocation class does not change, else by moving. Returns the entry or 0 on OOM.
 */
function resizeValue(e: usize, newLen: u32, keep: u32): usize {
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
  memory.copy(eKey(n) + kl, eVal(e), min(keep, newLen));
  if (!install(n)) return 0;
  return n;
}

const digitsBuf = memory.data(24);

function incrBy(incr: i64): void {
  const kp = argPtr(1);
  const kl = argLen(1);
  let e = lookup(kp, kl);
  let value: i64 = 0;
  if (e != 0) {
    if (eType(e) != T_STRING) {
      error(REPLY, ERR_WRONGTYPE);
      return;
    }
    if (!parseI64(eVal(e), eValLen(e))) {
      error(REPLY, ERR_NOT_INTEGER);
      return;
    }
    value = parsedInt;
  }
  if ((incr < 0 && value < 0 && incr < i64.MIN_VALUE - value) || (incr > 0 && value > 0 && incr > i64.MAX_VALUE - value)) {
    error(REPLY, ERR_OVERFLOW);
    return;
  }
  const result = value + incr;
  const n = writeI64(digitsBuf, result);
  if (e != 0) {
    e = resizeValue(e, n, 0);
    if (e == 0) {
      error(REPLY, ERR_OOM);
      return;
    }
    memory.copy(eVal(e), digitsBuf, n);
  } else if (!putString(kp, kl, digitsBuf, n, -1)) {
    error(REPLY, ERR_OOM);
    return;
  }
  integer(REPLY, result);
  // INCR/DECR/INCRBY/DECRBY are deterministic: log the command's own bytes.
  raw(EFFECTS, cmdStart, <u32>(cmdEnd - cmdStart));
}

export function cmdIncr(): void {
  incrBy(1);
}

export function cmdDecr(): void {
  incrBy(-1);
}

export function cmdIncrby(): void {
  if (!parseI64(argPtr(2), argLen(2))) error(REPLY, ERR_NOT_INTEGER);
  else incrBy(parsedInt);
}

export function cmdDecrby(): void {
  if (!parseI64(argPtr(2), argLen(2))) error(REPLY, ERR_NOT_INTEGER);
  else if (parsedInt == i64.MIN_VALUE) error(REPLY, ERR_DECR_OVERFLOW);
  else incrBy(-parsedInt);
}

export function cmdAppend(): void {
  const kp = argPtr(1);
  const kl = argLen(1);
  const ap = argPtr(2);
  const al = argLen(2);
  let e = lookup(kp, kl);
  let total: i64;
  if (e == 0) {
    if (!putString(kp, kl, ap, al, -1)) {
      error(REPLY, ERR_OOM);
      return;
    }
    total = al;
  } else {
    if (eType(e) != T_STRING) {
      error(REPLY, ERR_WRONGTYPE);
      return;
    }
    const old = eValLen(e);
    total = <i64>old + <i64>al;
    if (total > MAX_STRING) {
      error(REPLY, ERR_TOO_BIG);
      return;
    }
    e = resizeValue(e, <u32>total, old);
    if (e == 0) {
      error(REPLY, ERR_OOM);
      return;
    }
    memory.copy(eVal(e) + old, ap, al);
  }
  integer(REPLY, total);
  effect(3, "APPEND");
  effectArg(kp, kl);
  effectArg(ap, al);
}

export function cmdGetrange(): void {
  if (!parseI64(argPtr(2), argLen(2))) {
    error(REPLY, ERR_NOT_INTEGER);
    return;
  }
  let start = parsedInt;
  if (!parseI64(argPtr(3), argLen(3))) {
    error(REPLY, ERR_NOT_INTEGER);
    return;
  }
  let end = parsedInt;
  const e = lookup(argPtr(1), argLen(1));
  if (e == 0) {
    bulk(REPLY, 0, 0);
    return;
  }
  if (eType(e) != T_STRING) {
    error(REPLY, ERR_WRONGTYPE);
    return;
  }
  const len = <i64>eValLen(e);
  if (start < 0 && end < 0 && start > end) {
    bulk(REPLY, 0, 0);
    return;
  }
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len == 0) bulk(REPLY, 0, 0);
  else bulk(REPLY, eVal(e) + <usize>start, <u32>(end - start + 1));
}

export function cmdSetrange(): void {
  const kp = argPtr(1);
  const kl = argLen(1);
  const vp = argPtr(3);
  const vl = argLen(3);
  if (!parseI64(argPtr(2), argLen(2))) {
    error(REPLY, ERR_NOT_INTEGER);
    return;
  }
  const offset = parsedInt;
  if (offset < 0) {
    error(REPLY, ERR_OFFSET);
    return;
  }
  let e = lookup(kp, kl);
  let len: i64;
  if (e == 0) {
    if (vl == 0) {
      integer(REPLY, 0);
      return;
    }
    if (offset + <i64>vl > MAX_STRING) {
      error(REPLY, ERR_TOO_BIG);
      return;
    }
    len = offset + <i64>vl;
    const n = newEntry(kp, kl, <u32>len, T_STRING, -1, true);
    if (n == 0) {
      error(REPLY, ERR_OOM);
      return;
    }
    memory.fill(eVal(n), 0, <usize>offset);
    memory.copy(eVal(n) + <usize>offset, vp, vl);
    if (!install(n)) {
      error(REPLY, ERR_OOM);
      return;
    }
  } else {
    if (eType(e) != T_STRING) {
      error(REPLY, ERR_WRONGTYPE);
      return;
    }
    const old = <i64>eValLen(e);
    if (vl == 0) {
      integer(REPLY, old);
      return;
    }
    if (offset + <i64>vl > MAX_STRING) {
      error(REPLY, ERR_TOO_BIG);
      return;
    }
    len = max(old, offset + <i64>vl);
    e = resizeValue(e, <u32>len, <u32>old);
    if (e == 0) {
      error(REPLY, ERR_OOM);
      return;
    }
    if (offset > old) memory.fill(eVal(e) + <usize>old, 0, <usize>(offset - old));
    memory.copy(eVal(e) + <usize>offset, vp, vl);
    markDirty(e);
  }
  integer(REPLY, len);
  effect(4, "SETRANGE");
  effectArg(kp, kl);
  effectArg(argPtr(2), argLen(2));
  effectArg(vp, vl);
}
