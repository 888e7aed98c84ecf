// The list structure (Redis's quicklist): a doubly linked chain of nodes, each a contiguous run of elements
// [varint len][bytes][reversed varint len] (like listpack's backlen) with free room at both ends, so pushes and
// pops at either end are O(1) and a walk goes either way.
// A list's header is its entry's value: [u32 head node][u32 tail node][u32 count] (ENC_FULL: the first
// u32 is the pointer the entry owns). Every node block comes from the core's allocator, so usedMemory is exact.
import { alloc, blockSize, free } from "./alloc";

/** Node header: [u32 prev][u32 next][u32 cap][u32 start][u32 end][u32 count], then cap data bytes. */
export const NODE_HDR: usize = 24;
/** Data bytes of a full node (an 8 KB block, Redis's default list-max-listpack-size -2). */
export const NODE_MAX: usize = 8192 - NODE_HDR;
/** The smallest node: a 32-byte block (a one-element list of a short string). */
const NODE_MIN: usize = 32 - NODE_HDR;
/** The most bytes an element takes in a node besides its own: a 5-byte varint length before and after it. */
export const ELEM_OVERHEAD_MAX: usize = 10;
/** Bytes of a list's header (the entry's value). */
export const LIST_HEADER: u32 = 12;

// @ts-ignore: decorator
@inline export function lHead(l: usize): usize { return <usize>load<u32>(l); }
// @ts-ignore: decorator
@inline export function lTail(l: usize): usize { return <usize>load<u32>(l, 4); }
// @ts-ignore: decorator
@inline export function lCount(l: usize): u32 { return load<u32>(l, 8); }
// @ts-ignore: decorator
@inline function setCount(l: usize, c: u32): void { store<u32>(l, c, 8); }

// @ts-ignore: decorator
@inline export function nPrev(n: usize): usize { return <usize>load<u32>(n); }
// @ts-ignore: decorator
@inline export function nNext(n: usize): usize { return <usize>load<u32>(n, 4); }
// @ts-ignore: decorator
@inline function nCap(n: usize): usize { return <usize>load<u32>(n, 8); }
// @ts-ignore: decorator
@inline export function nStart(n: usize): usize { return <usize>load<u32>(n, 12); }
// @ts-ignore: decorator
@inline export function nEnd(n: usize): usize { return <usize>load<u32>(n, 16); }
// @ts-ignore: decorator
@inline export function nCount(n: usize): u32 { return load<u32>(n, 20); }
// @ts-ignore: decorator
@inline export function nData(n: usize): usize { return n + NODE_HDR; }
// @ts-ignore: decorator
@inline function setStart(n: usize, v: usize): void { store<u32>(n, <u32>v, 12); }
// @ts-ignore: decorator
@inline function setEnd(n: usize, v: usize): void { store<u32>(n, <u32>v, 16); }
// @ts-ignore: decorator
@inline function setNCount(n: usize, v: u32): void { store<u32>(n, v, 20); }

/** Bytes of the LEB128 varint of len. */
// @ts-ignore: decorator
@inline function varLen(len: u32): usize {
  return len < 0x80 ? 1 : len < 0x4000 ? 2 : len < 0x200000 ? 3 : len < 0x10000000 ? 4 : 5;
}

/** Bytes an element of len bytes takes in a node: its length before and after it. */
// @ts-ignore: decorator
@inline export function elemSize(len: u32): usize {
  return <usize>len + (varLen(len) << 1);
}

/** Reads the LEB128 varint at p. */
function readVar(p: usize): u32 {
  let b = <u32>load<u8>(p);
  if (b < 0x80) return b;
  let v = b & 0x7f;
  let shift: u32 = 7;
  do {
    p++;
    b = <u32>load<u8>(p);
    v |= (b & 0x7f) << shift;
    shift += 7;
  } while (b & 0x80);
  return v;
}

/** Reads the reversed varint that ends just before p (an element's trailing length). */
function readBackVar(p: usize): u32 {
  let b = <u32>load<u8>(p - 1);
  if (b < 0x80) return b;
  let v = b & 0x7f;
  let shift: u32 = 7;
  do {
    p--;
    b = <u32>load<u8>(p - 1);
    v |= (b & 0x7f) << shift;
    shift += 7;
  } while (b & 0x80);
  return v;
}

/** The length of the element at data offset off of node n. */
// @ts-ignore: decorator
@inline export function elemLen(n: usize, off: usize): u32 { return readVar(nData(n) + off); }
/** Where the bytes of the element at data offset off of node n start. */
// @ts-ignore: decorator
@inline export function elemPtr(n: usize, off: usize): usize { return nData(n) + off + varLen(readVar(nData(n) + off)); }
/** Bytes the element at data offset off of node n takes, lengths included. */
// @ts-ignore: decorator
@inline export function elemSizeAt(n: usize, off: usize): usize { return elemSize(readVar(nData(n) + off)); }
/** Bytes the element that ends at data offset off of node n takes. */
// @ts-ignore: decorator
@inline function sizeBefore(n: usize, off: usize): usize { return elemSize(readBackVar(nData(n) + off)); }

/** Makes l an empty list. */
export function qlInit(l: usize): void {
  store<u32>(l, 0);
  store<u32>(l, 0, 4);
  store<u32>(l, 0, 8);
}

/** A new unlinked node with at least cap data bytes (the whole block is used), empty. */
function nodeAlloc(cap: usize): usize {
  const size = blockSize(NODE_HDR + max(cap, NODE_MIN));
  const n = alloc(size);
  if (n == 0) unreachable(); // linear memory refused to grow after the command's maxmemory check
  store<u32>(n, 0);
  store<u32>(n, 0, 4);
  store<u32>(n, <u32>(size - NODE_HDR), 8);
  store<u32>(n, 0, 12);
  store<u32>(n, 0, 16);
  store<u32>(n, 0, 20);
  return n;
}

function nodeFree(n: usize): void {
  free(n, NODE_HDR + nCap(n));
}

/** Links node n after node `after` (0 = as the new head). */
function linkAfter(l: usize, n: usize, after: usize): void {
  const next = after == 0 ? lHead(l) : nNext(after);
  store<u32>(n, <u32>after);
  store<u32>(n, <u32>next, 4);
  if (after == 0) store<u32>(l, <u32>n);
  else store<u32>(after, <u32>n, 4);
  if (next == 0) store<u32>(l, <u32>n, 4);
  else store<u32>(next, <u32>n);
}

/** Unlinks and frees node n. */
function unlinkFree(l: usize, n: usize): void {
  const prev = nPrev(n);
  const next = nNext(n);
  if (prev == 0) store<u32>(l, <u32>next);
  else store<u32>(prev, <u32>next, 4);
  if (next == 0) store<u32>(l, <u32>prev, 4);
  else store<u32>(next, <u32>prev);
  nodeFree(n);
}

/** Puts node m where node n is in the chain (n is freed). */
function replaceNode(l: usize, n: usize, m: usize): void {
  const prev = nPrev(n);
  const next = nNext(n);
  store<u32>(m, <u32>prev);
  store<u32>(m, <u32>next, 4);
  if (prev == 0) store<u32>(l, <u32>m);
  else store<u32>(prev, <u32>m, 4);
  if (next == 0) store<u32>(l, <u32>m, 4);
  else store<u32>(next, <u32>m);
  nodeFree(n);
}

/**
 * Gives node n `need` free bytes at its front or back: in place, by moving its data within the node
 * (centred, so alternating ends do not ping-pong), or by moving to a larger block (biased toward the
 * growing end). Returns the node, maybe moved. Bounded work: a node holds at most NODE_MAX bytes
 * unless it holds a single large element.
 */
function nodeRoom(l: usize, n: usize, need: usize, front: bool): usize {
  const cap = nCap(n);
  const start = nStart(n);
  const end = nEnd(n);
  const used = end - start;
  if (front ? start >= need : cap - end >= need) return n;
  if (cap - used >= need) {
    const spare = cap - used - need;
    const ns = front ? need + (spare >> 1) : spare >> 1;
    memory.copy(nData(n) + ns, nData(n) + start, used);
    setStart(n, ns);
    setEnd(n, ns + used);
    return n;
  }
  const m = nodeAlloc(min(max(cap << 1, used + need), max(NODE_MAX, used + need)));
  const mcap = nCap(m);
  const ns = front ? mcap - used : 0;
  memory.copy(nData(m) + ns, nData(n) + start, used);
  setStart(m, ns);
  setEnd(m, ns + used);
  setNCount(m, nCount(n));
  replaceNode(l, n, m);
  return m;
}

function writeElem(d: usize, p: usize, len: u32): void {
  const k = varLen(len);
  let v = len;
  for (let i: usize = 0; i < k; i++) {
    const b = <u8>(v & 0x7f) | (i + 1 < k ? 0x80 : 0);
    store<u8>(d + i, b);
    // The trailing copy is reversed: its first byte read backwards is the low one.
    store<u8>(d + (k << 1) + <usize>len - 1 - i, b);
    v >>= 7;
  }
  memory.copy(d + k, p, len);
}

/** Pushes bytes (p, len) at the head (front) or tail of list l. */
export function qlPush(l: usize, p: usize, len: u32, front: bool): void {
  const need = elemSize(len);
  let n = front ? lHead(l) : lTail(l);
  if (n == 0 || nEnd(n) - nStart(n) + need > NODE_MAX) {
    const m = nodeAlloc(need);
    const at = front ? nCap(m) : 0;
    setStart(m, at);
    setEnd(m, at);
    linkAfter(l, m, front ? 0 : n);
    n = m;
  }
  n = nodeRoom(l, n, need, front);
  if (front) {
    const s = nStart(n) - need;
    writeElem(nData(n) + s, p, len);
    setStart(n, s);
  } else {
    const e = nEnd(n);
    writeElem(nData(n) + e, p, len);
    setEnd(n, e + need);
  }
  setNCount(n, nCount(n) + 1);
  setCount(l, lCount(l) + 1);
}

/** Removes the first (front) or last element of a non-empty list. */
export function qlRemoveEnd(l: usize, front: bool): void {
  const n = front ? lHead(l) : lTail(l);
  if (front) {
    const s = nStart(n);
    setStart(n, s + elemSizeAt(n, s));
  } else {
    const e = nEnd(n);
    setEnd(n, e - sizeBefore(n, e));
  }
  setCount(l, lCount(l) - 1);
  const c = nCount(n) - 1;
  setNCount(n, c);
  if (c == 0) unlinkFree(l, n);
}

/** Removes k elements from the head (front) or tail, whole nodes at a time where possible. */
export function qlTrim(l: usize, k: u32, front: bool): void {
  while (k > 0) {
    const n = front ? lHead(l) : lTail(l);
    const c = nCount(n);
    if (c <= k) {
      k -= c;
      setCount(l, lCount(l) - c);
      unlinkFree(l, n);
    } else {
      for (; k > 0; k--) qlRemoveEnd(l, front);
    }
  }
}

/** Position set by qlSeek, qlNext, qlPrev and qlDeleteAt: a node and the data offset of an element (node 0 = none). */
export let atNode: usize = 0;
export let atOff: usize = 0;

/** Positions at element index (0 <= index < count), walking from the nearer end. */
export function qlSeek(l: usize, index: u32): void {
  const count = lCount(l);
  if (index < count >> 1) {
    let n = lHead(l);
    while (index >= nCount(n)) {
      index -= nCount(n);
      n = nNext(n);
    }
    let off = nStart(n);
    for (; index > 0; index--) off += elemSizeAt(n, off);
    atNode = n;
    atOff = off;
  } else {
    let r = count - 1 - index;
    let n = lTail(l);
    while (r >= nCount(n)) {
      r -= nCount(n);
      n = nPrev(n);
    }
    let off = nEnd(n);
    for (let i: u32 = 0; i <= r; i++) off -= sizeBefore(n, off);
    atNode = n;
    atOff = off;
  }
}

/** Moves to the next element; false (atNode = 0) past the tail. */
export function qlNext(): bool {
  const off = atOff + elemSizeAt(atNode, atOff);
  if (off < nEnd(atNode)) {
    atOff = off;
    return true;
  }
  atNode = nNext(atNode);
  if (atNode == 0) return false;
  atOff = nStart(atNode);
  return true;
}

/** Moves to the previous element; false (atNode = 0) before the head. */
export function qlPrev(): bool {
  if (atOff > nStart(atNode)) {
    atOff -= sizeBefore(atNode, atOff);
    return true;
  }
  atNode = nPrev(atNode);
  if (atNode == 0) return false;
  atOff = nEnd(atNode) - sizeBefore(atNode, nEnd(atNode));
  return true;
}

/** Positions at the first element (a non-empty list). */
export function qlFirst(l: usize): void {
  atNode = lHead(l);
  atOff = nStart(atNode);
}

/** Positions at the last element (a non-empty list). */
export function qlLast(l: usize): void {
  atNode = lTail(l);
  atOff = nEnd(atNode) - sizeBefore(atNode, nEnd(atNode));
}

/**
 * Deletes the element at (n, off); elements before it keep their offsets. Leaves the position on the
 * element that followed it (atNode = 0 past the tail). An emptied node is freed unless keepNode.
 */
export function qlDeleteAt(l: usize, n: usize, off: usize, keepNode: bool): void {
  const size = elemSizeAt(n, off);
  const end = nEnd(n);
  memory.copy(nData(n) + off, nData(n) + off + size, end - off - size);
  setEnd(n, end - size);
  setCount(l, lCount(l) - 1);
  const c = nCount(n) - 1;
  setNCount(n, c);
  atNode = n;
  atOff = off;
  if (off >= end - size) {
    atNode = nNext(n);
    if (atNode != 0) atOff = nStart(atNode);
  }
  if (c == 0 && !keepNode) unlinkFree(l, n);
}

/** Inserts bytes (p, len) at data offset off of node n (between two elements, or at either end of the node). */
export function qlInsertAt(l: usize, n: usize, off: usize, p: usize, len: u32): void {
  const need = elemSize(len);
  const start = nStart(n);
  const end = nEnd(n);
  if (nCount(n) == 0 || end - start + need <= NODE_MAX) {
    const rel = off - start;
    n = nodeRoom(l, n, need, false);
    const at = nStart(n) + rel;
    const e = nEnd(n);
    memory.copy(nData(n) + at + need, nData(n) + at, e - at);
    writeElem(nData(n) + at, p, len);
    setEnd(n, e + need);
    setNCount(n, nCount(n) + 1);
    setCount(l, lCount(l) + 1);
    return;
  }
  if (off == start) {
    const prev = nPrev(n);
    if (prev != 0 && nEnd(prev) - nStart(prev) + need <= NODE_MAX) qlInsertAt(l, prev, nEnd(prev), p, len);
    else insertNode(l, prev, p, len);
    return;
  }
  if (off == end) {
    const next = nNext(n);
    if (next != 0 && nEnd(next) - nStart(next) + need <= NODE_MAX) qlInsertAt(l, next, nStart(next), p, len);
    else insertNode(l, n, p, len);
    return;
  }
  // Split n at off: the elements from off on move to a new node after it, then insert at n's end.
  const tail = end - off;
  const m = nodeAlloc(tail);
  memory.copy(nData(m), nData(n) + off, tail);
  setEnd(m, tail);
  let moved: u32 = 0;
  for (let o: usize = 0; o < tail; o += elemSizeAt(m, o)) moved++;
  setNCount(m, moved);
  setNCount(n, nCount(n) - moved);
  setEnd(n, off);
  linkAfter(l, m, n);
  qlInsertAt(l, n, off, p, len);
}

/** A new node holding only (p, len), linked after `after` (0 = at the head). */
function insertNode(l: usize, after: usize, p: usize, len: u32): void {
  const m = nodeAlloc(elemSize(len));
  writeElem(nData(m), p, len);
  setEnd(m, elemSize(len));
  setNCount(m, 1);
  linkAfter(l, m, after);
  setCount(l, lCount(l) + 1);
}

/** Replaces the element at (n, off) with bytes (p, len). */
export function qlReplace(l: usize, n: usize, off: usize, p: usize, len: u32): void {
  if (elemLen(n, off) == len) {
    memory.copy(elemPtr(n, off), p, len);
    return;
  }
  qlDeleteAt(l, n, off, true);
  qlInsertAt(l, n, off, p, len);
}

/**
 * After deletions inside a list (LREM, LSET to a shorter element): merges neighbours that together fill at most
 * half a node and moves sparse nodes (under a quarter used) to smaller blocks, so memory follows the data. O(nodes).
 */
export function qlTidy(l: usize): void {
  let n = lHead(l);
  while (n != 0) {
    let next = nNext(n);
    while (next != 0 && nEnd(n) - nStart(n) + nEnd(next) - nStart(next) <= NODE_MAX >> 1) {
      const moved = nEnd(next) - nStart(next);
      n = nodeRoom(l, n, moved, false);
      memory.copy(nData(n) + nEnd(n), nData(next) + nStart(next), moved);
      setEnd(n, nEnd(n) + moved);
      setNCount(n, nCount(n) + nCount(next));
      unlinkFree(l, next);
      next = nNext(n);
    }
    const used = nEnd(n) - nStart(n);
    if (nCap(n) > NODE_MIN << 1 && used << 2 < nCap(n)) {
      const m = nodeAlloc(used << 1);
      const ns = (nCap(m) - used) >> 1;
      memory.copy(nData(m) + ns, nData(n) + nStart(n), used);
      setStart(m, ns);
      setEnd(m, ns + used);
      setNCount(m, nCount(n));
      replaceNode(l, n, m);
      n = m;
    }
    n = nNext(n);
  }
}

/** Frees every node of list l. */
export function qlRelease(l: usize): void {
  let n = lHead(l);
  while (n != 0) {
    const next = nNext(n);
    nodeFree(n);
    n = next;
  }
  qlInit(l);
}

/**
 * An upper bound on the bytes a write adding `bytes` of elements (their lengths plus ELEM_OVERHEAD_MAX
 * each) may allocate: size-class rounding, a node header per element or per half-full node, a node moving.
 * A write into the middle (LINSERT, LSET) may also split a node: callers add a node's bytes for it.
 */
export function qlWriteBound(bytes: usize, elements: usize): f64 {
  const nodes = min(elements, 3 * bytes / NODE_MAX + 2);
  // Plus one node moving to a larger block (old and new live for a moment; moves happen one at a time).
  return (<f64>(bytes + nodes * NODE_HDR)) * 1.25 + <f64>(NODE_HDR + NODE_MAX);
}
