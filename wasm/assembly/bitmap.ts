// Bitmaps on string values (Redis bitops.c): SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP. BITFIELD lives in
// bitfield.ts. Bit 0 is the most significant bit of byte 0; strings grown by a bit write are zero-filled raw strings.
import {
  deleteAt, effect, effectArg, ENC_ALT, foundSlot, install, lookup, markDirty, newEntry, resizeValue, setEncoding, T_STRING,
} from "./db";
import { ERR_BIT_NOT_INTEGER, ERR_BIT_OFFSET, ERR_BITOP_NOT, ERR_BITPOS_BIT, ERR_NOT_INTEGER, ERR_OOM, ERR_SYNTAX, ERR_WRONGTYPE } from "./errors";
import { argIs, parseI64, parsedInt } from "./numbers";
import { EFFECTS, error, integer, raw, REPLY } from "./out";
import { argc, argLen, argPtr, cmdEnd, cmdStart } from "./request";
import { eType, eVal, eValLen } from "./table";

/** Redis's proto-max-bulk-len: a bit offset must address a byte below it. */
const MAX_BULK: i64 = 512 * 1024 * 1024;

/** The offset parsed by parseBitOffset. */
export let bitOffset: u64 = 0;

/**
 * Redis's getBitOffsetFromArgument: a strict integer, or with `hash` a `#n` counted in `bits`-wide fields
 * (multiplied with 64-bit wrap-around, as C does); 0 <= offset < 2^32. Replies the error and returns false.
 */
export function parseBitOffset(i: i32, hash: bool, bits: i64): bool {
  let p = argPtr(i);
  let l = argLen(i);
  const useHash = hash && l > 1 && load<u8>(p) == 0x23;
  if (useHash) {
    p++;
    l--;
  }
  if (!parseI64(p, l)) {
    error(REPLY, ERR_BIT_OFFSET);
    return false;
  }
  let off = parsedInt;
  if (useHash) off *= bits;
  if (off < 0 || (off >> 3) >= MAX_BULK) {
    error(REPLY, ERR_BIT_OFFSET);
    return false;
  }
  bitOffset = <u64>off;
  return true;
}

/** Set by bitString: whether the string was created or grew (a change even when no bit flips). */
export let bitStringGrew = false;

/**
 * Redis's lookupStringForBitCommand: the string at argv[1] made at least (maxBit/8 + 1) bytes long, zero-filled
 * and created when absent; 0 with WRONGTYPE or OOM replied. The string becomes a raw one (ENC_ALT), as Redis unshares it.
 */
export function bitString(maxBit: u64): usize {
  const kp = argPtr(1);
  const kl = argLen(1);
  const need = <u32>((maxBit >> 3) + 1);
  let e = lookup(kp, kl);
  bitStringGrew = false;
  if (e == 0) {
    e = newEntry(kp, kl, need, T_STRING, -1, true);
    if (e == 0) {
      error(REPLY, ERR_OOM);
      return 0;
    }
    memory.fill(eVal(e), 0, need);
    setEncoding(e, ENC_ALT);
    if (!install(e)) {
      error(REPLY, ERR_OOM);
      return 0;
    }
    bitStringGrew = true;
    return e;
  }
  if (eType(e) != T_STRING) {
    error(REPLY, ERR_WRONGTYPE);
    return 0;
  }
  const old = eValLen(e);
  if (old < need) {
    e = resizeValue(e, need, old);
    if (e == 0) {
      error(REPLY, ERR_OOM);
      return 0;
    }
    memory.fill(eVal(e) + old, 0, need - old);
    bitStringGrew = true;
  }
  setEncoding(e, ENC_ALT);
  return e;
}

export function cmdSetbit(): void {
  if (!parseBitOffset(2, false, 0)) return;
  const off = bitOffset;
  if (!parseI64(argPtr(3), argLen(3)) || (parsedInt & ~1) != 0) {
    error(REPLY, ERR_BIT_NOT_INTEGER);
    return;
  }
  const on = <u32>parsedInt;
  const e = bitString(off);
  if (e == 0) return;
  const p = eVal(e) + <usize>(off >> 3);
  const shift = 7 - <u32>(off & 7);
  const byte = <u32>load<u8>(p);
  const old = (byte >> shift) & 1;
  if (bitStringGrew || old != on) {
    store<u8>(p, <u8>((byte & ~(1 << shift)) | (on << shift)));
    markDirty(e);
    raw(EFFECTS, cmdStart, <u32>(cmdEnd - cmdStart));
  }
  integer(REPLY, old);
}

export function cmdGetbit(): void {
  if (!parseBitOffset(2, false, 0)) return;
  const off = bitOffset;
  const e = lookup(argPtr(1), argLen(1));
  if (e == 0) {
    integer(REPLY, 0);
    return;
  }
  if (eType(e) != T_STRING) {
    error(REPLY, ERR_WRONGTYPE);
    return;
  }
  const byte = off >> 3;
  if (byte >= <u64>eValLen(e)) integer(REPLY, 0);
  else integer(REPLY, (load<u8>(eVal(e) + <usize>byte) >> (7 - <u32>(off & 7))) & 1);
}

/** Set bits in n bytes at p, eight bytes at a time. */
export function popcount(p: usize, n: usize): i64 {
  let count: u64 = 0;
  let i: usize = 0;
  while (i + 32 <= n) {
    count += popcnt<u64>(load<u64>(p + i)) + popcnt<u64>(load<u64>(p + i, 8)) +
      popcnt<u64>(load<u64>(p + i, 16)) + popcnt<u64>(load<u64>(p + i, 24));
    i += 32;
  }
  while (i + 8 <= n) {
    count += popcnt<u64>(load<u64>(p + i));
    i += 8;
  }
  while (i < n) {
    count += popcnt<u32>(<u32>load<u8>(p + i));
    i++;
  }
  return <i64>count;
}

/**
 * Redis's redisBitpos: the position of the first bit equal to `bit` in n bytes at p; -1 when looking for a
 * one and there is none, n*8 when looking for a zero and every bit is set.
 */
function bitposIn(p: usize, n: usize, bit: u32): i64 {
  const skipWord: u64 = bit ? 0 : <u64>-1;
  const skipByte: u32 = bit ? 0 : 0xff;
  let i: usize = 0;
  while (i + 8 <= n && load<u64>(p + i) == skipWord) i += 8;
  while (i < n && <u32>load<u8>(p + i) == skipByte) i++;
  if (i == n) return bit ? -1 : <i64>n << 3;
  const b = <u32>load<u8>(p + i);
  const x = bit ? b : ~b & 0xff;
  return (<i64>i << 3) + <i64>(clz<u32>(x) - 24);
}

/** Parses BITCOUNT/BITPOS's BYTE|BIT argument into `isBit`; replies a syntax error otherwise. */
let isBit = false;
function parseUnit(i: i32): bool {
  if (argIs(argPtr(i), argLen(i), "bit")) isBit = true;
  else if (argIs(argPtr(i), argLen(i), "byte")) isBit = false;
  else {
    error(REPLY, ERR_SYNTAX);
    return false;
  }
  return true;
}

export function cmdBitcount(): void {
  // Redis 7.0 looks the key up before parsing the range: a missing key counts 0 whatever the arguments.
  const e = lookup(argPtr(1), argLen(1));
  if (e == 0) {
    integer(REPLY, 0);
    return;
  }
  if (eType(e) != T_STRING) {
    error(REPLY, ERR_WRONGTYPE);
    return;
  }
  const p = eVal(e);
  const len = <i64>eValLen(e);
  let start: i64 = 0;
  let end: i64 = len - 1;
  let firstMask: u32 = 0;
  let lastMask: u32 = 0;
  if (argc == 4 || argc == 5) {
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
    if (start < 0 && end < 0 && start > end) {
      integer(REPLY, 0);
      return;
    }
    isBit = false;
    if (argc == 5 && !parseUnit(4)) return;
    const total = isBit ? len << 3 : len;
    if (start < 0) start = total + start;
    if (end < 0) end = total + end;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= total) end = total - 1;
    if (isBit && start <= end) {
      firstMask = ~((1 << (8 - <u32>(start & 7))) - 1) & 0xff;
      lastMask = (1 << (7 - <u32>(end & 7))) - 1;
      start >>= 3;
      end >>= 3;
    }
  } else if (argc != 2) {
    error(REPLY, ERR_SYNTAX);
    return;
  }
  if (start > end) {
    integer(REPLY, 0);
    return;
  }
  let count = popcount(p + <usize>start, <usize>(end - start + 1));
  // Bits of the edge bytes outside a BIT range were counted: take them back out.
  if (firstMask != 0) count -= <i64>popcnt<u32>(<u32>load<u8>(p + <usize>start) & firstMask);
  if (lastMask != 0) count -= <i64>popcnt<u32>(<u32>load<u8>(p + <usize>end) & lastMask);
  integer(REPLY, count);
}

export function cmdBitpos(): void {
  if (!parseI64(argPtr(2), argLen(2))) {
    error(REPLY, ERR_NOT_INTEGER);
    return;
  }
  if (parsedInt != 0 && parsedInt != 1) {
    error(REPLY, ERR_BITPOS_BIT);
    return;
  }
  const bit = <u32>parsedInt;
  const e = lookup(argPtr(1), argLen(1));
  // A missing key is an endless run of zeros.
  if (e == 0) {
    integer(REPLY, bit ? -1 : 0);
    return;
  }
  if (eType(e) != T_STRING) {
    error(REPLY, ERR_WRONGTYPE);
    return;
  }
  const p = eVal(e);
  const len = <i64>eValLen(e);
  let start: i64 = 0;
  let end: i64 = len - 1;
  let endGiven = false;
  let firstMask: u32 = 0;
  let lastMask: u32 = 0;
  if (argc >= 4 && argc <= 6) {
    if (!parseI64(argPtr(3), argLen(3))) {
      error(REPLY, ERR_NOT_INTEGER);
      return;
    }
    start = parsedInt;
    isBit = false;
    if (argc == 6 && !parseUnit(5)) return;
    if (argc >= 5) {
      if (!parseI64(argPtr(4), argLen(4))) {
        error(REPLY, ERR_NOT_INTEGER);
        return;
      }
      end = parsedInt;
      endGiven = true;
    } else end = isBit ? (len << 3) + 7 : len - 1;
    const total = isBit ? len << 3 : len;
    if (start < 0) start = total + start;
    if (end < 0) end = total + end;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= total) end = total - 1;
    if (isBit && start <= end) {
      firstMask = ~((1 << (8 - <u32>(start & 7))) - 1) & 0xff;
      lastMask = (1 << (7 - <u32>(end & 7))) - 1;
      start >>= 3;
      end >>= 3;
    }
  } else if (argc != 3) {
    error(REPLY, ERR_SYNTAX);
    return;
  }
  // An empty range holds neither a 0 nor a 1.
  if (start > end) {
    integer(REPLY, -1);
    return;
  }
  // The edge bytes of a BIT range are masked so bits outside it never match (Redis's order of steps).
  const tmp = memory.data(8);
  let bytes = end - start + 1;
  let pos: i64 = -1;
  let done = false;
  if (firstMask != 0) {
    let c = <u32>load<u8>(p + <usize>start);
    c = bit ? c & ~firstMask : c | firstMask;
    if (lastMask != 0 && bytes == 1) c = bit ? c & ~lastMask : c | lastMask;
    store<u8>(tmp, <u8>c);
    pos = bitposIn(tmp, 1, bit);
    if (bytes == 1 || (pos != -1 && pos != 8)) done = true;
    else {
      start++;
      bytes--;
    }
  }
  if (!done) {
    const cur = bytes - (lastMask != 0 ? 1 : 0);
    if (cur > 0) {
      pos = bitposIn(p + <usize>start, <usize>cur, bit);
      if (bytes == cur || (pos != -1 && pos != cur << 3)) done = true;
      else {
        start += cur;
        bytes -= cur;
      }
    }
  }
  if (!done) {
    let c = <u32>load<u8>(p + <usize>end);
    c = bit ? c & ~lastMask : c | lastMask;
    store<u8>(tmp, <u8>c);
    pos = bitposIn(tmp, 1, bit);
  }
  // With an explicit end, a clear bit found just past the range is not in it.
  if (endGiven && bit == 0 && pos == bytes << 3) {
    integer(REPLY, -1);
    return;
  }
  if (pos != -1) pos += start << 3;
  integer(REPLY, pos);
}

const OP_AND = 0;
const OP_OR = 1;
const OP_XOR = 2;
const OP_NOT = 3;

export function cmdBitop(): void {
  const np = argPtr(1);
  const nl = argLen(1);
  let op: i32;
  if (argIs(np, nl, "and")) op = OP_AND;
  else if (argIs(np, nl, "or")) op = OP_OR;
  else if (argIs(np, nl, "xor")) op = OP_XOR;
  else if (argIs(np, nl, "not")) op = OP_NOT;
  else {
    error(REPLY, ERR_SYNTAX);
    return;
  }
  if (op == OP_NOT && argc != 4) {
    error(REPLY, ERR_BITOP_NOT);
    return;
  }
  // Check every source (WRONGTYPE before anything changes) and find the longest.
  let maxLen: u32 = 0;
  for (let i = 3; i < argc; i++) {
    const e = lookup(argPtr(i), argLen(i));
    if (e == 0) continue;
    if (eType(e) != T_STRING) {
      error(REPLY, ERR_WRONGTYPE);
      return;
    }
    if (eValLen(e) > maxLen) maxLen = eValLen(e);
  }
  const kp = argPtr(2);
  const kl = argLen(2);
  if (maxLen == 0) {
    // Every source is empty or missing: the destination is deleted (any type), as in Redis.
    if (lookup(kp, kl) != 0) {
      deleteAt(foundSlot);
      effect(2, "DEL");
      effectArg(kp, kl);
    }
    integer(REPLY, 0);
    return;
  }
  // The result is built in a new entry before the destination (maybe a source) is replaced.
  const n = newEntry(kp, kl, maxLen, T_STRING, -1, true);
  if (n == 0) {
    error(REPLY, ERR_OOM);
    return;
  }
  const d = eVal(n);
  const first = lookup(argPtr(3), argLen(3));
  copySource(d, first, maxLen);
  if (op == OP_NOT) {
    let i: u32 = 0;
    while (i + 8 <= maxLen) {
      store<u64>(d + i, ~load<u64>(d + i));
      i += 8;
    }
    while (i < maxLen) {
      store<u8>(d + i, ~load<u8>(d + i));
      i++;
    }
  } else {
    for (let k = 4; k < argc; k++) {
      const e = lookup(argPtr(k), argLen(k));
      const sl: u32 = e == 0 ? 0 : eValLen(e);
      const s: usize = e == 0 ? 0 : eVal(e);
      combine(d, s, sl, maxLen, op);
    }
  }
  setEncoding(n, ENC_ALT);
  lookup(kp, kl);
  if (!install(n)) {
    error(REPLY, ERR_OOM);
    return;
  }
  integer(REPLY, maxLen);
  // Deterministic on the same sources, which replay reproduces: log the command as sent.
  raw(EFFECTS, cmdStart, <u32>(cmdEnd - cmdStart));
}

/** Copies source e (0 = missing) into d, zero-padded to n bytes. */
function copySource(d: usize, e: usize, n: u32): void {
  const sl: u32 = e == 0 ? 0 : eValLen(e);
  if (sl > 0) memory.copy(d, eVal(e), sl);
  if (sl < n) memory.fill(d + sl, 0, n - sl);
}

/** d = d op s over n bytes, where s has sl bytes and is zero past them. */
function combine(d: usize, s: usize, sl: u32, n: u32, op: i32): void {
  let i: u32 = 0;
  if (op == OP_AND) {
    while (i + 8 <= sl) {
      store<u64>(d + i, load<u64>(d + i) & load<u64>(s + i));
      i += 8;
    }
    while (i < sl) {
      store<u8>(d + i, load<u8>(d + i) & load<u8>(s + i));
      i++;
    }
    if (sl < n) memory.fill(d + sl, 0, n - sl);
  } else if (op == OP_OR) {
    while (i + 8 <= sl) {
      store<u64>(d + i, load<u64>(d + i) | load<u64>(s + i));
      i += 8;
    }
    while (i < sl) {
      store<u8>(d + i, load<u8>(d + i) | load<u8>(s + i));
      i++;
    }
  } else {
    while (i + 8 <= sl) {
      store<u64>(d + i, load<u64>(d + i) ^ load<u64>(s + i));
      i += 8;
    }
    while (i < sl) {
      store<u8>(d + i, load<u8>(d + i) ^ load<u8>(s + i));
      i++;
    }
  }
}
