// Open-addressing hash tables of 8-byte (hash, entry pointer) slots: linear probing, backward-shift
// deletion (no tombstones, entries never move before their home bucket), doubling on 3/4 load.
import { alloc, free } from "./alloc";

// A table descriptor is three u32: slots pointer, mask (capacity - 1), count.
export const MIN_CAPACITY: u32 = 16;

// @ts-ignore: decorator
@inline export function tSlots(t: usize): usize {
  return <usize>load<u32>(t);
}
// @ts-ignore: decorator
@inline export function tMask(t: usize): u32 {
  return load<u32>(t, 4);
}
// @ts-ignore: decorator
@inline export function tCount(t: usize): u32 {
  return load<u32>(t, 8);
}

/** The smallest power-of-two capacity (at least MIN_CAPACITY) holding n entries under 3/4 load. */
export function capFor(n: u32): u32 {
  let c = MIN_CAPACITY;
  while (<u64>n * 4 > <u64>c * 3) c <<= 1;
  return c;
}

/**
 * Initialises the descriptor at t, empty with room for n entries. Bulk loads size the table first:
 * entries read back from a payload come in their old table's slot order, and inserting them in that
 * order into a table still doubling its way up packs them into a few long probe runs (a 632k-field
 * hash took 9.5 s to load, almost all of it in tFind).
 */
export function tInit(t: usize, n: u32): void {
  const cap = capFor(n);
  const slots = alloc((<usize>cap) << 3);
  if (slots == 0) unreachable();
  memory.fill(slots, 0, (<usize>cap) << 3);
  store<u32>(t, <u32>slots);
  store<u32>(t, cap - 1, 4);
  store<u32>(t, 0, 8);
}

/** (Re)initialises a table empty at the minimum capacity, releasing its old slots. */
export function tReset(t: usize): void {
  const old = tSlots(t);
  if (old != 0) free(old, (<usize>tMask(t) + 1) << 3);
  tInit(t, 0);
}

/**
 * The keyspace's hash seed, one per shard group (see `seedKeyspace`): keys copied into a keyspace in
 * another's table order (a slot move's export, SCAN or KEYS output replayed) arrive sorted by that
 * table's home slots, and with the same hash they pile up in a few long probe runs of a table still
 * doubling its way up (600k keys: 13.7 s to load instead of 2 s). A shard and its replicas share it,
 * so a SCAN cursor means the same on each.
 */
let keySeed: u64 = 0;

/** Sets the keyspace's seed; only while it is empty (every stored hash depends on it). */
export function setKeySeed(seed: u64): void {
  keySeed = seed;
}

/** A keyspace (and graveyard) key's hash. */
// @ts-ignore: decorator
@inline export function keyHash(p: usize, len: u32): u32 {
  return hashKey(p, len, keySeed);
}

/** The key hash: 8 bytes at a time with a multiply-rotate mix, finalised with murmur's fmix64. */
export function hashKey(p: usize, len: u32, seed: u64 = 0): u32 {
  let h: u64 = 0x9e3779b97f4a7c15 ^ seed ^ (<u64>len * 0xff51afd7ed558ccd);
  let i: u32 = 0;
  while (i + 8 <= len) {
    h ^= load<u64>(p + i) * 0x87c37b91114253d5;
    h = rotl<u64>(h, 31) * 0x4cf5ad432745937f;
    i += 8;
  }
  if (i < len) {
    let t: u64 = 0;
    let s: u64 = 0;
    while (i < len) {
      t |= (<u64>load<u8>(p + i)) << s;
      s += 8;
      i++;
    }
    h ^= t * 0x87c37b91114253d5;
    h = rotl<u64>(h, 31) * 0x4cf5ad432745937f;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccd;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53;
  h ^= h >> 33;
  return <u32>h;
}

// @ts-ignore: decorator
@inline export function keysEqual(a: usize, b: usize, len: u32): bool {
  let i: u32 = 0;
  while (i + 8 <= len) {
    if (load<u64>(a + i) != load<u64>(b + i)) return false;
    i += 8;
  }
  while (i < len) {
    if (load<u8>(a + i) != load<u8>(b + i)) return false;
    i++;
  }
  return true;
}

/**
 * Entry layout shared by every table:
 * [u32 klen][u32 vlen][u8 type][u8 flags][u8 encoding][u8 lru clock (db.ts)][i64 expireAt ms if flags&1][key][value].
 */
export const HDR: usize = 12;
export const F_TTL: u8 = 1;
export const F_DIRTY: u8 = 2;
/** The key has a checkpoint row in storage, so its deletion must be reported. */
export const F_STORED: u8 = 4;

// @ts-ignore: decorator
@inline export function eKeyLen(e: usize): u32 {
  return load<u32>(e);
}
// @ts-ignore: decorator
@inline export function eValLen(e: usize): u32 {
  return load<u32>(e, 4);
}
// @ts-ignore: decorator
@inline export function eType(e: usize): u8 {
  return load<u8>(e, 8);
}
// @ts-ignore: decorator
@inline export function eFlags(e: usize): u8 {
  return load<u8>(e, 9);
}
// @ts-ignore: decorator
@inline export function eEncoding(e: usize): u8 {
  return load<u8>(e, 10);
}
// @ts-ignore: decorator
@inline export function eKey(e: usize): usize {
  return e + HDR + ((<usize>(load<u8>(e, 9) & F_TTL)) << 3);
}
// @ts-ignore: decorator
@inline export function eVal(e: usize): usize {
  return eKey(e) + load<u32>(e);
}
// @ts-ignore: decorator
@inline export function eExpire(e: usize): i64 {
  return load<u8>(e, 9) & F_TTL ? load<i64>(e, HDR) : -1;
}
// @ts-ignore: decorator
@inline export function eSize(e: usize): usize {
  return HDR + ((<usize>(load<u8>(e, 9) & F_TTL)) << 3) + load<u32>(e) + load<u32>(e, 4);
}

/** The slot address holding key (kp, kl) with hash h, or 0. */
export function tFind(t: usize, kp: usize, kl: u32, h: u32): usize {
  const slots = tSlots(t);
  const mask = tMask(t);
  let i = h & mask;
  while (true) {
    const s = slots + ((<usize>i) << 3);
    const e = <usize>load<u32>(s, 4);
    if (e == 0) return 0;
    if (load<u32>(s) == h && load<u32>(e) == kl && keysEqual(eKey(e), kp, kl)) return s;
    i = (i + 1) & mask;
  }
}

function placeRaw(slots: usize, mask: u32, h: u32, e: usize): usize {
  let i = h & mask;
  while (load<u32>(slots + ((<usize>i) << 3), 4) != 0) i = (i + 1) & mask;
  const s = slots + ((<usize>i) << 3);
  store<u32>(s, h);
  store<u32>(s, <u32>e, 4);
  return s;
}

/** Grows the table when one more entry would pass 3/4 load; false when memory refuses and the table is nearly full. */
export function tMakeRoom(t: usize): bool {
  const cap = tMask(t) + 1;
  const count = tCount(t);
  if ((count + 1) * 4 <= cap * 3) return true;
  const ncap = cap << 1;
  const nslots = alloc(<usize>ncap << 3);
  if (nslots == 0) return (count + 1) * 16 <= cap * 15;
  memory.fill(nslots, 0, <usize>ncap << 3);
  const slots = tSlots(t);
  const nmask = ncap - 1;
  for (let i: u32 = 0; i < cap; i++) {
    const s = slots + ((<usize>i) << 3);
    const e = <usize>load<u32>(s, 4);
    if (e != 0) placeRaw(nslots, nmask, load<u32>(s), e);
  }
  free(slots, <usize>cap << 3);
  store<u32>(t, <u32>nslots);
  store<u32>(t, nmask, 4);
  return true;
}

/** Inserts an entry known to be absent (the caller has called tMakeRoom); returns its slot. */
export function tInsert(t: usize, h: u32, e: usize): usize {
  store<u32>(t, tCount(t) + 1, 8);
  return placeRaw(tSlots(t), tMask(t), h, e);
}

/** Removes the slot's entry (not freed) and shifts the rest of its probe run back. */
export function tRemove(t: usize, s: usize): void {
  const slots = tSlots(t);
  const mask = tMask(t);
  let hole = <u32>((s - slots) >> 3);
  let i = hole;
  while (true) {
    i = (i + 1) & mask;
    const si = slots + ((<usize>i) << 3);
    const e = load<u32>(si, 4);
    if (e == 0) break;
    const home = load<u32>(si) & mask;
    // The entry may fill the hole only if the hole lies on its probe path (cyclically home..i).
    if (((i - home) & mask) >= ((i - hole) & mask)) {
      store<u64>(slots + ((<usize>hole) << 3), load<u64>(si));
      hole = i;
    }
  }
  store<u64>(slots + ((<usize>hole) << 3), 0);
  store<u32>(t, tCount(t) - 1, 8);
}

function rev(v: u64): u64 {
  // Bit reversal of a 64-bit cursor (Redis's dictScan order survives table growth).
  v = ((v >> 1) & 0x5555555555555555) | ((v & 0x5555555555555555) << 1);
  v = ((v >> 2) & 0x3333333333333333) | ((v & 0x3333333333333333) << 2);
  v = ((v >> 4) & 0x0f0f0f0f0f0f0f0f) | ((v & 0x0f0f0f0f0f0f0f0f) << 4);
  v = ((v >> 8) & 0x00ff00ff00ff00ff) | ((v & 0x00ff00ff00ff00ff) << 8);
  v = ((v >> 16) & 0x0000ffff0000ffff) | ((v & 0x0000ffff0000ffff) << 16);
  return (v >> 32) | (v << 32);
}

// tScan's result: entry pointers, held until tScanDone (so a SCAN leaves used_memory where it was).
let scanList: usize = 0;
let scanCap: u32 = 0;
export let scanFound: u32 = 0;

// @ts-ignore: decorator
@inline export function scanEntry(i: u32): usize {
  return <usize>load<u32>(scanList + ((<usize>i) << 2));
}

/**
 * One step of a SCAN-family iteration over table t from cursor v: the entries of whole home buckets in
 * reverse-binary bucket order (so an entry present throughout is returned at least once, across growth),
 * until about `count` are found or 10 × count buckets were visited. Fills scanFound/scanEntry; returns the
 * next cursor (0 when done).
 */
export function tScan(t: usize, v: u64, count: i64): u64 {
  scanFound = 0;
  if (tCount(t) == 0) return 0;
  const slots = tSlots(t);
  const mask = <u64>tMask(t);
  let budget = count > i64.MAX_VALUE / 10 ? i64.MAX_VALUE : count * 10;
  do {
    const b = <u32>(v & mask);
    let j = b;
    while (true) {
      const s = slots + ((<usize>j) << 3);
      const e = load<u32>(s, 4);
      if (e == 0) break;
      if ((load<u32>(s) & <u32>mask) == b) {
        if (scanFound == scanCap) growScanList();
        store<u32>(scanList + ((<usize>scanFound) << 2), e);
        scanFound++;
      }
      j = (j + 1) & <u32>mask;
    }
    v |= ~mask;
    v = rev(v);
    v++;
    v = rev(v);
  } while (v != 0 && --budget > 0 && <i64>scanFound < count);
  return v;
}

function growScanList(): void {
  const cap = scanCap == 0 ? 64 : scanCap << 1;
  const bigger = alloc(<usize>cap << 2);
  if (bigger == 0) unreachable();
  if (scanList != 0) {
    memory.copy(bigger, scanList, (<usize>scanCap) << 2);
    free(scanList, (<usize>scanCap) << 2);
  }
  scanList = bigger;
  scanCap = cap;
}

export function tScanDone(): void {
  if (scanList != 0) free(scanList, (<usize>scanCap) << 2);
  scanList = 0;
  scanCap = 0;
  scanFound = 0;
}
