// Counters (Redis t_string.c): INCR, DECR, INCRBY, DECRBY with exact 64-bit overflow checks.
import { ENC_COMPACT, lookup, putString, resizeValue, setEncoding, T_STRING } from "./db";
import { ERR_DECR_OVERFLOW, ERR_NOT_INTEGER, ERR_OOM, ERR_OVERFLOW, ERR_WRONGTYPE } from "./errors";
import { parseI64, parsedInt } from "./numbers";
import { EFFECTS, error, integer, raw, REPLY, writeI64 } from "./out";
import { argLen, argPtr, cmdEnd, cmdStart } from "./request";
import { eType, eVal, eValLen } from "./table";

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
    setEncoding(e, ENC_COMPACT); // a number again, whatever it was
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

