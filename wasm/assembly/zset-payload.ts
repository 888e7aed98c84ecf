// Sorted sets' compact form as the keyspace hooks see it (objects.ts): the checkpoint/DUMP bytes of a
// skiplist set, the checks a loaded payload must pass (order, NaN, duplicates), release and conversion on load.
import { alloc, free } from "./alloc";
import { lookup } from "./db";
import { compareBytes, compareItem, nMember, nMemberLen, nNext, nScore, zsFirst, zsFree, zsLength, zsMemberBytes } from "./skiplist";
import { eKey, eKeyLen, eVal } from "./table";
import { isFull, MAX_COMPACT_ENTRIES, MAX_COMPACT_VALUE, zConvert, zsOf } from "./zset";

export function releaseZset(e: usize): void {
  zsFree(zsOf(e));
}

export function zsetCompactLen(e: usize): u32 {
  const zs = zsOf(e);
  return 4 + zsLength(zs) * 12 + zsMemberBytes(zs);
}

export function writeZsetCompact(e: usize, d: usize): void {
  const zs = zsOf(e);
  store<u32>(d, zsLength(zs));
  let o: usize = 4;
  for (let n = zsFirst(zs); n != 0; n = nNext(n)) {
    const l = nMemberLen(n);
    store<f64>(d + o, nScore(n));
    store<u32>(d + o, l, 8);
    memory.copy(d + o + 12, nMember(n), l);
    o += 12 + <usize>l;
  }
}

/** Whether (p, len) is a well-formed compact sorted set: non-empty, in strict order, no NaN, no duplicate member. */
export function validZsetValue(p: usize, len: u32): bool {
  if (len < 4) return false;
  const count = load<u32>(p);
  if (count == 0 || <u64>count * 12 > <u64>len) return false;
  let o: u64 = 4;
  let prev: u64 = 0;
  for (let i: u32 = 0; i < count; i++) {
    if (o + 12 > <u64>len) return false;
    const l = <u64>load<u32>(p + <usize>o, 8);
    if (o + 12 + l > <u64>len) return false;
    const s = load<f64>(p + <usize>o);
    if (isNaN(s)) return false;
    if (i > 0) {
      const pp = p + <usize>prev;
      if (compareItem(load<f64>(pp), pp + 12, load<u32>(pp, 8), s, p + <usize>o + 12, <u32>l) >= 0) return false;
    }
    prev = o;
    o += 12 + l;
  }
  return o == <u64>len && !hasDuplicate(p, count);
}

/** Whether two items of a compact value share a member: offsets sorted by member bytes (heapsort). */
function hasDuplicate(p: usize, count: u32): bool {
  const idx = alloc(<usize>count << 2);
  if (idx == 0) return true;
  let o: u32 = 4;
  for (let i: u32 = 0; i < count; i++) {
    store<u32>(idx + (<usize>i << 2), o);
    o += 12 + load<u32>(p + o, 8);
  }
  for (let i = <i32>(count >> 1) - 1; i >= 0; i--) siftDown(p, idx, <u32>i, count);
  for (let end = count - 1; end > 0; end--) {
    const t = load<u32>(idx);
    store<u32>(idx, load<u32>(idx + (<usize>end << 2)));
    store<u32>(idx + (<usize>end << 2), t);
    siftDown(p, idx, 0, end);
  }
  let dup = false;
  for (let i: u32 = 1; i < count && !dup; i++) dup = memberCmp(p, load<u32>(idx + (<usize>(i - 1) << 2)), load<u32>(idx + (<usize>i << 2))) == 0;
  free(idx, <usize>count << 2);
  return dup;
}

function memberCmp(p: usize, a: u32, b: u32): i32 {
  return compareBytes(p + a + 12, load<u32>(p + a, 8), p + b + 12, load<u32>(p + b, 8));
}

function siftDown(p: usize, idx: usize, i: u32, n: u32): void {
  while (true) {
    const l: u32 = 2 * i + 1;
    if (l >= n) return;
    let c = l;
    if (l + 1 < n && memberCmp(p, load<u32>(idx + (<usize>(l + 1) << 2)), load<u32>(idx + (<usize>l << 2))) > 0) c = l + 1;
    if (memberCmp(p, load<u32>(idx + (<usize>c << 2)), load<u32>(idx + (<usize>i << 2))) <= 0) return;
    const t = load<u32>(idx + (<usize>c << 2));
    store<u32>(idx + (<usize>c << 2), load<u32>(idx + (<usize>i << 2)));
    store<u32>(idx + (<usize>i << 2), t);
    i = c;
  }
}

/** After a compact value was loaded: converts it to the full encoding past the thresholds. */
export function zsetAfterLoad(e: usize): usize {
  if (isFull(e)) return e;
  const v = eVal(e);
  const n = load<u32>(v);
  let convert = n > MAX_COMPACT_ENTRIES;
  let o: usize = 4;
  for (let i: u32 = 0; i < n && !convert; i++) {
    const l = load<u32>(v + o + 8);
    if (l > MAX_COMPACT_VALUE) convert = true;
    o += 12 + <usize>l;
  }
  if (!convert) return e;
  // Converted even past maxmemory: a compact value of more than 128 items is never left in place.
  lookup(eKey(e), eKeyLen(e));
  return zConvert(e);
}

