// IEEE doubles as Redis reads and writes sorted-set scores: a correctly rounded strtod (decimal, hex,
// inf) in Redis's strict (getDoubleFromObject) and range (zslParseRange) flavours, and printf's "%.17g".
import { bigBit, bigAnyBelow, bigBitLen, bigBits, bigDiv, bigDivSmall, bigIsZero, bigMulAdd, bigSetU64, bigShl } from "./bignum";

/** The last parsed value. */
export let parsedDouble: f64 = 0;

// @ts-ignore: decorator
@inline function isDigit(c: u32): bool {
  return c >= 0x30 && c <= 0x39;
}

function lower(c: u32): u32 {
  return c >= 0x41 && c <= 0x5a ? c + 32 : c;
}

function isSpace(c: u32): bool {
  return c == 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** Whether the bytes at i spell `word` (case-insensitive); no length check past len. */
function wordAt(p: usize, len: u32, i: u32, word: string): bool {
  const n = <u32>word.length;
  if (len - i < n) return false;
  for (let k: u32 = 0; k < n; k++) if (lower(load<u8>(p + i + k)) != <u32>word.charCodeAt(k)) return false;
  return true;
}

/** strtod's ERANGE: the value overflowed to ±inf or underflowed to zero. */
let rangeError = false;
let negative = false;

/**
 * Rounds register q * 2^-k (plus a sticky fraction) to the nearest double into parsedDouble (sign from
 * `negative`), setting rangeError on overflow or underflow to zero, as glibc's strtod.
 */
function roundToDouble(q: i32, k: i32, sticky: bool): void {
  rangeError = false;
  const L = bigBitLen(q);
  if (L == 0) {
    parsedDouble = negative ? -0.0 : 0.0;
    rangeError = sticky;
    return;
  }
  let te = L - 1 - k; // the value's binary exponent
  if (te > 1023) {
    rangeError = true;
    parsedDouble = negative ? -Infinity : Infinity;
    return;
  }
  let p = 53;
  if (te < -1022) p = 53 - (-1022 - te);
  if (p < 0) {
    rangeError = true;
    parsedDouble = negative ? -0.0 : 0.0;
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
      if (mant == (<u64>1) << <u64>p) {
        te++;
        if (p == 53) mant >>= 1;
        else p++;
        if (te > 1023) {
          rangeError = true;
          parsedDouble = negative ? -Infinity : Infinity;
          return;
        }
      }
    }
  }
  if (mant == 0) {
    rangeError = true;
    parsedDouble = negative ? -0.0 : 0.0;
    return;
  }
  // value = mant * 2^(te - p + 1), exact in a double.
  let bits: u64;
  if (p == 53) bits = (<u64>(te + 1023) << 52) | (mant & 0xfffffffffffff);
  else bits = mant << <u64>(te - p + 1 + 1074); // subnormal: mant * 2^-1074 (a carry into bit 52 makes it normal)
  parsedDouble = reinterpret<f64>(bits | (negative ? 0x8000000000000000 : 0));
}

/** Where strtod would stop parsing at i (i itself when nothing converts); the value goes to parsedDouble. */
function strtodAt(p: usize, len: u32, start: u32): u32 {
  let i = start;
  negative = false;
  rangeError = false;
  if (i < len && (load<u8>(p + i) == 0x2d || load<u8>(p + i) == 0x2b)) {
    negative = load<u8>(p + i) == 0x2d;
    i++;
  }
  if (wordAt(p, len, i, "inf")) {
    parsedDouble = negative ? -Infinity : Infinity;
    return wordAt(p, len, i, "infinity") ? i + 8 : i + 3;
  }
  if (wordAt(p, len, i, "nan")) {
    parsedDouble = NaN;
    return i + 3; // NaN(chars) forms are refused by every caller anyway
  }
  if (len - i >= 3 && load<u8>(p + i) == 0x30 && lower(load<u8>(p + i + 1)) == 0x78) {
    const c = lower(load<u8>(p + i + 2));
    const hexStart = isDigit(c) || (c >= 0x61 && c <= 0x66) ||
      (c == 0x2e && len - i >= 4 && (isDigit(load<u8>(p + i + 3)) || (lower(load<u8>(p + i + 3)) >= 0x61 && lower(load<u8>(p + i + 3)) <= 0x66)));
    if (hexStart) return hexAt(p, len, i + 2);
  }
  // Decimal: digits [. digits] [e [+-] digits]; up to 800 significant digits, the rest only as sticky.
  bigSetU64(0, 0);
  let small: u64 = 0; // the significant digits while they fit a double exactly (Clinger's fast path)
  let digits = 0;
  let any = false;
  let sticky = false;
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
      if (digits < 800) {
        if (digits < 15) small = small * 10 + <u64>(c - 0x30);
        bigMulAdd(0, 10, c - 0x30);
        digits++;
        if (seenDot) exp10--;
      } else {
        if (c != 0x30) sticky = true;
        if (!seenDot) exp10++;
      }
    } else if (c == 0x2e && !seenDot) seenDot = true;
    else break;
  }
  if (!any) return start;
  i = exponentAt(p, len, i, 0x65);
  exp10 += parsedExponent;
  if (digits == 0) {
    parsedDouble = negative ? -0.0 : 0.0;
    return i;
  }
  // Up to 15 digits are exact in a double, and so is 10^k for k <= 22: one correctly rounded operation.
  if (digits <= 15 && exp10 >= -22 && exp10 <= 22) {
    const m = <f64>small;
    const v = exp10 >= 0 ? m * POW10[<i32>exp10] : m / POW10[<i32>-exp10];
    parsedDouble = negative ? -v : v;
    return i;
  }
  const magnitude = <i64>digits + exp10;
  if (magnitude > 310) {
    rangeError = true;
    parsedDouble = negative ? -Infinity : Infinity;
    return i;
  }
  if (magnitude < -330) {
    rangeError = true;
    parsedDouble = negative ? -0.0 : 0.0;
    return i;
  }
  if (exp10 >= 0) {
    for (let k: i64 = 0; k < exp10; k++) bigMulAdd(0, 10, 0);
    roundToDouble(0, 0, sticky);
  } else {
    bigSetU64(1, 1);
    for (let k: i64 = 0; k < -exp10; k++) bigMulAdd(1, 10, 0);
    let shift = 56 + bigBitLen(1) - bigBitLen(0);
    if (shift < 0) shift = 0;
    bigShl(0, shift);
    bigDiv(0, 1, 2, 3);
    roundToDouble(2, shift, sticky || !bigIsZero(0));
  }
  return i;
}

let parsedExponent: i64 = 0;

const POW10: StaticArray<f64> = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/** An optional exponent (marker `e` or `p`) at i: returns where it ends (i when there is none). */
function exponentAt(p: usize, len: u32, i: u32, marker: u32): u32 {
  parsedExponent = 0;
  if (i >= len || lower(load<u8>(p + i)) != marker) return i;
  let j = i + 1;
  let neg = false;
  if (j < len && (load<u8>(p + j) == 0x2d || load<u8>(p + j) == 0x2b)) {
    neg = load<u8>(p + j) == 0x2d;
    j++;
  }
  if (j >= len || !isDigit(load<u8>(p + j))) return i;
  let v: i64 = 0;
  for (; j < len && isDigit(load<u8>(p + j)); j++) if (v < 100000000) v = v * 10 + <i64>(load<u8>(p + j) - 0x30);
  parsedExponent = neg ? -v : v;
  return j;
}

function hexAt(p: usize, len: u32, start: u32): u32 {
  bigSetU64(0, 0);
  let seenDot = false;
  let exp2: i64 = 0;
  let i = start;
  for (; i < len; i++) {
    const c = lower(load<u8>(p + i));
    let v: i32 = -1;
    if (isDigit(c)) v = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) v = c - 0x61 + 10;
    if (v >= 0) {
      if (bigBitLen(0) < 4000) {
        bigMulAdd(0, 16, v);
        if (seenDot) exp2 -= 4;
      } else if (!seenDot) exp2 += 4;
    } else if (c == 0x2e && !seenDot) seenDot = true;
    else break;
  }
  i = exponentAt(p, len, i, 0x70);
  exp2 += parsedExponent;
  if (bigIsZero(0)) {
    parsedDouble = negative ? -0.0 : 0.0;
    return i;
  }
  if (exp2 > 5000) {
    rangeError = true;
    parsedDouble = negative ? -Infinity : Infinity;
  } else if (exp2 < -5000) {
    rangeError = true;
    parsedDouble = negative ? -0.0 : 0.0;
  } else if (exp2 >= 0) {
    bigShl(0, <i32>exp2);
    roundToDouble(0, 0, false);
  } else roundToDouble(0, <i32>-exp2, false);
  return i;
}

/**
 * Redis's getDoubleFromObject: the whole string is one strtod number, no leading space, not NaN, no
 * overflow and no underflow to zero. The value is in parsedDouble.
 */
export function parseScore(p: usize, len: u32): bool {
  if (len == 0 || isSpace(load<u8>(p))) return false;
  const end = strtodAt(p, len, 0);
  if (end != len || isNaN(parsedDouble)) return false;
  return !(rangeError && (parsedDouble == 0 || !isFinite(parsedDouble)));
}

/**
 * zslParseRange's strtod: leading spaces skipped, the number must end the string or be followed by a
 * NUL byte (C string semantics), overflow and underflow accepted, an empty string is 0, NaN refused.
 */
export function parseRangeScore(p: usize, len: u32): bool {
  let i: u32 = 0;
  while (i < len && isSpace(load<u8>(p + i))) i++;
  let end = strtodAt(p, len, i);
  if (end == i) {
    end = 0; // nothing converted: strtod leaves the end pointer at the start
    parsedDouble = 0;
  }
  if (end < len && load<u8>(p + end) != 0) return false;
  return !isNaN(parsedDouble);
}

const DIGITS = memory.data(1100);

/** Writes the digits of register r in decimal at d (destroying r); returns the count. */
function decimalDigits(r: i32, d: usize): u32 {
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
  for (let a: u32 = 0, b = n - 1; n > 0 && a < b; a++, b--) {
    const t = load<u8>(d + a);
    store<u8>(d + a, load<u8>(d + b));
    store<u8>(d + b, t);
  }
  return n;
}

function writeUnsigned(d: usize, v: u64): u32 {
  let n: u32 = 0;
  let t = v;
  do {
    n++;
    t /= 10;
  } while (t != 0);
  for (let i = n; i > 0; i--) {
    store<u8>(d + i - 1, <u8>(0x30 + <u32>(v % 10)));
    v /= 10;
  }
  return n;
}

/** Writes v as C's printf("%.17g") (inf and -inf as Redis spells them); returns the length (at most 32). */
export function formatScore(v: f64, d: usize): u32 {
  let n: u32 = 0;
  const bits = reinterpret<u64>(v);
  if (bits >> 63) {
    store<u8>(d, 0x2d);
    n = 1;
    v = -v;
  }
  if (v == Infinity) {
    store<u8>(d + n, 0x69);
    store<u8>(d + n + 1, 0x6e);
    store<u8>(d + n + 2, 0x66);
    return n + 3;
  }
  if (v < 1e17 && v == Math.floor(v)) return n + writeUnsigned(d + n, <u64>v);
  // Exact digits: v = m * 2^e2, so v = m * 5^-e2 / 10^-e2 when e2 < 0.
  const vb = reinterpret<u64>(v);
  const be = <i32>(vb >> 52);
  let m = vb & 0xfffffffffffff;
  let e2: i32;
  if (be == 0) e2 = -1074;
  else {
    m |= <u64>1 << 52;
    e2 = be - 1075;
  }
  bigSetU64(0, m);
  let point: i32; // value = 0.DIGITS * 10^point
  let count: i32;
  if (e2 >= 0) {
    bigShl(0, e2);
    count = <i32>decimalDigits(0, DIGITS);
    point = count;
  } else {
    let k = -e2;
    while (k >= 13) {
      bigMulAdd(0, 1220703125, 0); // 5^13
      k -= 13;
    }
    let f: u32 = 1;
    for (let j = 0; j < k; j++) f *= 5;
    bigMulAdd(0, f, 0);
    count = <i32>decimalDigits(0, DIGITS);
    point = count + e2;
  }
  // Round to 17 significant digits, half to even on the exact remainder.
  if (count > 17) {
    const next = load<u8>(DIGITS + 17);
    let up = next > 0x35;
    if (next == 0x35) {
      let rest = false;
      for (let j = 18; j < count; j++) if (load<u8>(DIGITS + j) != 0x30) {
        rest = true;
        break;
      }
      up = rest || ((load<u8>(DIGITS + 16) - 0x30) & 1) != 0;
    }
    count = 17;
    if (up) {
      let j = 16;
      while (j >= 0 && load<u8>(DIGITS + j) == 0x39) {
        store<u8>(DIGITS + j, 0x30);
        j--;
      }
      if (j < 0) {
        store<u8>(DIGITS, 0x31);
        point++;
      } else store<u8>(DIGITS + j, load<u8>(DIGITS + j) + 1);
    }
  }
  // %g drops trailing zeros.
  while (count > 1 && load<u8>(DIGITS + count - 1) == 0x30) count--;
  const x = point - 1;
  if (x >= -4 && x < 17) {
    if (x < 0) {
      store<u8>(d + n++, 0x30);
      store<u8>(d + n++, 0x2e);
      for (let j = 0; j < -x - 1; j++) store<u8>(d + n++, 0x30);
      for (let j = 0; j < count; j++) store<u8>(d + n++, load<u8>(DIGITS + j));
    } else {
      for (let j = 0; j <= x; j++) store<u8>(d + n++, j < count ? load<u8>(DIGITS + j) : 0x30);
      if (count > x + 1) {
        store<u8>(d + n++, 0x2e);
        for (let j = x + 1; j < count; j++) store<u8>(d + n++, load<u8>(DIGITS + j));
      }
    }
    return n;
  }
  store<u8>(d + n++, load<u8>(DIGITS));
  if (count > 1) {
    store<u8>(d + n++, 0x2e);
    for (let j = 1; j < count; j++) store<u8>(d + n++, load<u8>(DIGITS + j));
  }
  store<u8>(d + n++, 0x65);
  store<u8>(d + n++, x < 0 ? 0x2d : 0x2b);
  const ax = x < 0 ? -x : x;
  if (ax < 10) store<u8>(d + n++, 0x30);
  return n + writeUnsigned(d + n, <u64>ax);
}
