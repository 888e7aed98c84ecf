// The full encoding of a hash (Redis's hashtable): past 512 fields, or once a field or value passes 64
// bytes, fields live as entries ([u32 flen][u32 vlen][u32 0][field][value]) of an open-addressing table
// that the key's entry owns through a u32 pointer. Fields come back in table order, as Redis's do.
import { alloc, blockSize, free } from "./alloc";
import { eSize, eValLen, hashKey, HDR, tCount, tFind, tInsert, tMakeRoom, tMask, tInit, tRemove, tSlots } from "./table";

/** Redis 7.0's hash-max-listpack-entries and hash-max-listpack-value. */
export const COMPACT_MAX_FIELDS: u32 = 512;
export const COMPACT_MAX_BYTES: u32 = 64;

/** Bytes one more field of (fl, vl) may take in the table: its entry and a grown slot array's share. */
export function fieldCost(fl: usize, vl: usize): usize {
  return blockSize(HDR + fl + vl) + 16;
}

/** A new empty table descriptor (slots, mask, count) with room for `fields`; 0 when memory refuses. */
export function htNew(fields: u32 = 0): usize {
  const d = alloc(12);
  if (d == 0) return 0;
  tInit(d, fields);
  return d;
}

/** The slot holding field (fp, fl), or 0. */
export function htFind(d: usize, fp: usize, fl: u32): usize {
  return tFind(d, fp, fl, hashKey(fp, fl));
}

// @ts-ignore: decorator
@inline export function fieldAt(s: usize): usize {
  return <usize>load<u32>(s, 4);
}

// @ts-ignore: decorator
@inline export function fieldValue(f: usize): usize {
  return f + HDR + <usize>load<u32>(f);
}

function newField(fp: usize, fl: u32, vp: usize, vl: u32): usize {
  const f = alloc(HDR + <usize>fl + <usize>vl);
  // Callers check maxmemory first; linear memory refusing to grow past that is fatal, as in Redis.
  if (f == 0) unreachable();
  store<u32>(f, fl);
  store<u32>(f, vl, 4);
  store<u32>(f, 0, 8);
  memory.copy(f + HDR, fp, fl);
  memory.copy(f + HDR + fl, vp, vl);
  return f;
}

/** Sets field to value; true when the field is new. */
export function htSet(d: usize, fp: usize, fl: u32, vp: usize, vl: u32): bool {
  const h = hashKey(fp, fl);
  const s = tFind(d, fp, fl, h);
  if (s != 0) {
    const old = fieldAt(s);
    if (blockSize(HDR + <usize>fl + <usize>vl) == blockSize(eSize(old))) {
      store<u32>(old, vl, 4);
      memory.copy(old + HDR + fl, vp, vl);
    } else {
      store<u32>(s, <u32>newField(fp, fl, vp, vl), 4);
      free(old, eSize(old));
    }
    return false;
  }
  if (!tMakeRoom(d)) unreachable();
  tInsert(d, h, newField(fp, fl, vp, vl));
  return true;
}

/** Removes field; true when it was there. */
export function htDelete(d: usize, fp: usize, fl: u32): bool {
  const s = htFind(d, fp, fl);
  if (s == 0) return false;
  const f = fieldAt(s);
  tRemove(d, s);
  free(f, eSize(f));
  return true;
}

/** Frees every field, the slots and the descriptor. */
export function htRelease(d: usize): void {
  const slots = tSlots(d);
  const cap = tMask(d) + 1;
  for (let i: u32 = 0; i < cap; i++) {
    const f = fieldAt(slots + ((<usize>i) << 3));
    if (f != 0) free(f, eSize(f));
  }
  free(slots, (<usize>cap) << 3);
  free(d, 12);
}

/** The compact form's length: [u32 count]([u32 flen][field][u32 vlen][value])*. */
export function htCompactLen(d: usize): u32 {
  let n: usize = 4;
  const slots = tSlots(d);
  const cap = tMask(d) + 1;
  for (let i: u32 = 0; i < cap; i++) {
    const f = fieldAt(slots + ((<usize>i) << 3));
    if (f != 0) n += 8 + <usize>load<u32>(f) + <usize>eValLen(f);
  }
  return <u32>n;
}

export function htWriteCompact(d: usize, dst: usize): void {
  store<u32>(dst, tCount(d));
  let o: usize = 4;
  const slots = tSlots(d);
  const cap = tMask(d) + 1;
  for (let i: u32 = 0; i < cap; i++) {
    const f = fieldAt(slots + ((<usize>i) << 3));
    if (f == 0) continue;
    const fl = load<u32>(f);
    const vl = eValLen(f);
    store<u32>(dst + o, fl);
    memory.copy(dst + o + 4, f + HDR, fl);
    store<u32>(dst + o + 4 + fl, vl);
    memory.copy(dst + o + 8 + fl, f + HDR + fl, vl);
    o += 8 + <usize>fl + <usize>vl;
  }
}
