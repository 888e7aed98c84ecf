// The full sorted-set structure: Redis's skiplist with spans (O(log n) insert, delete, rank, range
// starts) plus a member -> node index in an open-addressing table (table.ts). Every block is the core's.
import { alloc, blockSize, copyBytes, free } from "./alloc";
import { hashKey, tCount, tFind, tInit, tInsert, tMakeRoom, tMask, tRemove, tReset, tSlots } from "./table";

// Node n (the pointer the member table holds) has its header and member at n and its levels below n:
//   [([u32 forward][u32 span][f64 forward's score]) * level, top level first][f64 score]
//   n: [u32 mlen][u32 backward][u8 level][u8 flags = 0][u16][member]
// The header looks like a keyspace entry header with no TTL, so the table's tFind compares members as it
// compares keys. A search reads the next node's score beside the link (a node is only entered when the
// search moves onto it, or on a tie) and finds every level at a fixed offset, without reading mlen first:
// the insert is bound by cache misses on a set of 600k+ nodes.
// Struct (the ENC_FULL value points here): [u32 header node][u32 tail][u32 length][u32 level]
//       [12-byte member table descriptor][u32 member bytes], 32 bytes.
export const MAX_LEVEL: i32 = 32;
export const ZS_SIZE: usize = 32;

// @ts-ignore: decorator
@inline export function nMemberLen(n: usize): u32 {
  return load<u32>(n);
}
// @ts-ignore: decorator
@inline export function nMember(n: usize): usize {
  return n + 12;
}
// @ts-ignore: decorator
@inline export function nScore(n: usize): f64 {
  return load<f64>(n - 8);
}
// @ts-ignore: decorator
@inline export function nBack(n: usize): usize {
  return <usize>load<u32>(n, 4);
}
// @ts-ignore: decorator
@inline function nLevel(n: usize): i32 {
  return <i32>load<u8>(n, 8);
}
/** Level i's link of node n: [u32 forward][u32 span][f64 forward's score]. */
// @ts-ignore: decorator
@inline function fwdAt(n: usize, i: i32): usize {
  return n - 24 - ((<usize>i) << 4);
}
// @ts-ignore: decorator
@inline export function nNext(n: usize): usize {
  return <usize>load<u32>(n - 24);
}
// @ts-ignore: decorator
@inline function nodeSize(mlen: u32, level: i32): usize {
  return 8 + ((<usize>level) << 4) + 12 + <usize>mlen;
}
// @ts-ignore: decorator
@inline function nodeBase(n: usize, level: i32): usize {
  return n - 8 - ((<usize>level) << 4);
}

// @ts-ignore: decorator
@inline export function zsHeader(zs: usize): usize {
  return <usize>load<u32>(zs);
}
// @ts-ignore: decorator
@inline export function zsTail(zs: usize): usize {
  return <usize>load<u32>(zs, 4);
}
// @ts-ignore: decorator
@inline export function zsLength(zs: usize): u32 {
  return load<u32>(zs, 8);
}
// @ts-ignore: decorator
@inline export function zsMemberBytes(zs: usize): u32 {
  return load<u32>(zs, 28);
}
// @ts-ignore: decorator
@inline export function zsFirst(zs: usize): usize {
  return nNext(zsHeader(zs));
}

/** The bytes one more member of mlen bytes may take at most (node of the top level, table growth aside). */
export function nodeBound(mlen: u32): usize {
  return blockSize(nodeSize(mlen, MAX_LEVEL));
}

/** The bytes the member table may claim when it grows for `more` members. */
export function tableGrowthBound(zs: usize, more: u32): usize {
  const cap = <usize>tMask(zs + 16) + 1;
  let need = cap;
  while ((<usize>tCount(zs + 16) + <usize>more) * 4 > need * 3) need <<= 1;
  return need == cap ? 0 : need << 4;
}

/** (a score, a member) compared with (b score, b member): Redis's order, ties by member bytes. */
export function compareItem(as: f64, ap: usize, al: u32, bs: f64, bp: usize, bl: u32): i32 {
  if (as < bs) return -1;
  if (as > bs) return 1;
  return compareBytes(ap, al, bp, bl);
}

export function compareBytes(ap: usize, al: u32, bp: usize, bl: u32): i32 {
  const c = memory.compare(ap, bp, min(al, bl));
  if (c != 0) return c;
  return al < bl ? -1 : al > bl ? 1 : 0;
}

let levelRng: u64 = 0x2545f4914f6cdd1d;

/**
 * Redis's zslRandomLevel with p = 1/2 instead of 1/4, capped at MAX_LEVEL (its own generator: levels never
 * touch replies). With the next score beside each link, a search pays for the nodes it moves onto, about
 * (1-p)/p per level over log(n)/log(1/p) levels: p = 1/2 moves a third less than 1/4 (ZADD into a 632k-member
 * set 1.25-1.4x faster, measured) for 16 more bytes per node on average.
 */
function randomLevel(): i32 {
  let level = 1;
  while (true) {
    levelRng ^= levelRng << 13;
    levelRng ^= levelRng >> 7;
    levelRng ^= levelRng << 17;
    if ((levelRng & 1) != 0 || level >= MAX_LEVEL) break;
    level++;
  }
  return level;
}

function newNode(level: i32, score: f64, mp: usize, ml: u32): usize {
  const b = alloc(nodeSize(ml, level));
  if (b == 0) unreachable(); // the caller checked maxmemory; linear memory refused to grow
  memory.fill(b, 0, (<usize>level) << 4);
  const n = b + 8 + ((<usize>level) << 4);
  store<f64>(n - 8, score);
  store<u32>(n, ml);
  store<u32>(n, 0, 4);
  store<u32>(n, <u32>level, 8); // level, flags 0, spare 0
  copyBytes(n + 12, mp, ml);
  return n;
}

function freeNode(n: usize): void {
  const level = nLevel(n);
  free(nodeBase(n, level), nodeSize(nMemberLen(n), level));
}

/** A new empty structure; 0 when memory refuses. */
export function zsCreate(): usize {
  const zs = alloc(ZS_SIZE);
  if (zs == 0) return 0;
  const h = newNode(MAX_LEVEL, 0, 0, 0);
  store<u32>(zs, <u32>h);
  store<u32>(zs, 0, 4);
  store<u32>(zs, 0, 8);
  store<u32>(zs, 1, 12);
  store<u32>(zs, 0, 16);
  tReset(zs + 16);
  store<u32>(zs, 0, 28);
  return zs;
}

export function zsFree(zs: usize): void {
  let n = zsHeader(zs);
  while (n != 0) {
    const next = nNext(n);
    freeNode(n);
    n = next;
  }
  free(tSlots(zs + 16), ((<usize>tMask(zs + 16)) + 1) << 3);
  free(zs, ZS_SIZE);
}

/** The node of member (mp, ml), or 0. */
export function zsFind(zs: usize, mp: usize, ml: u32): usize {
  const s = tFind(zs + 16, mp, ml, hashKey(mp, ml));
  return s == 0 ? 0 : <usize>load<u32>(s, 4);
}

const UPDATE = memory.data(MAX_LEVEL * 4);
const RANK = memory.data(MAX_LEVEL * 4);

// @ts-ignore: decorator
@inline function upd(i: i32): usize {
  return <usize>load<u32>(UPDATE + ((<usize>i) << 2));
}
// @ts-ignore: decorator
@inline function rnk(i: i32): u32 {
  return load<u32>(RANK + ((<usize>i) << 2));
}

/** Whether the link's forward node sorts before (score, member): its score is read beside the link. */
// @ts-ignore: decorator
@inline function linkBefore(l: usize, f: usize, score: f64, mp: usize, ml: u32): bool {
  const fs = load<f64>(l, 8);
  return fs < score || (fs == score && compareBytes(nMember(f), nMemberLen(f), mp, ml) < 0);
}

/** Fills UPDATE/RANK with the last node before (score, member) on every level. */
function findPath(zs: usize, score: f64, mp: usize, ml: u32): void {
  let x = zsHeader(zs);
  const level = <i32>load<u32>(zs, 12);
  let r: u32 = 0;
  for (let i = level - 1; i >= 0; i--) {
    let l = fwdAt(x, i);
    while (true) {
      const f = <usize>load<u32>(l);
      if (f == 0 || !linkBefore(l, f, score, mp, ml)) break;
      r += load<u32>(l, 4);
      x = f;
      l = fwdAt(x, i);
    }
    store<u32>(RANK + ((<usize>i) << 2), r);
    store<u32>(UPDATE + ((<usize>i) << 2), <u32>x);
  }
}

/** Links node x (its own level, score set) after the UPDATE/RANK path findPath filled for its score. */
function linkNode(zs: usize, x: usize): void {
  const lvl = nLevel(x);
  const score = nScore(x);
  let level = <i32>load<u32>(zs, 12);
  const h = zsHeader(zs);
  const length = zsLength(zs);
  if (lvl > level) {
    for (let i = level; i < lvl; i++) {
      store<u32>(RANK + ((<usize>i) << 2), 0);
      store<u32>(UPDATE + ((<usize>i) << 2), <u32>h);
      store<u32>(fwdAt(h, i), length, 4);
    }
    level = lvl;
    store<u32>(zs, <u32>lvl, 12);
  }
  const r0 = rnk(0);
  for (let i = 0; i < lvl; i++) {
    const ul = fwdAt(upd(i), i);
    const xl = fwdAt(x, i);
    store<u32>(xl, load<u32>(ul));
    store<f64>(xl, load<f64>(ul, 8), 8);
    store<u32>(xl, load<u32>(ul, 4) - (r0 - rnk(i)), 4);
    store<u32>(ul, <u32>x);
    store<u32>(ul, r0 - rnk(i) + 1, 4);
    store<f64>(ul, score, 8);
  }
  for (let i = lvl; i < level; i++) {
    const ul = fwdAt(upd(i), i);
    store<u32>(ul, load<u32>(ul, 4) + 1, 4);
  }
  store<u32>(x, upd(0) == h ? 0 : <u32>upd(0), 4);
  const next = nNext(x);
  if (next != 0) store<u32>(next, <u32>x, 4);
  else store<u32>(zs, <u32>x, 4);
  store<u32>(zs, length + 1, 8);
}

/** Inserts a member known to be absent (the caller checked maxmemory); returns its node. */
export function zsInsert(zs: usize, score: f64, mp: usize, ml: u32): usize {
  findPath(zs, score, mp, ml);
  const x = newNode(randomLevel(), score, mp, ml);
  linkNode(zs, x);
  store<u32>(zs, zsMemberBytes(zs) + ml, 28);
  if (!tMakeRoom(zs + 16)) unreachable();
  tInsert(zs + 16, hashKey(mp, ml), x);
  return x;
}

/** Fills UPDATE/RANK with the last node of every level (the header on levels above the structure's). */
function tailPath(zs: usize): void {
  let x = zsHeader(zs);
  const level = <i32>load<u32>(zs, 12);
  let r: u32 = 0;
  for (let i = MAX_LEVEL - 1; i >= 0; i--) {
    if (i < level) {
      while (true) {
        const l = fwdAt(x, i);
        const f = <usize>load<u32>(l);
        if (f == 0) break;
        r += load<u32>(l, 4);
        x = f;
      }
    }
    store<u32>(RANK + ((<usize>i) << 2), r);
    store<u32>(UPDATE + ((<usize>i) << 2), <u32>x);
  }
}

/**
 * Starts a bulk load of about `count` members in order (a compact value, a store's items) into an empty
 * structure: the member table is sized once and zsAppend links each item after the tail without a search.
 */
export function zsBuildBegin(zs: usize, count: u32): void {
  const t = zs + 16;
  free(tSlots(t), ((<usize>tMask(t)) + 1) << 3);
  tInit(t, count);
  tailPath(zs);
}

/**
 * Appends a member known to be absent after zsBuildBegin (the caller checked maxmemory). An item that does
 * not sort after the tail is inserted by a search instead, and the tail path is found again.
 */
export function zsAppend(zs: usize, score: f64, mp: usize, ml: u32): void {
  const tail = zsTail(zs);
  if (tail != 0 && compareItem(nScore(tail), nMember(tail), nMemberLen(tail), score, mp, ml) >= 0) {
    zsInsert(zs, score, mp, ml);
    tailPath(zs);
    return;
  }
  const lvl = randomLevel();
  const x = newNode(lvl, score, mp, ml);
  const length = zsLength(zs);
  let level = <i32>load<u32>(zs, 12);
  if (lvl > level) {
    level = lvl;
    store<u32>(zs, <u32>lvl, 12);
  }
  for (let i = 0; i < lvl; i++) {
    const ul = fwdAt(upd(i), i);
    store<u32>(ul, <u32>x);
    store<u32>(ul, length + 1 - rnk(i), 4);
    store<f64>(ul, score, 8);
    store<u32>(UPDATE + ((<usize>i) << 2), <u32>x);
    store<u32>(RANK + ((<usize>i) << 2), length + 1);
  }
  // As zsInsert keeps them: a link to nothing spans the rest of the set.
  for (let i = lvl; i < level; i++) {
    const ul = fwdAt(upd(i), i);
    store<u32>(ul, load<u32>(ul, 4) + 1, 4);
  }
  store<u32>(x, <u32>tail, 4);
  store<u32>(zs, <u32>x, 4);
  store<u32>(zs, length + 1, 8);
  store<u32>(zs, zsMemberBytes(zs) + ml, 28);
  if (!tMakeRoom(zs + 16)) unreachable();
  tInsert(zs + 16, hashKey(mp, ml), x);
}

/** Unlinks node x (UPDATE filled by findPath) from the levels, keeping spans exact. */
function unlink(zs: usize, x: usize): void {
  const level = <i32>load<u32>(zs, 12);
  for (let i = 0; i < level; i++) {
    const ul = fwdAt(upd(i), i);
    if (<usize>load<u32>(ul) == x) {
      const xl = fwdAt(x, i);
      store<u32>(ul, load<u32>(ul, 4) + load<u32>(xl, 4) - 1, 4);
      store<u32>(ul, load<u32>(xl));
      store<f64>(ul, load<f64>(xl, 8), 8);
    } else store<u32>(ul, load<u32>(ul, 4) - 1, 4);
  }
  const next = nNext(x);
  if (next != 0) store<u32>(next, load<u32>(x, 4), 4);
  else store<u32>(zs, load<u32>(x, 4), 4);
  let l = level;
  const h = zsHeader(zs);
  while (l > 1 && load<u32>(fwdAt(h, l - 1)) == 0) l--;
  store<u32>(zs, <u32>l, 12);
  store<u32>(zs, zsLength(zs) - 1, 8);
}

/** Removes node x (and its index slot) and frees it. */
export function zsDelete(zs: usize, x: usize): void {
  findPath(zs, nScore(x), nMember(x), nMemberLen(x));
  unlink(zs, x);
  const ml = nMemberLen(x);
  const s = tFind(zs + 16, nMember(x), ml, hashKey(nMember(x), ml));
  if (s != 0) tRemove(zs + 16, s);
  store<u32>(zs, zsMemberBytes(zs) - ml, 28);
  freeNode(x);
}

/** Changes node x's score, moving it when its position changes (Redis's zslUpdateScore); returns the node. */
export function zsUpdateScore(zs: usize, x: usize, score: f64): usize {
  const back = nBack(x);
  const next = nNext(x);
  const mp = nMember(x);
  const ml = nMemberLen(x);
  if ((back == 0 || compareItem(nScore(back), nMember(back), nMemberLen(back), score, mp, ml) < 0) &&
    (next == 0 || compareItem(nScore(next), nMember(next), nMemberLen(next), score, mp, ml) > 0)) {
    // In place; the links into x carry its score too. Level 0's comes from the backward pointer, higher
    // ones need the path (found while x still holds its old score).
    const lvl = nLevel(x);
    if (lvl == 1) store<f64>(fwdAt(back == 0 ? zsHeader(zs) : back, 0), score, 8);
    else {
      findPath(zs, nScore(x), mp, ml);
      for (let i = 0; i < lvl; i++) store<f64>(fwdAt(upd(i), i), score, 8);
    }
    store<f64>(x - 8, score);
    return x;
  }
  // Move: the node keeps its level, member and member-table slot; only its links change.
  findPath(zs, nScore(x), mp, ml);
  unlink(zs, x);
  store<f64>(x - 8, score);
  findPath(zs, score, mp, ml);
  linkNode(zs, x);
  return x;
}

/** The 0-based rank of node x. */
export function zsRank(zs: usize, x: usize): u32 {
  const score = nScore(x);
  const mp = nMember(x);
  const ml = nMemberLen(x);
  let n = zsHeader(zs);
  let r: u32 = 0;
  for (let i = <i32>load<u32>(zs, 12) - 1; i >= 0; i--) {
    let l = fwdAt(n, i);
    while (true) {
      const f = <usize>load<u32>(l);
      if (f == 0) break;
      const fs = load<f64>(l, 8);
      if (fs > score || (fs == score && compareBytes(nMember(f), nMemberLen(f), mp, ml) > 0)) break;
      r += load<u32>(l, 4);
      n = f;
      l = fwdAt(n, i);
    }
    if (n == x) return r - 1;
  }
  return r - 1;
}

/** The node at 0-based rank r (< length). */
export function zsAt(zs: usize, r: u32): usize {
  const target = r + 1;
  let n = zsHeader(zs);
  let t: u32 = 0;
  for (let i = <i32>load<u32>(zs, 12) - 1; i >= 0; i--) {
    while (true) {
      const f = <usize>load<u32>(fwdAt(n, i));
      if (f == 0 || t + load<u32>(fwdAt(n, i), 4) > target) break;
      t += load<u32>(fwdAt(n, i), 4);
      n = f;
    }
    if (t == target) return n;
  }
  return n;
}

/** Predicates for zsCountWhile: how many leading elements satisfy a monotone condition. */
export const BELOW_SCORE = 0; // score < bound
export const NOT_ABOVE_SCORE = 1; // score <= bound
export const BELOW_MEMBER = 2; // member < bound bytes
export const NOT_ABOVE_MEMBER = 3; // member <= bound bytes

// @ts-ignore: decorator
@inline function holds(kind: i32, l: usize, n: usize, bound: f64, bp: usize, bl: u32): bool {
  if (kind == BELOW_SCORE) return load<f64>(l, 8) < bound;
  if (kind == NOT_ABOVE_SCORE) return load<f64>(l, 8) <= bound;
  const c = compareBytes(nMember(n), nMemberLen(n), bp, bl);
  return kind == BELOW_MEMBER ? c < 0 : c <= 0;
}

/** Set by zsCountWhile: the last node for which the condition held (the header when none did). */
export let countNode: usize = 0;

/** The number of leading elements for which the condition holds (it must hold for a prefix). */
export function zsCountWhile(zs: usize, kind: i32, bound: f64, bp: usize, bl: u32): u32 {
  let n = zsHeader(zs);
  let r: u32 = 0;
  for (let i = <i32>load<u32>(zs, 12) - 1; i >= 0; i--) {
    while (true) {
      const l = fwdAt(n, i);
      const f = <usize>load<u32>(l);
      if (f == 0 || !holds(kind, l, f, bound, bp, bl)) break;
      r += load<u32>(l, 4);
      n = f;
    }
  }
  countNode = n;
  return r;
}

/** Bytes the structure holds (for tests and INFO-style accounting checks). */
export function zsSlots(zs: usize): usize {
  return tSlots(zs + 16);
}
