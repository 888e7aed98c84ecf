// Fixed-capacity unsigned big integers (u32 limbs, little-endian) for exact long-double conversions.
// Four static registers; no allocation, so INCRBYFLOAT never depends on the heap.

export const LIMBS: i32 = 2400;
const REGS = memory.data(4 * LIMBS * 4);
const lens = memory.data(4 * 4);

// @ts-ignore: decorator
@inline function base(r: i32): usize {
  return REGS + <usize>(r * LIMBS * 4);
}
// @ts-ignore: decorator
@inline export function bigLen(r: i32): i32 {
  return load<i32>(lens + (<usize>r << 2));
}
// @ts-ignore: decorator
@inline function setLen(r: i32, n: i32): void {
  while (n > 0 && load<u32>(base(r) + (<usize>(n - 1) << 2)) == 0) n--;
  store<i32>(lens + (<usize>r << 2), n);
}
// @ts-ignore: decorator
@inline function limb(r: i32, i: i32): u32 {
  return i < bigLen(r) ? load<u32>(base(r) + (<usize>i << 2)) : 0;
}

export function bigSetU64(r: i32, v: u64): void {
  store<u32>(base(r), <u32>v);
  store<u32>(base(r) + 4, <u32>(v >> 32));
  setLen(r, 2);
}

export function bigCopy(dst: i32, src: i32): void {
  memory.copy(base(dst), base(src), <usize>bigLen(src) << 2);
  store<i32>(lens + (<usize>dst << 2), bigLen(src));
}

export function bigIsZero(r: i32): bool {
  return bigLen(r) == 0;
}

/** r = r * m + add. Returns false on overflow of the capacity. */
export function bigMulAdd(r: i32, m: u32, add: u32): bool {
  const n = bigLen(r);
  let carry: u64 = add;
  const b = base(r);
  for (let i = 0; i < n; i++) {
    const t = <u64>load<u32>(b + (<usize>i << 2)) * m + carry;
    store<u32>(b + (<usize>i << 2), <u32>t);
    carry = t >> 32;
  }
  if (carry != 0) {
    if (n >= LIMBS) return false;
    store<u32>(b + (<usize>n << 2), <u32>carry);
    store<i32>(lens + (<usize>r << 2), n + 1);
  }
  return true;
}

/** r = r / d (d > 0); returns the remainder. */
export function bigDivSmall(r: i32, d: u32): u32 {
  let rem: u64 = 0;
  const b = base(r);
  for (let i = bigLen(r) - 1; i >= 0; i--) {
    const cur = (rem << 32) | <u64>load<u32>(b + (<usize>i << 2));
    store<u32>(b + (<usize>i << 2), <u32>(cur / d));
    rem = cur % d;
  }
  setLen(r, bigLen(r));
  return <u32>rem;
}

export function bigBitLen(r: i32): i32 {
  const n = bigLen(r);
  if (n == 0) return 0;
  return (n - 1) * 32 + (32 - <i32>clz<u32>(limb(r, n - 1)));
}

export function bigBit(r: i32, i: i32): bool {
  if (i < 0) return false;
  return ((limb(r, i >> 5) >> (<u32>i & 31)) & 1) != 0;
}

/** Whether any bit below position i is set. */
export function bigAnyBelow(r: i32, i: i32): bool {
  if (i <= 0) return false;
  const whole = i >> 5;
  for (let k = 0; k < whole && k < bigLen(r); k++) if (limb(r, k) != 0) return true;
  const part = <u32>i & 31;
  return part != 0 && (limb(r, whole) & ((1 << part) - 1)) != 0;
}

/** Bits [from, from + count) as an integer (count <= 64). */
export function bigBits(r: i32, from: i32, count: i32): u64 {
  let v: u64 = 0;
  for (let k = count - 1; k >= 0; k--) v = (v << 1) | (bigBit(r, from + k) ? 1 : 0);
  return v;
}

/** r <<= bits. Returns false when it would not fit. */
export function bigShl(r: i32, bits: i32): bool {
  if (bigLen(r) == 0 || bits == 0) return true;
  const words = bits >> 5;
  const sh = <u32>bits & 31;
  const n = bigLen(r);
  if (n + words + 1 > LIMBS) return false;
  const b = base(r);
  store<u32>(b + (<usize>(n + words) << 2), 0);
  for (let i = n - 1; i >= 0; i--) {
    const v = load<u32>(b + (<usize>i << 2));
    if (sh != 0) {
      const hiPart = load<u32>(b + (<usize>(i + words + 1) << 2)) | (v >> (32 - sh));
      store<u32>(b + (<usize>(i + words + 1) << 2), hiPart);
      store<u32>(b + (<usize>(i + words) << 2), v << sh);
    } else store<u32>(b + (<usize>(i + words) << 2), v);
  }
  for (let i = 0; i < words; i++) store<u32>(b + (<usize>i << 2), 0);
  setLen(r, n + words + 1);
  return true;
}

/** r >>= 1. */
export function bigShr1(r: i32): void {
  const n = bigLen(r);
  const b = base(r);
  for (let i = 0; i < n; i++) {
    const v = load<u32>(b + (<usize>i << 2)) >> 1;
    const next = i + 1 < n ? load<u32>(b + (<usize>(i + 1) << 2)) << 31 : 0;
    store<u32>(b + (<usize>i << 2), v | next);
  }
  setLen(r, n);
}

export function bigCmp(a: i32, b: i32): i32 {
  const na = bigLen(a);
  const nb = bigLen(b);
  if (na != nb) return na > nb ? 1 : -1;
  for (let i = na - 1; i >= 0; i--) {
    const x = limb(a, i);
    const y = limb(b, i);
    if (x != y) return x > y ? 1 : -1;
  }
  return 0;
}

/** a -= b (requires a >= b). */
export function bigSub(a: i32, b: i32): void {
  const n = bigLen(a);
  let borrow: i64 = 0;
  const pa = base(a);
  for (let i = 0; i < n; i++) {
    let t = <i64>load<u32>(pa + (<usize>i << 2)) - <i64>limb(b, i) - borrow;
    borrow = t < 0 ? 1 : 0;
    if (t < 0) t += <i64>0x100000000;
    store<u32>(pa + (<usize>i << 2), <u32>t);
  }
  setLen(a, n);
}

/** a += b. */
export function bigAdd(a: i32, b: i32): bool {
  const n = max(bigLen(a), bigLen(b));
  if (n + 1 > LIMBS) return false;
  const pa = base(a);
  let carry: u64 = 0;
  for (let i = 0; i < n; i++) {
    const t = <u64>limb(a, i) + <u64>limb(b, i) + carry;
    store<u32>(pa + (<usize>i << 2), <u32>t);
    carry = t >> 32;
  }
  store<u32>(pa + (<usize>n << 2), <u32>carry);
  store<i32>(lens + (<usize>a << 2), n + 1);
  setLen(a, n + 1);
  return true;
}

/** q = floor(a / b) as a register, leaving the remainder in a (b > 0; a's quotient fits in 128 bits here). */
export function bigDiv(a: i32, b: i32, q: i32, t: i32): void {
  bigSetU64(q, 0);
  const shift = bigBitLen(a) - bigBitLen(b);
  if (shift < 0) return;
  bigCopy(t, b);
  bigShl(t, shift);
  for (let j = shift; j >= 0; j--) {
    if (bigCmp(a, t) >= 0) {
      bigSub(a, t);
      setBit(q, j);
    }
    bigShr1(t);
  }
}

function setBit(r: i32, i: i32): void {
  const w = i >> 5;
  const b = base(r);
  for (let k = bigLen(r); k <= w; k++) store<u32>(b + (<usize>k << 2), 0);
  store<u32>(b + (<usize>w << 2), load<u32>(b + (<usize>w << 2)) | (1 << (<u32>i & 31)));
  if (w + 1 > bigLen(r)) store<i32>(lens + (<usize>r << 2), w + 1);
}
