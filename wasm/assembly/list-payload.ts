// A list's compact form, [u32 count]([u32 len][bytes])*: the checkpoint/DUMP value (objects.ts hooks) and how a
// loaded one becomes a quicklist again.
import { fitsData } from "./alloc";
import { deleteAt, ENC_FULL, foundSlot, install, newEntry, setEncoding, T_LIST } from "./db";
import { elemLen, elemPtr, elemSize, lCount, lHead, LIST_HEADER, nEnd, nNext, nStart, qlInit, qlPush, qlWriteBound } from "./quicklist";
import { eExpire, eKey, eKeyLen, eVal, eValLen } from "./table";

/** Bytes of list l in compact form: [u32 count]([u32 len][bytes])*. */
export function qlCompactLen(l: usize): u32 {
  let bytes: usize = 4;
  for (let n = lHead(l); n != 0; n = nNext(n)) {
    const end = nEnd(n);
    for (let off = nStart(n); off < end; ) {
      const len = elemLen(n, off);
      bytes += 4 + <usize>len;
      off += elemSize(len);
    }
  }
  return <u32>bytes;
}

/** Writes list l in compact form at d. */
export function qlWriteCompact(l: usize, d: usize): void {
  store<u32>(d, lCount(l));
  let o = d + 4;
  for (let n = lHead(l); n != 0; n = nNext(n)) {
    const end = nEnd(n);
    for (let off = nStart(n); off < end; ) {
      const len = elemLen(n, off);
      store<u32>(o, len);
      memory.copy(o + 4, elemPtr(n, off), len);
      o += 4 + <usize>len;
      off += elemSize(len);
    }
  }
}

/** Builds list l (empty) from a compact value at (p, len) checked by validCompactList. */
export function qlFromCompact(l: usize, p: usize, len: u32): void {
  qlInit(l);
  const end = p + <usize>len;
  for (let o = p + 4; o < end; ) {
    const el = load<u32>(o);
    qlPush(l, o + 4, el, false);
    o += 4 + <usize>el;
  }
}

/** Whether (p, len) is a well-formed, non-empty compact list. */
export function validCompactList(p: usize, len: u32): bool {
  if (len < 4) return false;
  const count = load<u32>(p);
  let o: u64 = 4;
  let seen: u32 = 0;
  while (o < <u64>len) {
    if (o + 4 > <u64>len) return false;
    o += 4 + <u64>load<u32>(p + <usize>o);
    seen++;
  }
  return o == <u64>len && seen == count && count > 0;
}

/**
 * afterLoad for lists: the compact entry e just installed (in foundSlot) becomes a full list. Returns the
 * new entry, or 0 on OOM with the key removed (a compact list is never left in the keyspace).
 */
export function listFromCompact(e: usize): usize {
  const vl = eValLen(e);
  const count = <usize>load<u32>(eVal(e));
  const n = fitsData(qlWriteBound(<usize>vl + (count << 2), count)) ? newEntry(eKey(e), eKeyLen(e), LIST_HEADER, T_LIST, eExpire(e), false) : 0;
  if (n == 0) {
    deleteAt(foundSlot);
    return 0;
  }
  setEncoding(n, ENC_FULL);
  qlFromCompact(eVal(n), eVal(e), vl);
  install(n);
  return n;
}
