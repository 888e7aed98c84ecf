// String commands (Redis t_string.c), the GET/SET family: SET with its options, SETNX, SETEX, PSETEX,
// GETSET, GET, GETDEL, GETEX, MGET, MSET, MSETNX. Counters and ranges live in counters.ts and ranges.ts.
import { blockSize, fitsData } from "./alloc";
import { deleteAt, effect, effectArg, effectInt, expiryActive, foundSlot, lookup, now, putString, setExpire, T_STRING } from "./db";
import { ERR_NOT_INTEGER, ERR_OOM, ERR_SYNTAX, ERR_WRONGTYPE } from "./errors";
import { argIs, parseI64, parsedInt } from "./numbers";
import {
  arrayHeader, bulk, EFFECTS, error, integer, nil, ok, outLen, raw, REPLY, replyArityError, replyExpireTimeError, truncate,
} from "./out";
import { argc, argLen, argPtr, argvSlot, cmdEnd, cmdStart } from "./request";
import { eExpire, eType, eVal, eValLen } from "./table";

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
  if (setFlags & (SET_EXAT | SET_PXAT) && expireMs <= now && expiryActive) {
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

