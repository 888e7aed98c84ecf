// BITFIELD and BITFIELD_RO (Redis bitops.c): GET/SET/INCRBY of signed (i1..i64) and unsigned (u1..u63) fields at
// bit offsets (`#n` counts fields), OVERFLOW WRAP|SAT|FAIL. Logged as BITFIELD SETs of the values written.
import { bitOffset, bitString, bitStringGrew, parseBitOffset } from "./bitmap";
import { EFFECTS, arrayHeader, bulk, error, integer, nil, outLen, REPLY, truncate, writeI64 } from "./out";
import { effect, effectArg, effectInt, lookup, markDirty, T_STRING } from "./db";
import { ERR_BITFIELD_OVERFLOW, ERR_BITFIELD_RO, ERR_BITFIELD_TYPE, ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE } from "./errors";
import { argIs, parseI64, parsedInt } from "./numbers";
import { cStringLen } from "./out";
import { argc, argLen, argPtr } from "./request";
import { eType, eVal, eValLen } from "./table";

const OP_GET = 0;
const OP_SET = 1;
const OP_INCRBY = 2;
const WRAP = 0;
const SAT = 1;
const FAIL = 2;

let fieldSigned = false;
let fieldBits: i64 = 0;

/** Redis's getBitfieldTypeFromArgument: `i1`..`i64` or `u1`..`u63` (lowercase; digits up to a NUL, as strlen reads them). */
function parseType(i: i32): bool {
  const p = argPtr(i);
  const l = argLen(i);
  const c = l > 0 ? load<u8>(p) : 0;
  if (c == 0x69) fieldSigned = true;
  else if (c == 0x75) fieldSigned = false;
  else {
    error(REPLY, ERR_BITFIELD_TYPE);
    return false;
  }
  if (!parseI64(p + 1, cStringLen(p + 1, l - 1, l)) || parsedInt < 1 || parsedInt > (fieldSigned ? 64 : 63)) {
    error(REPLY, ERR_BITFIELD_TYPE);
    return false;
  }
  fieldBits = parsedInt;
  return true;
}

/** The subcommand at argv[j] with `rest` arguments after it: an OP_ code, 3 for OVERFLOW, -1 for a syntax error. */
function opcodeAt(j: i32, rest: i32): i32 {
  const p = argPtr(j);
  const l = argLen(j);
  if (argIs(p, l, "get") && rest >= 2) return OP_GET;
  if (argIs(p, l, "set") && rest >= 3) return OP_SET;
  if (argIs(p, l, "incrby") && rest >= 3) return OP_INCRBY;
  if (argIs(p, l, "overflow") && rest >= 1) return 3;
  return -1;
}

function overflowAt(j: i32): i32 {
  const p = argPtr(j);
  const l = argLen(j);
  if (argIs(p, l, "wrap")) return WRAP;
  if (argIs(p, l, "sat")) return SAT;
  if (argIs(p, l, "fail")) return FAIL;
  return -1;
}

function getUnsigned(p: usize, offset: u64, bits: i64): u64 {
  let v: u64 = 0;
  for (let j: i64 = 0; j < bits; j++) {
    const b = (<u64>load<u8>(p + <usize>(offset >> 3)) >> (7 - (offset & 7))) & 1;
    v = (v << 1) | b;
    offset++;
  }
  return v;
}

function getSigned(p: usize, offset: u64, bits: i64): i64 {
  let v = <i64>getUnsigned(p, offset, bits);
  if (bits < 64 && (v & (<i64>1 << (bits - 1))) != 0) v |= <i64>(<u64>-1 << <u64>bits);
  return v;
}

function setUnsigned(p: usize, offset: u64, bits: i64, value: u64): void {
  for (let j: i64 = 0; j < bits; j++) {
    const b = <u32>((value >> <u64>(bits - 1 - j)) & 1);
    const at = p + <usize>(offset >> 3);
    const shift = 7 - <u32>(offset & 7);
    store<u8>(at, <u8>((<u32>load<u8>(at) & ~(1 << shift)) | (b << shift)));
    offset++;
  }
}

/** The value an overflowing operation stores (WRAP, SAT), set by the overflow checks. */
let limit: i64 = 0;

/** Redis's checkSignedBitfieldOverflow: 1 above, -1 below, 0 in range. */
function signedOverflow(value: i64, incr: i64, bits: i64, ow: i32): i32 {
  const max: i64 = bits == 64 ? i64.MAX_VALUE : (<i64>1 << (bits - 1)) - 1;
  const min: i64 = -max - 1;
  const maxincr = <i64>(<u64>max - <u64>value);
  const minincr = min - value;
  let r = 0;
  if (value > max || (bits != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr)) {
    r = 1;
    if (ow == SAT) limit = max;
  } else if (value < min || (bits != 64 && incr < minincr) || (value < 0 && incr < 0 && incr < minincr)) {
    r = -1;
    if (ow == SAT) limit = min;
  }
  if (r != 0 && ow == WRAP) {
    let c = <u64>value + <u64>incr;
    if (bits < 64) {
      const mask = <u64>-1 << <u64>bits;
      const msb = <u64>1 << <u64>(bits - 1);
      c = c & msb ? c | mask : c & ~mask;
    }
    limit = <i64>c;
  }
  return r;
}

/** Redis's checkUnsignedBitfieldOverflow (bits <= 63). */
function unsignedOverflow(value: u64, incr: i64, bits: i64, ow: i32): i32 {
  const max: u64 = (<u64>1 << <u64>bits) - 1;
  const maxincr = <i64>(max - value);
  const minincr = <i64>(<u64>0 - value);
  let r = 0;
  if (value > max || (incr > 0 && incr > maxincr)) {
    r = 1;
    if (ow == SAT) limit = <i64>max;
  } else if (incr < 0 && incr < minincr) {
    r = -1;
    if (ow == SAT) limit = 0;
  }
  if (r != 0 && ow == WRAP) limit = <i64>((value + <u64>incr) & max);
  return r;
}

const typeName = memory.data(4);

export function cmdBitfield(): void {
  bitfieldGeneric(false);
}

export function cmdBitfieldRo(): void {
  bitfieldGeneric(true);
}

function bitfieldGeneric(readonlyCommand: bool): void {
  // Pass 1: validate every operation (nothing runs if any is malformed), find the farthest bit written.
  let numops = 0;
  let writes = 0;
  let highest: u64 = 0;
  for (let j = 2; j < argc; j++) {
    const op = opcodeAt(j, argc - j - 1);
    if (op < 0) {
      error(REPLY, ERR_SYNTAX);
      return;
    }
    if (op == 3) {
      if (overflowAt(++j) < 0) {
        error(REPLY, ERR_BITFIELD_OVERFLOW);
        return;
      }
      continue;
    }
    if (!parseType(j + 1) || !parseBitOffset(j + 2, true, fieldBits)) return;
    if (op != OP_GET) {
      writes++;
      const last = bitOffset + <u64>fieldBits - 1;
      if (highest < last) highest = last;
      if (!parseI64(argPtr(j + 3), argLen(j + 3))) {
        error(REPLY, ERR_NOT_INTEGER);
        return;
      }
    }
    numops++;
    j += op == OP_GET ? 2 : 3;
  }
  let e: usize = 0;
  if (writes == 0) {
    e = lookup(argPtr(1), argLen(1));
    if (e != 0 && eType(e) != T_STRING) {
      error(REPLY, ERR_WRONGTYPE);
      return;
    }
  } else {
    if (readonlyCommand) {
      error(REPLY, ERR_BITFIELD_RO);
      return;
    }
    e = bitString(highest);
    if (e == 0) return;
  }
  // Pass 2: run them in order. Each write is logged as `SET type offset stored-value`, whose value is in range,
  // so replay under the default WRAP stores the same bits; a FAIL that stored nothing logs `INCRBY type offset 0`,
  // which keeps the string's growth to the farthest field.
  const mark = outLen(EFFECTS);
  let changed = bitStringGrew;
  if (writes > 0) {
    effect(2 + 4 * writes, "BITFIELD");
    effectArg(argPtr(1), argLen(1));
  }
  arrayHeader(REPLY, numops);
  let ow = WRAP;
  for (let j = 2; j < argc; j++) {
    const op = opcodeAt(j, argc - j - 1);
    if (op == 3) {
      ow = overflowAt(++j);
      continue;
    }
    parseType(j + 1);
    parseBitOffset(j + 2, true, fieldBits);
    const off = bitOffset;
    const bits = fieldBits;
    if (op == OP_GET) {
      // Read through a zero-padded copy of up to 9 bytes: the string may end before the field does.
      const buf = memory.data(16);
      store<u64>(buf, 0);
      store<u64>(buf, 0, 8);
      const byte = off >> 3;
      const len = e == 0 ? 0 : <u64>eValLen(e);
      for (let i: u64 = 0; i < 9 && byte + i < len; i++) store<u8>(buf + <usize>i, load<u8>(eVal(e) + <usize>(byte + i)));
      const rel = off - (byte << 3);
      if (fieldSigned) integer(REPLY, getSigned(buf, rel, bits));
      else integer(REPLY, <i64>getUnsigned(buf, rel, bits));
      j += 2;
      continue;
    }
    parseI64(argPtr(j + 3), argLen(j + 3));
    const arg = parsedInt;
    const p = eVal(e);
    let overflow = 0;
    let stored: i64 = 0;
    let reply: i64 = 0;
    if (fieldSigned) {
      const old = getSigned(p, off, bits);
      if (op == OP_INCRBY) {
        overflow = signedOverflow(old, arg, bits, ow);
        stored = overflow ? limit : old + arg;
        reply = stored;
      } else {
        overflow = signedOverflow(arg, 0, bits, ow);
        stored = overflow ? limit : arg;
        reply = old;
      }
    } else {
      const old = getUnsigned(p, off, bits);
      if (op == OP_INCRBY) {
        overflow = unsignedOverflow(old, arg, bits, ow);
        stored = overflow ? limit : <i64>(old + <u64>arg);
        reply = stored;
      } else {
        overflow = unsignedOverflow(<u64>arg, 0, bits, ow);
        stored = overflow ? limit : arg;
        reply = <i64>old;
      }
    }
    store<u8>(typeName, fieldSigned ? 0x69 : 0x75);
    const tl = 1 + writeI64(typeName + 1, bits);
    if (overflow != 0 && ow == FAIL) {
      nil(REPLY);
      effectArg(INCRBY, 6);
      effectArg(typeName, tl);
      effectInt(<i64>off);
      effectInt(0);
    } else {
      integer(REPLY, reply);
      setUnsigned(p, off, bits, <u64>stored);
      changed = true;
      effectArg(SET, 3);
      effectArg(typeName, tl);
      effectInt(<i64>off);
      effectInt(stored);
    }
    j += 3;
  }
  if (changed) markDirty(e);
  else truncate(EFFECTS, mark);
}

const SET = memory.data<u8>([0x53, 0x45, 0x54]);
const INCRBY = memory.data<u8>([0x49, 0x4e, 0x43, 0x52, 0x42, 0x59]);
