// HyperLogLog on string values (Redis hyperloglog.c): PFADD, PFCOUNT, PFMERGE with Redis's exact algorithm
// (MurmurHash64A seed 0xadc83b19, 2^14 registers of 6 bits, Ertl's estimator), so counts equal Redis's.
// Values are always written in Redis's dense "HYLL" format (16-byte header + 12288 register bytes); Redis's
// sparse format is read too (a value copied from Redis), and converted to dense on the first write.
import { alloc, free } from "./alloc";
import { ENC_ALT, install, lookup, markDirty, newEntry, resizeValue, setEncoding, T_STRING } from "./db";
import { ERR_INVALID_HLL, ERR_NOT_HLL, ERR_OOM, ERR_WRONGTYPE } from "./errors";
import { EFFECTS, error, integer, ok, raw, REPLY } from "./out";
import { argc, argLen, argPtr, cmdEnd, cmdStart } from "./request";
import { eType, eVal, eValLen } from "./table";

const P: u32 = 14;
const REGISTERS: u32 = 1 << P;
const Q: u32 = 64 - P;
const HDR_SIZE: u32 = 16;
const DENSE_SIZE: u32 = HDR_SIZE + (REGISTERS * 6) / 8;
const DENSE: u8 = 0;
const SPARSE: u8 = 1;
const ALPHA_INF: f64 = 0.721347520444481703680;

/** Redis's MurmurHash64A (little-endian 8-byte blocks). */
export function murmur64a(p: usize, len: u32, seed: u64): u64 {
  const m: u64 = 0xc6a4a7935bd1e995;
  let h: u64 = seed ^ (<u64>len * m);
  const blocks = len & ~7;
  for (let i: u32 = 0; i < blocks; i += 8) {
    let k = load<u64>(p + i);
    k *= m;
    k ^= k >> 47;
    k *= m;
    h ^= k;
    h *= m;
  }
  const rest = len & 7;
  if (rest != 0) {
    const t = p + blocks;
    for (let i = <i32>rest - 1; i >= 0; i--) h ^= (<u64>load<u8>(t + i)) << (<u64>i << 3);
    h *= m;
  }
  h ^= h >> 47;
  h *= m;
  h ^= h >> 47;
  return h;
}

/** Register index (patIndex) and run length of an element, as Redis's hllPatLen. */
let patIndex: u32 = 0;
function patLen(p: usize, len: u32): u32 {
  let hash = murmur64a(p, len, 0xadc83b19);
  patIndex = <u32>(hash & (REGISTERS - 1));
  hash >>= P;
  hash |= <u64>1 << Q;
  return <u32>ctz<u64>(hash) + 1;
}

// @ts-ignore: decorator
@inline function denseGet(regs: usize, i: u32): u32 {
  const bit = i * 6;
  const byte = bit >> 3;
  const fb = bit & 7;
  // Registers never straddle more than two bytes; the byte past the last register is never needed (fb <= 2 there).
  const b0 = <u32>load<u8>(regs + byte);
  const b1 = fb > 2 ? <u32>load<u8>(regs + byte + 1) : 0;
  return ((b0 >> fb) | (b1 << (8 - fb))) & 63;
}

// @ts-ignore: decorator
@inline function denseSet(regs: usize, i: u32, v: u32): void {
  const bit = i * 6;
  const byte = bit >> 3;
  const fb = bit & 7;
  const p = regs + byte;
  store<u8>(p, <u8>((<u32>load<u8>(p) & ~(63 << fb)) | (v << fb)));
  if (fb > 2) {
    const fb8 = 8 - fb;
    store<u8>(p + 1, <u8>((<u32>load<u8>(p + 1) & ~(63 >> fb8)) | (v >> fb8)));
  }
}

/** Whether entry e is a string Redis would accept as an HLL (isHLLObjectOrReply); else replies the error. */
function isHll(e: usize): bool {
  if (eType(e) != T_STRING) {
    error(REPLY, ERR_WRONGTYPE);
    return false;
  }
  const p = eVal(e);
  const len = eValLen(e);
  if (len < HDR_SIZE || load<u32>(p) != 0x4c4c5948 || load<u8>(p, 4) > SPARSE || (load<u8>(p, 4) == DENSE && len != DENSE_SIZE)) {
    error(REPLY, ERR_NOT_HLL);
    return false;
  }
  return true;
}

/**
 * Merges HLL entry e's registers into max (one byte per register): max[i] = MAX(max[i], reg[i]).
 * False when a sparse body is corrupt (its runs do not cover exactly 2^14 registers).
 */
function mergeInto(max: usize, e: usize): bool {
  const p = eVal(e);
  const regs = p + HDR_SIZE;
  if (load<u8>(p, 4) == DENSE) {
    for (let i: u32 = 0; i < REGISTERS; i++) {
      const v = denseGet(regs, i);
      if (v > <u32>load<u8>(max + i)) store<u8>(max + i, <u8>v);
    }
    return true;
  }
  const end = p + eValLen(e);
  let q = regs;
  let i: u32 = 0;
  while (q < end) {
    const op = <u32>load<u8>(q);
    if ((op & 0xc0) == 0) {
      i += (op & 0x3f) + 1;
      q++;
    } else if ((op & 0xc0) == 0x40) {
      if (q + 1 >= end) return false;
      i += (((op & 0x3f) << 8) | <u32>load<u8>(q + 1)) + 1;
      q += 2;
    } else {
      const run = (op & 3) + 1;
      const v = ((op >> 2) & 31) + 1;
      if (i + run > REGISTERS) return false;
      for (let k: u32 = 0; k < run; k++) if (v > <u32>load<u8>(max + i + k)) store<u8>(max + i + k, <u8>v);
      i += run;
      q++;
    }
  }
  return i == REGISTERS;
}

/** Redis 5+'s hllCount over one-byte-per-register values: Ertl's improved raw estimator. */
function countRegisters(regs: usize): u64 {
  const histo = memory.data(64 * 4);
  memory.fill(histo, 0, 64 * 4);
  for (let i: u32 = 0; i < REGISTERS; i++) {
    const a = histo + ((<usize>load<u8>(regs + i)) << 2);
    store<u32>(a, load<u32>(a) + 1);
  }
  const m = <f64>REGISTERS;
  let z = m * tau((m - <f64>load<u32>(histo + ((Q + 1) << 2))) / m);
  for (let j = <i32>Q; j >= 1; j--) {
    z += <f64>load<u32>(histo + (<usize>j << 2));
    z *= 0.5;
  }
  z += m * sigma(<f64>load<u32>(histo) / m);
  return <u64>roundHalfAway((ALPHA_INF * m * m) / z);
}

/** llroundl of a non-negative double (halves away from zero). */
function roundHalfAway(x: f64): f64 {
  const f = Math.floor(x);
  return x - f >= 0.5 ? f + 1 : f;
}

function sigma(x: f64): f64 {
  if (x == 1.0) return Infinity;
  let y: f64 = 1;
  let z = x;
  let prev: f64;
  do {
    x *= x;
    prev = z;
    z += x * y;
    y += y;
  } while (prev != z);
  return z;
}

function tau(x: f64): f64 {
  if (x == 0.0 || x == 1.0) return 0.0;
  let y: f64 = 1.0;
  let z = 1 - x;
  let prev: f64;
  do {
    x = Math.sqrt(x);
    prev = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y;
  } while (prev != z);
  return z / 3;
}

/** A scratch array of one byte per register (freed by the caller with releaseMax). */
function newMax(): usize {
  const p = alloc(REGISTERS);
  if (p == 0) unreachable();
  memory.fill(p, 0, REGISTERS);
  return p;
}

function releaseMax(p: usize): void {
  free(p, REGISTERS);
}

/** Writes a dense HYLL value at p from one-byte registers (0 = all zero); the cache is marked invalid when asked. */
function writeDense(p: usize, max: usize, invalidCache: bool): void {
  memory.fill(p, 0, DENSE_SIZE);
  store<u32>(p, 0x4c4c5948); // "HYLL"
  if (invalidCache) store<u8>(p, 0x80, 15);
  if (max == 0) return;
  const regs = p + HDR_SIZE;
  for (let i: u32 = 0; i < REGISTERS; i++) {
    const v = <u32>load<u8>(max + i);
    if (v != 0) denseSet(regs, i, v);
  }
}

/** Turns the sparse HLL in entry e (foundSlot) into a dense one; the entry (maybe moved), or 0 (error replied). */
function toDense(e: usize): usize {
  const max = newMax();
  if (!mergeInto(max, e)) {
    releaseMax(max);
    error(REPLY, ERR_INVALID_HLL);
    return 0;
  }
  const card = load<u64>(eVal(e), 8);
  const n = resizeValue(e, DENSE_SIZE, 0);
  if (n == 0) {
    releaseMax(max);
    error(REPLY, ERR_OOM);
    return 0;
  }
  writeDense(eVal(n), max, false);
  store<u64>(eVal(n), card, 8);
  releaseMax(max);
  return n;
}

/** A new dense HLL entry for key argv[1] after its lookup (cache valid, 0), or 0 with OOM replied. */
function createHll(max: usize, invalidCache: bool): usize {
  const kp = argPtr(1);
  const kl = argLen(1);
  const n = newEntry(kp, kl, DENSE_SIZE, T_STRING, -1, true);
  if (n == 0) {
    error(REPLY, ERR_OOM);
    return 0;
  }
  writeDense(eVal(n), max, invalidCache);
  setEncoding(n, ENC_ALT);
  if (!install(n)) {
    error(REPLY, ERR_OOM);
    return 0;
  }
  return n;
}

export function cmdPfadd(): void {
  let e = lookup(argPtr(1), argLen(1));
  let updated = false;
  if (e == 0) {
    e = createHll(0, false);
    if (e == 0) return;
    updated = true;
  } else {
    if (!isHll(e)) return;
    if (load<u8>(eVal(e), 4) == SPARSE) {
      e = toDense(e);
      if (e == 0) return;
    }
    setEncoding(e, ENC_ALT);
  }
  const regs = eVal(e) + HDR_SIZE;
  let changed = false;
  for (let i = 2; i < argc; i++) {
    const count = patLen(argPtr(i), argLen(i));
    if (count > denseGet(regs, patIndex)) {
      denseSet(regs, patIndex, count);
      changed = true;
    }
  }
  if (changed) {
    store<u8>(eVal(e), load<u8>(eVal(e), 15) | 0x80, 15); // invalidate the cached cardinality
    updated = true;
  }
  if (updated) {
    markDirty(e);
    raw(EFFECTS, cmdStart, <u32>(cmdEnd - cmdStart));
  }
  integer(REPLY, updated ? 1 : 0);
}

export function cmdPfcount(): void {
  if (argc > 2) {
    const max = newMax();
    for (let i = 1; i < argc; i++) {
      const e = lookup(argPtr(i), argLen(i));
      if (e == 0) continue;
      if (!isHll(e)) {
        releaseMax(max);
        return;
      }
      if (!mergeInto(max, e)) {
        releaseMax(max);
        error(REPLY, ERR_INVALID_HLL);
        return;
      }
    }
    integer(REPLY, <i64>countRegisters(max));
    releaseMax(max);
    return;
  }
  const e = lookup(argPtr(1), argLen(1));
  if (e == 0) {
    integer(REPLY, 0);
    return;
  }
  if (!isHll(e)) return;
  const p = eVal(e);
  // A valid cached cardinality (top bit of byte 15 clear) is answered as is, as Redis does. Unlike Redis,
  // PFCOUNT never writes the cache: it stays a read (no effect to log, replicas can answer it).
  if ((load<u8>(p, 15) & 0x80) == 0) {
    integer(REPLY, load<i64>(p, 8));
    return;
  }
  const max = newMax();
  if (!mergeInto(max, e)) {
    releaseMax(max);
    error(REPLY, ERR_INVALID_HLL);
    return;
  }
  integer(REPLY, <i64>countRegisters(max));
  releaseMax(max);
}

export function cmdPfmerge(): void {
  const max = newMax();
  for (let i = 1; i < argc; i++) {
    const e = lookup(argPtr(i), argLen(i));
    if (e == 0) continue;
    if (!isHll(e)) {
      releaseMax(max);
      return;
    }
    if (!mergeInto(max, e)) {
      releaseMax(max);
      error(REPLY, ERR_INVALID_HLL);
      return;
    }
  }
  let e = lookup(argPtr(1), argLen(1));
  if (e == 0) {
    e = createHll(max, true);
    if (e == 0) {
      releaseMax(max);
      return;
    }
  } else {
    if (load<u8>(eVal(e), 4) == SPARSE) {
      e = toDense(e);
      if (e == 0) {
        releaseMax(max);
        return;
      }
    }
    // The destination is one of the merged inputs, so its registers are already <= max.
    const regs = eVal(e) + HDR_SIZE;
    for (let i: u32 = 0; i < REGISTERS; i++) {
      const v = <u32>load<u8>(max + i);
      if (v != 0) denseSet(regs, i, v);
    }
    store<u8>(eVal(e), load<u8>(eVal(e), 15) | 0x80, 15);
    setEncoding(e, ENC_ALT);
    markDirty(e);
  }
  releaseMax(max);
  ok(REPLY);
  raw(EFFECTS, cmdStart, <u32>(cmdEnd - cmdStart));
}
