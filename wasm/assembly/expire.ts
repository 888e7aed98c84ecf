// Expiry commands (Redis expire.c): EXPIRE family with NX/XX/GT/LT, TTL family, PERSIST, and the active sweep.
import { deleteAt, delDel, effect, effectArg, effectInt, expiryActive, foundSlot, KEYSPACE, lookup, now, setExpire } from "./db";
import { ERR_EXPIRE_GT_LT, ERR_EXPIRE_NX, ERR_NOT_INTEGER, ERR_OOM, ERR_UNSUPPORTED_OPTION } from "./errors";
import { argIs, parseI64, parsedInt } from "./numbers";
import { advance, ascii, crlf, cStringLen, error, integer, REPLY, replyExpireTimeError, reserve, sanitized } from "./out";
import { argc, argLen, argPtr } from "./request";
import { eExpire, eFlags, F_TTL, HDR, tMask, tSlots } from "./table";

const NX = 1;
const XX = 2;
const GT = 4;
const LT = 8;

function expireGeneric(base: i64, seconds: bool, cmd: string): void {
  let flags = 0;
  for (let j = 3; j < argc; j++) {
    const p = argPtr(j);
    const l = argLen(j);
    if (argIs(p, l, "nx")) flags |= NX;
    else if (argIs(p, l, "xx")) flags |= XX;
    else if (argIs(p, l, "gt")) flags |= GT;
    else if (argIs(p, l, "lt")) flags |= LT;
    else {
      const d = reserve(REPLY, 1);
      store<u8>(d, 0x2d);
      advance(REPLY, 1);
      ascii(REPLY, ERR_UNSUPPORTED_OPTION);
      sanitized(REPLY, p, cStringLen(p, l, l));
      crlf(REPLY);
      return;
    }
  }
  if (flags & NX && flags & (XX | GT | LT)) {
    error(REPLY, ERR_EXPIRE_NX);
    return;
  }
  if (flags & GT && flags & LT) {
    error(REPLY, ERR_EXPIRE_GT_LT);
    return;
  }
  if (!parseI64(argPtr(2), argLen(2))) {
    error(REPLY, ERR_NOT_INTEGER);
    return;
  }
  let when = parsedInt;
  if (seconds) {
    if (when > i64.MAX_VALUE / 1000 || when < i64.MIN_VALUE / 1000) {
      replyExpireTimeError(cmd);
      return;
    }
    when *= 1000;
  }
  if (when > i64.MAX_VALUE - base) {
    replyExpireTimeError(cmd);
    return;
  }
  when += base;
  const kp = argPtr(1);
  const kl = argLen(1);
  const e = lookup(kp, kl);
  if (e == 0) {
    integer(REPLY, 0);
    return;
  }
  if (flags) {
    const current = eExpire(e);
    if (
      (flags & NX && current != -1) ||
      (flags & XX && current == -1) ||
      (flags & GT && (when <= current || current == -1)) ||
      (flags & LT && current != -1 && when >= current)
    ) {
      integer(REPLY, 0);
      return;
    }
  }
  if (when <= now && expiryActive) {
    deleteAt(foundSlot);
    effect(2, "DEL");
    effectArg(kp, kl);
  } else {
    if (setExpire(e, when) == 0) {
      error(REPLY, ERR_OOM);
      return;
    }
    effect(3, "PEXPIREAT");
    effectArg(kp, kl);
    effectInt(when);
  }
  integer(REPLY, 1);
}

export function cmdExpire(): void {
  expireGeneric(now, true, "expire");
}
export function cmdPexpire(): void {
  expireGeneric(now, false, "pexpire");
}
export function cmdExpireat(): void {
  expireGeneric(0, true, "expireat");
}
export function cmdPexpireat(): void {
  expireGeneric(0, false, "pexpireat");
}

/** TTL/PTTL (absolute=false) and EXPIRETIME/PEXPIRETIME (absolute=true). */
function ttlGeneric(ms: bool, absolute: bool): void {
  const e = lookup(argPtr(1), argLen(1));
  if (e == 0) {
    integer(REPLY, -2);
    return;
  }
  const when = eExpire(e);
  if (when == -1) {
    integer(REPLY, -1);
    return;
  }
  if (absolute) {
    integer(REPLY, ms ? when : when / 1000);
    return;
  }
  let ttl = when - now;
  if (ttl < 0) ttl = 0;
  integer(REPLY, ms ? ttl : (ttl + 500) / 1000);
}

export function cmdTtl(): void {
  ttlGeneric(false, false);
}
export function cmdPttl(): void {
  ttlGeneric(true, false);
}
export function cmdExpiretime(): void {
  ttlGeneric(false, true);
}
export function cmdPexpiretime(): void {
  ttlGeneric(true, true);
}

export function cmdPersist(): void {
  const kp = argPtr(1);
  const kl = argLen(1);
  const e = lookup(kp, kl);
  if (e == 0 || eExpire(e) == -1) {
    integer(REPLY, 0);
    return;
  }
  if (setExpire(e, -1) == 0) {
    error(REPLY, ERR_OOM);
    return;
  }
  effect(2, "PERSIST");
  effectArg(kp, kl);
  integer(REPLY, 1);
}

let sweepPos: u32 = 0;

/** `__SWEEP maxKeys`: visits up to maxKeys keys from where the last sweep stopped, deleting expired ones. */
export function cmdSweep(): void {
  if (!parseI64(argPtr(1), argLen(1)) || parsedInt < 0) {
    error(REPLY, ERR_NOT_INTEGER);
    return;
  }
  let budget = parsedInt;
  let removed: i64 = 0;
  let steps: u32 = 0;
  while (budget > 0) {
    const mask = tMask(KEYSPACE);
    if (steps > mask) break;
    const i = sweepPos & mask;
    const s = tSlots(KEYSPACE) + ((<usize>i) << 3);
    const e = <usize>load<u32>(s, 4);
    if (e != 0) {
      budget--;
      if (eFlags(e) & F_TTL && load<i64>(e, HDR) < now) {
        delDel(eKeyOf(e), load<u32>(e));
        deleteAt(s);
        removed++;
        continue; // the probe run shifted back into this slot
      }
    }
    sweepPos = (i + 1) & mask;
    steps++;
  }
  integer(REPLY, removed);
}

function eKeyOf(e: usize): usize {
  return e + HDR + ((<usize>(load<u8>(e, 9) & F_TTL)) << 3);
}
