// Intsets (Redis intset.c) held inline in a set entry (ENC_ALT): the entry's value is the members as
// sorted i64s, so membership is a binary search and SMEMBERS/SSCAN answer in ascending order as Redis does.
import { install, newEntry, setEncoding } from "./db";
import { blockSize } from "./alloc";
import { eExpire, eKey, eKeyLen, eSize, eType, eVal, eValLen } from "./table";
import { markDirty } from "./db";

/** Redis 7.0's set-max-intset-entries: one member more converts the set to a hash table. */
export const MAX_INTSET_ENTRIES: u32 = 512;

// @ts-ignore: decorator
@inline export function isCount(e: usize): u32 {
  return eValLen(e) >> 3;
}

// @ts-ignore: decorator
@inline export function isAt(e: usize, i: u32): i64 {
  return load<i64>(eVal(e) + ((<usize>i) << 3));
}

/** Set by isSearch: the index of the value found, or where it would be inserted. */
export let isPos: u32 = 0;

export function isSearch(e: usize, v: i64): bool {
  let lo: u32 = 0;
  let hi = isCount(e);
  const base = eVal(e);
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const m = load<i64>(base + ((<usize>mid) << 3));
    if (m < v) lo = mid + 1;
    else if (m > v) hi = mid;
    else {
      isPos = mid;
      return true;
    }
  }
  isPos = lo;
  return false;
}

/**
 * Gives the entry in foundSlot a value of newLen bytes keeping its first `keep` bytes: in place when the
 * block class is unchanged, else by moving (not counted against maxmemory: callers check up front, and a
 * shrink is never refused). Returns the entry, 0 only when linear memory refuses to grow.
 */
function resize(e: usize, newLen: u32, keep: u32): usize {
  const oldSize = eSize(e);
  const newSize = oldSize - <usize>eValLen(e) + <usize>newLen;
  if (blockSize(newSize) == blockSize(oldSize)) {
    store<u32>(e, newLen, 4);
    markDirty(e);
    return e;
  }
  const kl = eKeyLen(e);
  const n = newEntry(eKey(e), kl, newLen, eType(e), eExpire(e), false);
  if (n == 0) return 0;
  setEncoding(n, load<u8>(e, 10));
  memory.copy(eVal(n), eVal(e), min(keep, newLen));
  if (!install(n)) return 0;
  return n;
}

/** Inserts v at isPos (after an isSearch that missed) in the intset of foundSlot; returns the entry (maybe moved). */
export function isInsert(e: usize, v: i64): usize {
  const n = isCount(e);
  const at = isPos;
  e = resize(e, (n + 1) << 3, n << 3);
  if (e == 0) return 0;
  const p = eVal(e) + ((<usize>at) << 3);
  memory.copy(p + 8, p, (<usize>(n - at)) << 3);
  store<i64>(p, v);
  return e;
}

/** Removes the value at index `at` of the intset of foundSlot; returns the entry (maybe moved). */
export function isRemoveAt(e: usize, at: u32): usize {
  const n = isCount(e);
  const p = eVal(e) + ((<usize>at) << 3);
  memory.copy(p, p + 8, (<usize>(n - at - 1)) << 3);
  return resize(e, (n - 1) << 3, (n - 1) << 3);
}

/** Sorts count i64s at p ascending (insertion sort: at most MAX_INTSET_ENTRIES values). */
export function sortI64(p: usize, count: u32): void {
  for (let i: u32 = 1; i < count; i++) {
    const v = load<i64>(p + ((<usize>i) << 3));
    let j = i;
    while (j > 0 && load<i64>(p + ((<usize>(j - 1)) << 3)) > v) {
      store<i64>(p + ((<usize>j) << 3), load<i64>(p + ((<usize>(j - 1)) << 3)));
      j--;
    }
    store<i64>(p + ((<usize>j) << 3), v);
  }
}
