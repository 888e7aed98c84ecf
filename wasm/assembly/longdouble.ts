// Software x87 long double (64-bit mantissa, 15-bit exponent, subnormals), exactly what Redis's
// INCRBYFLOAT computes with on x86-64: strtold parsing, correctly rounded addition, and "%.17Lf".
import {
  bigAdd, bigAnyBelow, bigBit, bigBitLen, bigBits, bigCmp, bigCopy, bigDiv, bigDivSmall, bigIsZero, bigMulAdd, bigSetU64,
  bigShl, bigSub,
} from "./bignum";

/** A value: neg, and for finite nonzero values m (bit 63 set) scaled so that value = m * 2^(e - 63). */
export let ldNeg: bool = false;
export let ldM: u64 = 0;
export let ldE: i32 = 0;
export let ldInf: bool = false;
/** The last parse or rounding underflowed to zero or overflowed (strtold's ERANGE). */
export let ldRange: bool = false;

const EMAX: i32 = 16383;
const EMIN: i32 = -16382;
/** Every long double is an integer multiple of 2^-16445 (the smallest subnormal). */
const LOW: i32 = 16445;

/** Rounds q * 2^-k (plus a sticky fraction) to nearest-even into ld*. */
function roundTo(q: i32, k: i32, sticky: bool): void {
  ldInf = false;
  ldRange = false;
  const L = bigBitLen(q);
  if (L == 0) {
    ldM = 0;
    ldE = 0;
    ldRange = sticky;
    return;
  }
  let te = L - 1 - k;
  if (te > EMAX) {
    ldInf = true;
    ldRange = true;
    return;
  }
  let p = 64;
  if (te < EMIN) p = 64 - (EMIN - te);
  if (p < 0) {
    ldM = 0;
    ldE = 0;
    ldRange = true;
    return;
  }
  const drop = L - p;
  let mant: u64;
  if (drop <= 0) mant = bigBits(q, 0, L) << <u64>(-drop);
  else {
    mant = p == 0 ? 0 : bigBits(q, drop, p);
    const half = bigBit(q, drop - 1);
    const rest = sticky || bigAnyBelow(q, drop - 1);
    if (half && (rest || (mant & 1) != 0)) {
      mant++;
      if (p == 64 ? mant == 0 : mant == (<u64>1) << <u64>p) {
        // Carry out of the mantissa: one more binade.
        if (p == 64) mant = (<u64>1) << 63;
        te++;
        p = p == 64 ? 64 : p + 1;
        if (te > EMAX) {
          ldInf = true;
          ldRange = true;
          return;
        }
      }
    }
  }
  if (mant == 0) {
    ldM = 0;
    ldE = 0;
    ldRange = true;
    return;
  }
  // value = mant * 2^(te - p + 1); normalise so bit 63 is set.
  const lz = <i32>clz<u64>(mant);
  ldM = mant << <u64>lz;
  ldE = te - p + 1 + 63 - lz;
}

// @ts-ignore: decorator
@inline function isDigit(c: u32): bool {
  return c >= 0x30 && c <= 0x39;
}

function lower(c: u32): u32 {
  return c >= 0x41 && c <= 0x5a ? c + 32 : c;
}

function matchWord(p: usize, len: u32, at: u32, word: string): bool {
  if (len - at != <u32>word.length) return false;
  for (let i: u32 = 0; i < len - at; i++) if (lower(load<u8>(p + at + i)) != <u32>word.charCodeAt(i)) return false;
  return true;
}

let parsedExponent: i64 = 0;

/**
 * The exponent after `e` (decimal) or `p` (hex): an optional sign, then digits to the end of the
 * input, into parsedExponent. Saturates far past any representable exponent, as strtold does.
 */
function parseExponentTail(p: usize, start: u32, len: u32): bool {
  let i = start;
  let negative = false;
  if (i < len && (load<u8>(p + i) == 0x2d || load<u8>(p + i) == 0x2b)) {
    negative = load<u8>(p + i) == 0x2d;
    i++;
  }
  if (i >= len) return false;
  let value: i64 = 0;
  for (; i < len; i++) {
    const d = <u32>load<u8>(p + i);
    if (!isDigit(d)) return false;
    if (value < 100000000) value = value * 10 + <i64>(d - 0x30);
  }
  parsedExponent = negative ? -value : value;
  return true;
}

/**
 * Redis's string2ld: the whole string must be a strtold number (no leading space, no trailing bytes,
 * not NaN, no overflow, no underflow to zero). Sets ld*; false when Redis would refuse it.
 */
export function parseLongDouble(p: usize, len: u32): bool {
  if (len == 0 || len >= 5 * 1024) return false;
  let i: u32 = 0;
  ldNeg = false;
  ldInf = false;
  const c0 = <u32>load<u8>(p);
  if (c0 == 0x2d || c0 == 0x2b) {
    ldNeg = c0 == 0x2d;
    i = 1;
  }
  if (i >= len) return false;
  if (matchWord(p, len, i, "inf") || matchWord(p, len, i, "infinity")) {
    ldInf = true;
    return true;
  }
  if (len - i >= 2 && load<u8>(p + i) == 0x30 && lower(load<u8>(p + i + 1)) == 0x78) return parseHex(p, len, i + 2);
  // Decimal: digits [. digits] [e [+-] digits]
  bigSetU64(0, 0);
  let digits = 0;
  let any = false;
  let exp10: i64 = 0;
  let seenDot = false;
  for (; i < len; i++) {
    const c = <u32>load<u8>(p + i);
    if (isDigit(c)) {
      any = true;
      if (digits == 0 && c == 0x30) {
        if (seenDot) exp10--;
        continue;
      }
      if (digits < 6000) {
        bigMulAdd(0, 10, c - 0x30);
        digits++;
        if (seenDot) exp10--;
      } else if (!seenDot) exp10++;
    } else if (c == 0x2e && !seenDot) seenDot = true;
    else break;
  }
  if (!any) return false;
  if (i < len) {
    if (lower(load<u8>(p + i)) != 0x65 || !parseExponentTail(p, i + 1, len)) return false;
    exp10 += parsedExponent;
  }
  if (digits == 0) {
    ldM = 0;
    ldE = 0;
    return true;
  }
  // Far outside the long double range: overflow or underflow without big arithmetic.
  const magnitude = <i64>digits + exp10;
  if (magnitude > 4934) return false;
  if (magnitude < -4952) return false;
  if (exp10 >= 0) {
    for (let k: i64 = 0; k < exp10; k++) bigMulAdd(0, 10, 0);
    roundTo(0, 0, false);
  } else {
    bigSetU64(1, 1);
    for (let k: i64 = 0; k < -exp10; k++) bigMulAdd(1, 10, 0);
    let shift = 66 + bigBitLen(1) - bigBitLen(0);
    if (shift < 0) shift = 0;
    bigShl(0, shift);
    bigDiv(0, 1, 2, 3);
    roundTo(2, shift, !bigIsZero(0));
  }
  return !ldRange && !ldInf;
}

function parseHex(p: usize, len: u32, start: u32): bool {
  bigSetU64(0, 0);
  let any = false;
  let seenDot = false;
  let exp2: i64 = 0;
  let i = start;
  for (; i < len; i++) {
    const c = lower(load<u8>(p + i));
    let v: i32 = -1;
    if (isDigit(c)) v = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) v = c - 0x61 + 10;
    if (v >= 0) {
      any = true;
      if (bigBitLen(0) < 20000) {
        bigMulAdd(0, 16, v);
        if (seenDot) exp2 -= 4;
      } else if (!seenDot) exp2 += 4;
    } else if (c == 0x2e && !seenDot) seenDot = true;
    else break;
  }
  if (!any) return false;
  if (i < len) {
    if (lower(load<u8>(p + i)) != 0x70 || !parseExponentTail(p, i + 1, len)) return false;
    exp2 += parsedExponent;
  }
  if (bigIsZero(0)) {
    ldM = 0;
    ldE = 0;
    return true;
  }
  if (exp2 > 40000 || exp2 < -40000) return false;
  roundTo(0, <i32>-exp2, false);
  return !ldRange && !ldInf;
}

/** Loads the current ld* value into register r as an integer multiple of 2^-LOW. */
function toBig(r: i32): void {
  bigSetU64(r, ldM);
  if (ldM != 0) bigShl(r, ldE - 63 + LOW);
}

/** a + b where a is (aNeg, aM, aE) and b is the current ld*; the sum is left in ld* (ldInf on overflow). */
export function addLongDouble(aNeg: bool, aM: u64, aE: i32): void {
  const bNeg = ldNeg;
  toBig(1);
  ldM = aM;
  ldE = aE;
  toBig(0);
  let neg = aNeg;
  if (aNeg == bNeg) bigAdd(0, 1);
  else if (bigCmp(0, 1) >= 0) bigSub(0, 1);
  else {
    bigSub(1, 0);
    bigCopy(0, 1);
    neg = bNeg;
  }
  if (bigIsZero(0)) {
    // x + (-x) is +0 when rounding to nearest; (-0) + (-0) stays -0.
    ldNeg = aNeg && bNeg;
    ldM = 0;
    ldE = 0;
    ldInf = false;
    return;
  }
  roundTo(0, LOW, false);
  ldNeg = neg;
}

/** 64x64 -> 128-bit product. */
let mulHi: u64 = 0;
function mul64(a: u64, b: u64): u64 {
  const a0 = a & 0xffffffff;
  const a1 = a >> 32;
  const b0 = b & 0xffffffff;
  const b1 = b >> 32;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  mulHi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
  return (mid << 32) | (p00 & 0xffffffff);
}

const FRAC_SCALE: u64 = 100000000000000000; // 10^17

/** Writes the current ld* value like printf("%.17Lf") with Redis's trailing-zero trim; returns the length. */
export function formatLongDouble(d: usize): u32 {
  let n: u32 = 0;
  if (ldNeg) store<u8>(d + n++, 0x2d);
  const s = ldE - 63;
  let intPart: u64 = 0;
  let frac: u64 = 0; // the 17 decimals
  if (ldM == 0) {
    // zero
  } else if (s >= 0) {
    bigSetU64(0, ldM);
    bigShl(0, s);
    n += bigToDecimal(0, d + n);
    return trimZero(d, n);
  } else {
    const sh = -s;
    intPart = sh >= 64 ? 0 : ldM >> <u64>sh;
    const f = sh >= 64 ? ldM : ldM & (((<u64>1) << <u64>sh) - 1);
    const lo = mul64(f, FRAC_SCALE);
    const hi = mulHi;
    // q = (hi:lo) >> sh, with round-half-even on the remainder.
    let q: u64 = 0;
    let roundUp = false;
    if (sh < 128) {
      let remHi: u64;
      let remLo: u64;
      if (sh >= 64) {
        q = hi >> <u64>(sh - 64);
        remHi = sh == 64 ? 0 : hi & (((<u64>1) << <u64>(sh - 64)) - 1);
        remLo = lo;
      } else {
        q = (lo >> <u64>sh) | (sh == 0 ? 0 : hi << <u64>(64 - sh));
        remHi = 0;
        remLo = lo & (((<u64>1) << <u64>sh) - 1);
      }
      // half = 2^(sh-1)
      let halfHi: u64 = 0;
      let halfLo: u64 = 0;
      if (sh - 1 >= 64) halfHi = (<u64>1) << <u64>(sh - 1 - 64);
      else halfLo = (<u64>1) << <u64>(sh - 1);
      const gt = remHi > halfHi || (remHi == halfHi && remLo > halfLo);
      const eq = remHi == halfHi && remLo == halfLo;
      roundUp = gt || (eq && (q & 1) != 0);
    }
    if (roundUp) q++;
    if (q >= FRAC_SCALE) {
      q -= FRAC_SCALE;
      intPart++;
    }
    frac = q;
  }
  bigSetU64(0, intPart);
  n += intPart == 0 ? zeroDigit(d + n) : bigToDecimal(0, d + n);
  store<u8>(d + n++, 0x2e);
  for (let k = 16; k >= 0; k--) {
    store<u8>(d + n + <u32>k, <u8>(0x30 + <u32>(frac % 10)));
    frac /= 10;
  }
  n += 17;
  // Remove trailing zeros after the '.', then the '.' itself.
  while (load<u8>(d + n - 1) == 0x30) n--;
  if (load<u8>(d + n - 1) == 0x2e) n--;
  return trimZero(d, n);
}

function zeroDigit(d: usize): u32 {
  store<u8>(d, 0x30);
  return 1;
}

/** Redis prints "-0" as "0". */
function trimZero(d: usize, n: u32): u32 {
  if (n == 2 && load<u8>(d) == 0x2d && load<u8>(d + 1) == 0x30) {
    store<u8>(d, 0x30);
    return 1;
  }
  return n;
}

/** Writes register r in decimal at d (destroying r); returns the digit count. */
function bigToDecimal(r: i32, d: usize): u32 {
  // Peel 9 digits at a time into a chunk list (written backwards), then reverse.
  let n: u32 = 0;
  while (!bigIsZero(r)) {
    let chunk = bigDivSmall(r, 1000000000);
    const last = bigIsZero(r);
    for (let k = 0; k < 9; k++) {
      if (last && chunk == 0) break;
      store<u8>(d + n++, <u8>(0x30 + chunk % 10));
      chunk /= 10;
    }
  }
  if (n == 0) store<u8>(d + n++, 0x30);
  for (let a: u32 = 0, b = n - 1; a < b; a++, b--) {
    const t = load<u8>(d + a);
    store<u8>(d + a, load<u8>(d + b));
    store<u8>(d + b, t);
  }
  return n;
}
