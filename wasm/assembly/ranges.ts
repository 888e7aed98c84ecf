// Byte-range string commands (Redis t_string.c): STRLEN, APPEND, GETRANGE, SETRANGE.
import { effect, effectArg, ENC_ALT, install, lookup, markDirty, newEntry, putString, resizeValue, setEncoding, T_STRING } from "./db";
import { ERR_NOT_INTEGER, ERR_OFFSET, ERR_OOM, ERR_TOO_BIG, ERR_WRONGTYPE } from "./errors";
import { parseI64, parsedInt } from "./numbers";
import { bulk, error, integer, REPLY } from "./out";
import { argLen, argPtr } from "./request";
import { eType, eVal, eValLen } from "./table";

export const MAX_STRING: i64 = 512 * 1024 * 1024;

export function cmdStrlen(): void {
  const e = lookup(argPtr(1), argLen(1));
  if (e == 0) integer(REPLY, 0);
  else if (eType(e) != T_STRING) error(REPLY, ERR_WRONGTYPE);
  else integer(REPLY, eValLen(e));
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
    setEncoding(e, ENC_ALT); // Redis appends to a raw sds
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
    if (offset > MAX_STRING - <i64>vl) {
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
    setEncoding(n, ENC_ALT);
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
    if (offset > MAX_STRING - <i64>vl) {
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
    setEncoding(e, ENC_ALT);
    markDirty(e);
  }
  integer(REPLY, len);
  effect(4, "SETRANGE");
  effectArg(kp, kl);
  effectArg(argPtr(2), argLen(2));
  effectArg(vp, vl);
}
