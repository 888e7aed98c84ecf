// Sorted sets' two encodings behind one rank-addressed view. ENC_COMPACT (Redis's listpack, up to 128
// members of up to 64 bytes): the value is [u32 count]([f64 score][u32 len][member])* in (score, member)
// order, which is also every encoding's checkpoint/DUMP form. ENC_FULL: the value is a u32 pointer to
// the skiplist + member index of skiplist.ts.
import { alloc, blockSize, fitsData, free } from "./alloc";
import { deleteAt, ENC_COMPACT, ENC_FULL, foundSlot, install, lookup, markDirty, newEntry, setEncoding, T_ZSET } from "./db";
import { ERR_OOM, ERR_WRONGTYPE } from "./errors";
import { formatScore } from "./double";
import { bulk, error, REPLY } from "./out";
import {
  BELOW_MEMBER, BELOW_SCORE, compareBytes, compareItem, countNode, NOT_ABOVE_MEMBER, NOT_ABOVE_SCORE, nMember,
  nMemberLen, nNext, nBack, nodeBound, nScore, tableGrowthBound, zsAt, zsCountWhile, zsCreate, zsDelete, zsFind, zsFree,
  zsAppend, zsBuildBegin, zsInsert, zsLength, zsRank, zsUpdateScore,
} from "./skiplist";
import { eEncoding, eExpire, eKey, eKeyLen, eSize, eType, eVal, eValLen, HDR } from "./table";

export const MAX_COMPACT_ENTRIES: u32 = 128;
export const MAX_COMPACT_VALUE: u32 = 64;

// @ts-ignore: decorator
@inline export function isFull(e: usize): bool {
  return eEncoding(e) == ENC_FULL;
}
// @ts-ignore: decorator
@inline export function zsOf(e: usize): usize {
  return <usize>load<u32>(eVal(e));
}

export function zLen(e: usize): u32 {
  return isFull(e) ? zsLength(zsOf(e)) : load<u32>(eVal(e));
}

/** The item zItem/zScoreOf/zRankOf found: member bytes and score. */
export let itemPtr: usize = 0;
export let itemLen: u32 = 0;
export let itemScore: f64 = 0;

// Compact: offsets of every item, built by zOpen. Full: the last node visited, for O(1) neighbours.
const OFFS = memory.data((MAX_COMPACT_ENTRIES + 2) * 4);
let cacheNode: usize = 0;
let cacheRank: i64 = -1;

/** Prepares entry e for zItem; call again after any change to e. */
export function zOpen(e: usize): void {
  cacheRank = -1;
  if (isFull(e)) return;
  const v = eVal(e);
  const n = load<u32>(v);
  let o: u32 = 4;
  for (let i: u32 = 0; i <= n; i++) {
    store<u32>(OFFS + (<usize>i << 2), o);
    if (i < n) o += 12 + load<u32>(v + o + 8);
  }
}

/** Loads the item at 0-based rank r (< zLen) into item*. */
export function zItem(e: usize, r: u32): void {
  if (!isFull(e)) {
    const p = eVal(e) + <usize>load<u32>(OFFS + (<usize>r << 2));
    itemScore = load<f64>(p);
    itemLen = load<u32>(p, 8);
    itemPtr = p + 12;
    return;
  }
  let n: usize;
  const rr = <i64>r;
  if (cacheRank >= 0 && rr == cacheRank + 1) n = nNext(cacheNode);
  else if (cacheRank >= 0 && rr == cacheRank - 1) n = nBack(cacheNode);
  else if (rr == cacheRank) n = cacheNode;
  else n = zsAt(zsOf(e), r);
  cacheNode = n;
  cacheRank = rr;
  itemScore = nScore(n);
  itemLen = nMemberLen(n);
  itemPtr = nMember(n);
}

/** Compact only: the rank of member (mp, ml), or -1 (O(n), like a listpack). */
function compactFind(e: usize, mp: usize, ml: u32): i64 {
  const v = eVal(e);
  const n = load<u32>(v);
  let o: usize = 4;
  for (let i: u32 = 0; i < n; i++) {
    const l = load<u32>(v + o + 8);
    if (l == ml && memory.compare(v + o + 12, mp, ml) == 0) {
      itemScore = load<f64>(v + o);
      return i;
    }
    o += 12 + <usize>l;
  }
  return -1;
}

/** Whether member (mp, ml) is in e; its score in itemScore. */
export function zScoreOf(e: usize, mp: usize, ml: u32): bool {
  if (!isFull(e)) return compactFind(e, mp, ml) >= 0;
  const n = zsFind(zsOf(e), mp, ml);
  if (n == 0) return false;
  itemScore = nScore(n);
  return true;
}

/** The 0-based rank of member (mp, ml), or -1; its score in itemScore. */
export function zRankOf(e: usize, mp: usize, ml: u32): i64 {
  if (!isFull(e)) return compactFind(e, mp, ml);
  const zs = zsOf(e);
  const n = zsFind(zs, mp, ml);
  if (n == 0) return -1;
  itemScore = nScore(n);
  return <i64>zsRank(zs, n);
}

export { BELOW_MEMBER, BELOW_SCORE, NOT_ABOVE_MEMBER, NOT_ABOVE_SCORE };

/** How many leading items satisfy a skiplist.ts condition (score or member against a bound). */
export function zCountWhile(e: usize, kind: i32, bound: f64, bp: usize, bl: u32): u32 {
  if (isFull(e)) {
    const r = zsCountWhile(zsOf(e), kind, bound, bp, bl);
    // The boundary node is where a range starts or ends: zItem reaches its neighbours in O(1).
    if (r > 0) {
      cacheNode = countNode;
      cacheRank = <i64>r - 1;
    }
    return r;
  }
  const v = eVal(e);
  const n = load<u32>(v);
  let o: usize = 4;
  for (let i: u32 = 0; i < n; i++) {
    const l = load<u32>(v + o + 8);
    let ok: bool;
    if (kind == BELOW_SCORE) ok = load<f64>(v + o) < bound;
    else if (kind == NOT_ABOVE_SCORE) ok = load<f64>(v + o) <= bound;
    else {
      const c = compareBytes(v + o + 12, l, bp, bl);
      ok = kind == BELOW_MEMBER ? c < 0 : c <= 0;
    }
    if (!ok) return i;
    o += 12 + <usize>l;
  }
  return n;
}

const scoreText = memory.data(40);

/** A score as Redis 7.0 replies it (RESP2 bulk, "%.17g"). */
export function replyScore(v: f64): void {
  bulk(REPLY, scoreText, formatScore(v, scoreText));
}

/** Set by readZset/writeZset when the key holds another type (the reply is already written). */
export let wrongType = false;

/** The sorted set at key (kp, kl) for reading (0 when absent); WRONGTYPE replied on another type. */
export function readZsetAt(kp: usize, kl: u32): usize {
  const e = lookup(kp, kl);
  wrongType = e != 0 && eType(e) != T_ZSET;
  if (wrongType) {
    error(REPLY, ERR_WRONGTYPE);
    return 0;
  }
  if (e != 0) zOpen(e);
  return e;
}

/**
 * Bytes of data that adding `count` members totalling `memberBytes` to e (0 = a new key of kl bytes)
 * may claim at most: the compact value (which may move), the full nodes, the index, and a conversion.
 */
export function addBound(e: usize, kl: u32, count: u32, memberBytes: usize): f64 {
  const items = <usize>count * 12 + memberBytes;
  const base = e != 0 ? eSize(e) : HDR + 8 + <usize>kl + 4;
  let need = <f64>blockSize(base + items) + 64;
  const total = (e != 0 ? zLen(e) : 0) + count;
  if (e != 0 && isFull(e)) need += <f64>tableGrowthBound(zsOf(e), count);
  else {
    // A conversion: every member becomes a node (the score, 2 levels of 16 bytes on average and up to 3
    // bytes of block rounding beyond its compact item) and the member table gets a slot array at 3/4 load at most.
    let slots: usize = 16;
    while (<usize>total * 4 > slots * 3) slots <<= 1;
    need += <f64>(<usize>total * 48 + slots * 8 + 512 + (e != 0 ? <usize>eValLen(e) : 0));
  }
  need += <f64>count * <f64>nodeBound(0) + <f64>memberBytes;
  return need;
}

/** Checks that `need` bytes fit under maxmemory; replies OOM when not. */
export function reserveData(need: f64): bool {
  if (fitsData(need)) return true;
  error(REPLY, ERR_OOM);
  return false;
}

/** A new empty sorted set at key (kp, kl) after its lookup (foundSlot), full when asked; 0 on OOM. */
export function zCreate(kp: usize, kl: u32, full: bool): usize {
  let e: usize;
  if (full) {
    const zs = zsCreate();
    if (zs == 0) return 0;
    e = newEntry(kp, kl, 4, T_ZSET, -1, false);
    if (e == 0) {
      zsFree(zs);
      return 0;
    }
    setEncoding(e, ENC_FULL);
    store<u32>(eVal(e), <u32>zs);
  } else {
    e = newEntry(kp, kl, 4, T_ZSET, -1, false);
    if (e == 0) return 0;
    store<u32>(eVal(e), 0);
  }
  if (!install(e)) return 0;
  zOpen(e);
  return e;
}

/** Moves compact entry e (in foundSlot) to the full encoding; returns the new entry. */
export function zConvert(e: usize): usize {
  const zs = zsCreate();
  if (zs == 0) unreachable();
  const v = eVal(e);
  const n = load<u32>(v);
  zsBuildBegin(zs, n);
  let o: usize = 4;
  for (let i: u32 = 0; i < n; i++) {
    const l = load<u32>(v + o + 8);
    zsAppend(zs, load<f64>(v + o), v + o + 12, l);
    o += 12 + <usize>l;
  }
  const kl = eKeyLen(e);
  const ne = newEntry(eKey(e), kl, 4, T_ZSET, eExpire(e), false);
  if (ne == 0) unreachable();
  setEncoding(ne, ENC_FULL);
  store<u32>(eVal(ne), <u32>zs);
  if (!install(ne)) unreachable();
  zOpen(ne);
  return ne;
}

/**
 * Replaces delLen value bytes at off with insLen bytes of room in compact entry e (foundSlot): in
 * place when the block class is unchanged, else by moving. The caller checked maxmemory.
 */
function splice(e: usize, off: usize, delLen: usize, insLen: usize): usize {
  const vl = <usize>eValLen(e);
  const newLen = vl - delLen + insLen;
  const oldSize = eSize(e);
  const tail = vl - off - delLen;
  if (blockSize(oldSize - vl + newLen) == blockSize(oldSize)) {
    memory.copy(eVal(e) + off + insLen, eVal(e) + off + delLen, tail);
    store<u32>(e, <u32>newLen, 4);
    markDirty(e);
    return e;
  }
  const kl = eKeyLen(e);
  const n = newEntry(eKey(e), kl, <u32>newLen, T_ZSET, eExpire(e), false);
  if (n == 0) unreachable();
  memory.copy(eVal(n), eVal(e), off);
  memory.copy(eVal(n) + off + insLen, eVal(e) + off + delLen, tail);
  if (!install(n)) unreachable();
  return n;
}

/** Inserts a member known to be absent; converts past the thresholds. Returns the entry (maybe moved). */
export function zInsert(e: usize, score: f64, mp: usize, ml: u32): usize {
  if (!isFull(e) && (load<u32>(eVal(e)) + 1 > MAX_COMPACT_ENTRIES || ml > MAX_COMPACT_VALUE)) e = zConvert(e);
  if (isFull(e)) {
    zsInsert(zsOf(e), score, mp, ml);
    markDirty(e);
    cacheRank = -1;
    return e;
  }
  // The listpack keeps a zero score's sign out: Redis 7.0 answers "0" for a -0 stored there.
  if (score == 0) score = 0;
  const at = <usize>zCountWhileItem(e, score, mp, ml);
  e = splice(e, at, 0, 12 + <usize>ml);
  const d = eVal(e) + at;
  store<f64>(d, score);
  store<u32>(d, ml, 8);
  memory.copy(d + 12, mp, ml);
  store<u32>(eVal(e), load<u32>(eVal(e)) + 1);
  zOpen(e);
  return e;
}

/** Compact: the byte offset where (score, member) belongs. */
function zCountWhileItem(e: usize, score: f64, mp: usize, ml: u32): u32 {
  const v = eVal(e);
  const n = load<u32>(v);
  let o: u32 = 4;
  for (let i: u32 = 0; i < n; i++) {
    const l = load<u32>(v + o + 8);
    if (compareItem(load<f64>(v + o), v + o + 12, l, score, mp, ml) >= 0) break;
    o += 12 + l;
  }
  return o;
}

/** Removes member (mp, ml) if present; returns the entry (maybe moved) and sets `removed`. */
export let removed = false;
export function zRemove(e: usize, mp: usize, ml: u32): usize {
  removed = false;
  if (isFull(e)) {
    const zs = zsOf(e);
    const n = zsFind(zs, mp, ml);
    if (n == 0) return e;
    zsDelete(zs, n);
    markDirty(e);
    cacheRank = -1;
    removed = true;
    return e;
  }
  const r = compactFind(e, mp, ml);
  if (r < 0) return e;
  removed = true;
  return zRemoveRanks(e, <u32>r, <u32>r);
}

/** Removes ranks start..end (inclusive, valid); returns the entry (maybe moved). */
export function zRemoveRanks(e: usize, start: u32, end: u32): usize {
  if (isFull(e)) {
    const zs = zsOf(e);
    let n = zsAt(zs, start);
    for (let r = start; r <= end; r++) {
      const next = nNext(n);
      zsDelete(zs, n);
      n = next;
    }
    markDirty(e);
    cacheRank = -1;
    return e;
  }
  zOpen(e);
  const from = <usize>load<u32>(OFFS + (<usize>start << 2));
  const to = <usize>load<u32>(OFFS + (<usize>(end + 1) << 2));
  e = splice(e, from, to - from, 0);
  store<u32>(eVal(e), load<u32>(eVal(e)) - (end - start + 1));
  zOpen(e);
  return e;
}

/** Sets the score of a member known to be present; returns the entry (maybe moved). */
export function zSetScore(e: usize, mp: usize, ml: u32, score: f64): usize {
  if (isFull(e)) {
    const zs = zsOf(e);
    zsUpdateScore(zs, zsFind(zs, mp, ml), score);
    markDirty(e);
    cacheRank = -1;
    return e;
  }
  // The member bytes may live in the argument buffer only: remove then insert the same bytes.
  e = zRemove(e, mp, ml);
  return zInsert(e, score, mp, ml);
}

/** Deletes the sorted set in foundSlot when it became empty, as Redis does; true when deleted. */
export function deleteIfEmpty(e: usize): bool {
  if (zLen(e) != 0) return false;
  deleteAt(foundSlot);
  return true;
}

// ---- an item buffer: results collected in order before a destination is replaced ----
// The compact layout [u32 count]([f64 score][u32 len][member])*, in a block of the core's heap.
let ibPtr: usize = 0;
let ibCap: usize = 0;
let ibLen: usize = 0;
let ibMaxLen: u32 = 0;

export function ibReset(): void {
  if (ibCap == 0) {
    if (ibCap != 0) free(ibPtr, ibCap);
    ibCap = 256;
    ibPtr = alloc(ibCap);
    if (ibPtr == 0) unreachable();
  }
  store<u32>(ibPtr, 0);
  ibLen = 4;
  ibMaxLen = 0;
}

/** Gives the buffer's block back (so memory returns to its baseline after a store). */
export function ibRelease(): void {
  if (ibCap != 0) free(ibPtr, ibCap);
  ibCap = 0;
  ibPtr = 0;
}

export function ibCount(): u32 {
  return load<u32>(ibPtr);
}

export function ibPush(score: f64, mp: usize, ml: u32): void {
  const need = ibLen + 12 + <usize>ml;
  if (need > ibCap) {
    let cap = ibCap << 1;
    while (cap < need) cap <<= 1;
    const p = alloc(cap);
    if (p == 0) unreachable();
    memory.copy(p, ibPtr, ibLen);
    free(ibPtr, ibCap);
    ibPtr = p;
    ibCap = cap;
  }
  store<f64>(ibPtr + ibLen, score);
  store<u32>(ibPtr + ibLen, ml, 8);
  memory.copy(ibPtr + ibLen + 12, mp, ml);
  ibLen = need;
  store<u32>(ibPtr, load<u32>(ibPtr) + 1);
  if (ml > ibMaxLen) ibMaxLen = ml;
}

/**
 * Replaces key (kp, kl) with a sorted set of the buffer's items (in order, at least one), in the
 * encoding Redis's thresholds pick, without a TTL. False (OOM replied, nothing changed) past maxmemory.
 */
export function ibStore(kp: usize, kl: u32): bool {
  const n = load<u32>(ibPtr);
  const full = n > MAX_COMPACT_ENTRIES || ibMaxLen > MAX_COMPACT_VALUE;
  const need = <f64>blockSize(HDR + <usize>kl + ibLen) + (full ? <f64>n * <f64>nodeBound(0) + <f64>ibLen + <f64>n * 24 : 0);
  if (!reserveData(need)) return false;
  lookup(kp, kl);
  if (!full) {
    const e = newEntry(kp, kl, <u32>ibLen, T_ZSET, -1, false);
    if (e == 0 || !install(e)) unreachable();
    memory.copy(eVal(e), ibPtr, ibLen);
    // As in a listpack, a zero score keeps no sign.
    let o: usize = 4;
    const v = eVal(e);
    for (let i: u32 = 0; i < n; i++) {
      if (load<f64>(v + o) == 0) store<f64>(v + o, 0);
      o += 12 + <usize>load<u32>(v + o, 8);
    }
    return true;
  }
  const e = zCreate(kp, kl, true);
  if (e == 0) unreachable();
  const zs = zsOf(e);
  zsBuildBegin(zs, n);
  let o: usize = 4;
  for (let i: u32 = 0; i < n; i++) {
    const l = load<u32>(ibPtr + o, 8);
    zsAppend(zs, load<f64>(ibPtr + o), ibPtr + o + 12, l);
    o += 12 + <usize>l;
  }
  return true;
}
