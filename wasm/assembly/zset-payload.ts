// Sorted sets' compact form as the keyspace hooks see it (objects.ts): the checkpoint/DUMP bytes of a
// skiplist set, the checks a loaded payload must pass (order, NaN, duplicates), release and conversion on load.
import { alloc, free } from "./alloc";
import { lookup } from "./db";
import { compareBytes, compareItem, nMember, nMemberLen, nNext, nScore, zsFirst, zsFree, zsLength, zsMemberBytes } from "./skiplist";
import { capFor, eKey, eKeyLen, eVal, hashKey } from "./table";
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

/**
 * Whether two items of a compact value share a member: one pass over a scratch open-addressing table of
 * (hash, offset) slots at the member table's own size, so the sorted set built next reuses the block.
 */
function hasDuplicate(p: usize, count: u32): bool {
  const cap = capFor(count);
  const mask = cap - 1;
  const bytes = (<usize>cap) << 3;
  const slots = alloc(bytes);
  if (slots == 0) return true;
  memory.fill(slots, 0, bytes);
  let dup = false;
  let o: u32 = 4;
  for (let i: u32 = 0; i < count && !dup; i++) {
    const l = load<u32>(p + o, 8);
    const h = hashKey(p + o + 12, l);
    let j = h & mask;
    while (true) {
      const s = slots + ((<usize>j) << 3);
      const at = load<u32>(s, 4);
      if (at == 0) {
        store<u32>(s, h);
        store<u32>(s, o, 4);
        break;
      }
      if (load<u32>(s) == h && memberCmp(p, at, o) == 0) {
        dup = true;
        break;
      }
      j = (j + 1) & mask;
    }
    o += 12 + l;
  }
  free(slots, bytes);
  return dup;
}

function memberCmp(p: usize, a: u32, b: u32): i32 {
  return compareBytes(p + a + 12, load<u32>(p + a, 8), p + b + 12, load<u32>(p + b, 8));
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

