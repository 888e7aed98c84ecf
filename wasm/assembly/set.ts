// Sets (Redis t_set.c): an intset (ENC_ALT, intset.ts) while every member is an integer and there are at most
// 512, else a member table (ENC_FULL): the entry's value is a table.ts descriptor [u32 slots][u32 mask][u32 count]
// whose slots point at member blocks laid out as entries with an empty value ([u32 len][u32 0][u32 0][member]).
// A set never converts back (as Redis), and is never empty: the key goes with its last member.
import { alloc, blockSize, fitsData, free } from "./alloc";
import { deleteAt, ENC_ALT, ENC_FULL, foundSlot, install, lookup, markDirty, newEntry, setEncoding, T_SET } from "./db";
import { ERR_OOM, ERR_WRONGTYPE } from "./errors";
import { isAt, isCount, isInsert, isPos, isRemoveAt, isSearch, MAX_INTSET_ENTRIES, sortI64 } from "./intset";
import { parseI64, parsedInt } from "./numbers";
import { bulk, error, REPLY, writeI64 } from "./out";
import { argLen, argPtr } from "./request";
import {
  capFor, eEncoding, eExpire, eKey, eKeyLen, eType, eVal, eValLen, hashKey, HDR, MIN_CAPACITY, tCount, tFind, tInit, tInsert,
  tMakeRoom, tMask, tRemove, tSlots,
} from "./table";

// @ts-ignore: decorator
@inline export function isTable(e: usize): bool {
  return eEncoding(e) == ENC_FULL;
}

export function sCard(e: usize): u32 {
  return isTable(e) ? tCount(eVal(e)) : isCount(e);
}

/** Whether bytes are a canonical 64-bit integer (Redis's string2ll), leaving it in parsedInt. */
// @ts-ignore: decorator
@inline export function asInt(p: usize, l: u32): bool {
  return parseI64(p, l);
}

// ---- member tables ----

function newMember(p: usize, l: u32): usize {
  const m = alloc(HDR + <usize>l);
  if (m == 0) unreachable(); // memory was checked up front; only linear memory refusing to grow gets here
  store<u32>(m, l);
  store<u32>(m, 0, 4);
  store<u32>(m, 0, 8);
  memory.copy(m + HDR, p, l);
  return m;
}

// @ts-ignore: decorator
@inline function memberSize(l: u32): usize {
  return blockSize(HDR + <usize>l);
}

/** Adds a member known to be absent to the table t with room for it. */
export function tableAdd(t: usize, p: usize, l: u32): void {
  tInsert(t, hashKey(p, l), newMember(p, l));
}

function rehash(t: usize, ncap: u32): void {
  const old = tSlots(t);
  const cap = tMask(t) + 1;
  const slots = alloc((<usize>ncap) << 3);
  if (slots == 0) return; // keep the sparse table: correct, only slower
  memory.fill(slots, 0, (<usize>ncap) << 3);
  const mask = ncap - 1;
  for (let i: u32 = 0; i < cap; i++) {
    const s = old + ((<usize>i) << 3);
    if (load<u32>(s, 4) == 0) continue;
    let j = load<u32>(s) & mask;
    while (load<u32>(slots + ((<usize>j) << 3), 4) != 0) j = (j + 1) & mask;
    store<u64>(slots + ((<usize>j) << 3), load<u64>(s));
  }
  free(old, (<usize>cap) << 3);
  store<u32>(t, <u32>slots);
  store<u32>(t, mask, 4);
}

/** Shrinks a table below 1/8 load to at most 1/2 load (as Redis resizes its dicts), so random picks stay cheap. */
export function maybeShrink(e: usize): void {
  if (!isTable(e)) return;
  const t = eVal(e);
  const cap = tMask(t) + 1;
  const n = tCount(t);
  if (cap <= MIN_CAPACITY || <u64>n * 8 >= <u64>cap) return;
  let c = cap;
  while (c > MIN_CAPACITY && <u64>n * 2 <= <u64>(c >> 1)) c >>= 1;
  rehash(t, c);
}

/** Frees the member table of a set entry (objects.ts releaseValue). */
export function releaseSet(e: usize): void {
  const t = eVal(e);
  const slots = tSlots(t);
  const cap = tMask(t) + 1;
  for (let i: u32 = 0; i < cap; i++) {
    const m = <usize>load<u32>(slots + ((<usize>i) << 3), 4);
    if (m != 0) free(m, HDR + <usize>load<u32>(m));
  }
  free(slots, (<usize>cap) << 3);
}

// ---- membership, iteration, random picks (any encoding) ----

const numBuf = memory.data(24);

export function sHas(e: usize, p: usize, l: u32): bool {
  if (isTable(e)) return tFind(eVal(e), p, l, hashKey(p, l)) != 0;
  return asInt(p, l) && isSearch(e, parsedInt);
}

/** Whether set e holds the integer v. */
export function sHasInt(e: usize, v: i64): bool {
  if (!isTable(e)) return isSearch(e, v);
  const l = writeI64(numBuf, v);
  return tFind(eVal(e), numBuf, l, hashKey(numBuf, l)) != 0;
}

/** The member the iterator or a random pick is at: bytes (mPtr, mLen); for an intset mInt holds the value and mSlot is its index; for a table mSlot is its slot. */
export let mPtr: usize = 0;
export let mLen: u32 = 0;
export let mInt: i64 = 0;
export let mSlot: usize = 0;
let itPos: u32 = 0;

export function itStart(): void {
  itPos = 0;
}

function atIntIndex(e: usize, i: u32): void {
  mInt = isAt(e, i);
  mLen = writeI64(numBuf, mInt);
  mPtr = numBuf;
  mSlot = <usize>i;
}

function atSlot(s: usize): void {
  const m = <usize>load<u32>(s, 4);
  mSlot = s;
  mPtr = m + HDR;
  mLen = load<u32>(m);
}

/** Advances to the next member (an intset in ascending order, a table in slot order); false at the end. */
export function itNext(e: usize): bool {
  if (!isTable(e)) {
    if (itPos >= isCount(e)) return false;
    atIntIndex(e, itPos++);
    return true;
  }
  const t = eVal(e);
  const slots = tSlots(t);
  const cap = tMask(t) + 1;
  while (itPos < cap) {
    const s = slots + ((<usize>itPos) << 3);
    itPos++;
    if (load<u32>(s, 4) != 0) {
      atSlot(s);
      return true;
    }
  }
  return false;
}

/** Moves to a uniformly chosen member of a non-empty set (mPtr/mLen/mSlot). */
export function randomMember(e: usize, r: u64): void {
  if (!isTable(e)) {
    atIntIndex(e, <u32>(r % <u64>isCount(e)));
    return;
  }
  const t = eVal(e);
  const slots = tSlots(t);
  const mask = tMask(t);
  // Rejection sampling over slots keeps the pick uniform; tables stay above 1/8 load (maybeShrink).
  let j = <u32>(r >> 32) & mask;
  let x = r;
  for (let tries = 0; tries < 64; tries++) {
    if (load<u32>(slots + ((<usize>j) << 3), 4) != 0) {
      atSlot(slots + ((<usize>j) << 3));
      return;
    }
    x = x * 6364136223846793005 + 1442695040888963407;
    j = <u32>(x >> 33) & mask;
  }
  while (load<u32>(slots + ((<usize>j) << 3), 4) == 0) j = (j + 1) & mask;
  atSlot(slots + ((<usize>j) << 3));
}

/** Writes the current member as a bulk reply to o. */
export function replyMember(o: usize): void {
  bulk(o, mPtr, mLen);
}

// ---- changes (the entry is the one in foundSlot; maxmemory was checked up front) ----

/** Set by sAdd / sRemove: whether the member was added / removed. */
export let changed = false;

/**
 * Converts the intset of foundSlot to a member table with room for `extra` more members. Returns the new entry.
 */
function toTable(e: usize, extra: u32): usize {
  const n = isCount(e);
  const ne = newEntry(eKey(e), eKeyLen(e), 12, T_SET, eExpire(e), false);
  if (ne == 0) unreachable();
  setEncoding(ne, ENC_FULL);
  const t = eVal(ne);
  tInit(t, n + extra);
  for (let i: u32 = 0; i < n; i++) {
    const l = writeI64(numBuf, isAt(e, i));
    tableAdd(t, numBuf, l);
  }
  if (!install(ne)) unreachable();
  return ne;
}

/** Adds a member to set e (in foundSlot); returns the entry (maybe moved or converted) and sets `changed`. */
export function sAdd(e: usize, p: usize, l: u32): usize {
  if (!isTable(e)) {
    if (asInt(p, l)) {
      const v = parsedInt;
      if (isSearch(e, v)) {
        changed = false;
        return e;
      }
      if (isCount(e) < MAX_INTSET_ENTRIES) {
        changed = true;
        e = isInsert(e, v);
        if (e == 0) unreachable();
        return e;
      }
    }
    e = toTable(e, 1);
  }
  const t = eVal(e);
  const h = hashKey(p, l);
  if (tFind(t, p, l, h) != 0) {
    changed = false;
    return e;
  }
  if (!tMakeRoom(t)) unreachable();
  tInsert(t, h, newMember(p, l));
  markDirty(e);
  changed = true;
  return e;
}

/** Removes the member at the current position (after randomMember / itNext) from set e; returns the entry. */
export function removeCurrent(e: usize): usize {
  if (!isTable(e)) {
    e = isRemoveAt(e, <u32>mSlot);
    if (e == 0) unreachable();
    return e;
  }
  const m = <usize>load<u32>(mSlot, 4);
  tRemove(eVal(e), mSlot);
  free(m, HDR + <usize>load<u32>(m));
  markDirty(e);
  return e;
}

/** Removes a member from set e (in foundSlot); returns the entry (maybe moved) and sets `changed`. */
export function sRemove(e: usize, p: usize, l: u32): usize {
  if (!isTable(e)) {
    changed = asInt(p, l) && isSearch(e, parsedInt);
    if (changed) {
      mSlot = <usize>isPos;
      e = removeCurrent(e);
    }
    return e;
  }
  const s = tFind(eVal(e), p, l, hashKey(p, l));
  changed = s != 0;
  if (changed) {
    mSlot = s;
    e = removeCurrent(e);
  }
  return e;
}

/** After removals: deletes the key of foundSlot when the set is empty, else shrinks a sparse table. */
export function settle(e: usize): void {
  if (sCard(e) == 0) deleteAt(foundSlot);
  else maybeShrink(e);
}

/**
 * A new empty set at the key last looked up (absent): an intset when its first member will be an integer
 * (as Redis's setTypeCreate), else a table with room for `hint` members. Returns the entry (installed).
 */
export function createSet(kp: usize, kl: u32, intset: bool, hint: u32): usize {
  const e = newEntry(kp, kl, intset ? 0 : 12, T_SET, -1, false);
  if (e == 0) return 0;
  if (intset) setEncoding(e, ENC_ALT);
  else {
    setEncoding(e, ENC_FULL);
    tInit(eVal(e), hint);
  }
  if (!install(e)) {
    return 0;
  }
  return e;
}

/**
 * Upper bound on the bytes adding the members argv[from..] to set e (0 = absent) may allocate: new member
 * blocks, the table doubling (old and new slots live together), a conversion of the intset, the entry moving.
 */
export function addBound(e: usize, keyLen: u32, from: i32, to: i32): f64 {
  let bytes: f64 = 64;
  let k: u32 = 0;
  let allInt = true;
  for (let i = from; i < to; i++) {
    bytes += <f64>memberSize(argLen(i)) + 8;
    if (!asInt(argPtr(i), argLen(i))) allInt = false;
    k++;
  }
  const n: u32 = e != 0 ? sCard(e) : 0;
  const table = e != 0 && isTable(e);
  const converts = !table && (!allInt || n + k > MAX_INTSET_ENTRIES);
  // A table grows by doubling (old and new slots live together for a moment); a conversion builds one.
  if (converts || (table && <u64>(n + k) * 4 > <u64>(tMask(eVal(e)) + 1) * 3)) bytes += <f64>(<u64>capFor(n + k) << 4);
  if (e == 0) bytes += <f64>blockSize(HDR + 8 + <usize>keyLen + 12 + <usize>k * 8);
  else {
    bytes += <f64>blockSize(HDR + 8 + <usize>eKeyLen(e) + <usize>eValLen(e) + <usize>k * 8);
    if (converts) bytes += <f64>n * <f64>memberSize(20);
  }
  return bytes;
}

// ---- reading and writing the set at argv[1] ----

/** Set by readSet / writeSetAt when the key holds another type (WRONGTYPE already replied). */
export let wrongType = false;

/** The set at key (kp, kl) for reading (0 when absent); on another type replies WRONGTYPE and sets wrongType. */
export function readSetAt(kp: usize, kl: u32): usize {
  const e = lookup(kp, kl);
  wrongType = e != 0 && eType(e) != T_SET;
  if (wrongType) error(REPLY, ERR_WRONGTYPE);
  return wrongType ? 0 : e;
}

export function readSet(): usize {
  return readSetAt(argPtr(1), argLen(1));
}

/** Whether `bytes` more data fit under maxmemory; replies OOM when they do not. */
export function fitsOrOom(bytes: f64): bool {
  if (fitsData(bytes)) return true;
  error(REPLY, ERR_OOM);
  return false;
}

// ---- the compact form: checkpoint rows and DUMP payloads ----

/** Bit 31 of the compact form's count: the set was a hash table (kept so a restart keeps OBJECT ENCODING). */
const TABLE_FLAG: u32 = 0x80000000;

/** [u32 count | TABLE_FLAG]([u32 len][member])*: the members as bytes, whatever the encoding. */
export function setCompactLen(e: usize): u32 {
  let n: u32 = 4;
  itStart();
  while (itNext(e)) n += 4 + mLen;
  return n;
}

export function writeSetCompact(e: usize, d: usize): void {
  store<u32>(d, sCard(e) | (isTable(e) ? TABLE_FLAG : 0));
  let o: usize = 4;
  itStart();
  while (itNext(e)) {
    store<u32>(d + o, mLen);
    memory.copy(d + o + 4, mPtr, mLen);
    o += 4 + <usize>mLen;
  }
}

/** Whether (p, len) is a well-formed compact set: count matching, at least one member, members distinct. */
export function validSetCompact(p: usize, len: u32): bool {
  if (len < 4) return false;
  const count = load<u32>(p) & ~TABLE_FLAG;
  let o: u64 = 4;
  let seen: u32 = 0;
  while (o < <u64>len) {
    if (o + 4 > <u64>len) return false;
    o += 4 + <u64>load<u32>(p + <usize>o);
    seen++;
  }
  if (o != <u64>len || seen != count || count == 0) return false;
  // Distinct members: an open-addressing pass over (hash, offset + 1) pairs.
  const cap = capFor(count * 2);
  const slots = alloc((<usize>cap) << 3);
  if (slots == 0) return false;
  memory.fill(slots, 0, (<usize>cap) << 3);
  const mask = cap - 1;
  let ok = true;
  let q: usize = 4;
  for (let i: u32 = 0; i < count && ok; i++) {
    const l = load<u32>(p + q);
    const h = hashKey(p + q + 4, l);
    let j = h & mask;
    while (true) {
      const s = slots + ((<usize>j) << 3);
      const at = load<u32>(s, 4);
      if (at == 0) {
        store<u32>(s, h);
        store<u32>(s, <u32>q + 1, 4);
        break;
      }
      const ol = load<u32>(p + <usize>at - 1);
      if (load<u32>(s) == h && ol == l && memory.compare(p + <usize>at + 3, p + q + 4, l) == 0) {
        ok = false;
        break;
      }
      j = (j + 1) & mask;
    }
    q += 4 + <usize>l;
  }
  free(slots, (<usize>cap) << 3);
  return ok;
}

/** A compact set that cannot be converted (OOM) is never left in the keyspace: the key goes. */
function refuseLoad(): usize {
  deleteAt(foundSlot);
  return 0;
}

/** A loaded compact set (entry e in foundSlot) becomes an intset or a member table. Returns the entry, 0 on OOM. */
export function setAfterLoad(e: usize): usize {
  const v = eVal(e);
  const head = load<u32>(v);
  const count = head & ~TABLE_FLAG;
  let allInt = (head & TABLE_FLAG) == 0 && count <= MAX_INTSET_ENTRIES;
  let o: usize = 4;
  for (let i: u32 = 0; i < count && allInt; i++) {
    const l = load<u32>(v + o);
    if (!asInt(v + o + 4, l)) allInt = false;
    o += 4 + <usize>l;
  }
  let ne: usize = 0;
  if (allInt) {
    ne = newEntry(eKey(e), eKeyLen(e), count << 3, T_SET, eExpire(e), true);
    if (ne == 0) return refuseLoad();
    setEncoding(ne, ENC_ALT);
    const d = eVal(ne);
    o = 4;
    for (let i: u32 = 0; i < count; i++) {
      const l = load<u32>(v + o);
      asInt(v + o + 4, l);
      store<i64>(d + ((<usize>i) << 3), parsedInt);
      o += 4 + <usize>l;
    }
    sortI64(d, count);
  } else {
    let need: f64 = <f64>(<u64>capFor(count) << 3);
    o = 4;
    for (let i: u32 = 0; i < count; i++) {
      const l = load<u32>(v + o);
      need += <f64>memberSize(l);
      o += 4 + <usize>l;
    }
    if (!fitsData(need)) return refuseLoad();
    ne = newEntry(eKey(e), eKeyLen(e), 12, T_SET, eExpire(e), true);
    if (ne == 0) return refuseLoad();
    setEncoding(ne, ENC_FULL);
    const t = eVal(ne);
    tInit(t, count);
    o = 4;
    for (let i: u32 = 0; i < count; i++) {
      const l = load<u32>(v + o);
      tableAdd(t, v + o + 4, l);
      o += 4 + <usize>l;
    }
  }
  if (!install(ne)) return 0;
  return ne;
}
