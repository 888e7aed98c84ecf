// Sorted-set reads without a range: ZRANDMEMBER (random picks; read-only, nothing logged) and ZSCAN
// (a listpack set whole, a skiplist set by cursor over its member index).
import { alloc, free } from "./alloc";
import { ERR_INVALID_CURSOR, ERR_NOT_INTEGER, ERR_OUT_OF_RANGE, ERR_RANDFIELD_RANGE, ERR_SYNTAX } from "./errors";
import { globMatch } from "./glob";
import { nextRandom, parseScanOptions, scanCount, scanPatternLen, scanPatternPtr } from "./keys";
import { argIs, parseCursor, parseI64, parsedInt } from "./numbers";
import { arrayHeader, bulk, closeArray, deferArray, error, nil, REPLY, writeI64 } from "./out";
import { argc, argLen, argPtr } from "./request";
import { nMember, nMemberLen, nScore } from "./skiplist";
import { tMask, tSlots } from "./table";
import { isFull, itemLen, itemPtr, itemScore, readZsetAt, replyScore, wrongType, zItem, zLen, zsOf } from "./zset";

function readZset(): usize {
  return readZsetAt(argPtr(1), argLen(1));
}

const MAX_REPEATS: i64 = 1 << 20;

function writeItem(e: usize, r: u32, withScores: bool): void {
  zItem(e, r);
  bulk(REPLY, itemPtr, itemLen);
  if (withScores) replyScore(itemScore);
}

/** ZRANDMEMBER key [count [WITHSCORES]]: read-only, nothing logged. */
export function cmdZrandmember(): void {
  if (argc == 2) {
    const e = readZset();
    if (wrongType) return;
    if (e == 0) nil(REPLY);
    else writeItem(e, <u32>(nextRandom() % <u64>zLen(e)), false);
    return;
  }
  if (!parseI64(argPtr(2), argLen(2))) {
    error(REPLY, ERR_NOT_INTEGER);
    return;
  }
  const l = parsedInt;
  if (l == i64.MIN_VALUE) {
    error(REPLY, ERR_RANDFIELD_RANGE);
    return;
  }
  if (argc > 4 || (argc == 4 && !argIs(argPtr(3), argLen(3), "withscores"))) {
    error(REPLY, ERR_SYNTAX);
    return;
  }
  const withScores = argc == 4;
  const unique = l >= 0;
  const count: i64 = unique ? l : -l;
  if (withScores && count > i64.MAX_VALUE / 2) {
    error(REPLY, ERR_OUT_OF_RANGE);
    return;
  }
  const e = readZset();
  if (wrongType) return;
  if (e == 0 || count == 0) {
    arrayHeader(REPLY, 0);
    return;
  }
  const size = zLen(e);
  const per: i64 = withScores ? 2 : 1;
  // As HRANDFIELD: repeats past MAX_REPEATS are refused rather than exhaust the shard's memory.
  if (!unique && count > MAX_REPEATS) {
    error(REPLY, ERR_OUT_OF_RANGE);
    return;
  }
  if (!unique) {
    arrayHeader(REPLY, count * per);
    for (let i: i64 = 0; i < count; i++) writeItem(e, <u32>(nextRandom() % <u64>size), withScores);
    return;
  }
  if (count >= <i64>size) {
    arrayHeader(REPLY, <i64>size * per);
    for (let r: u32 = 0; r < size; r++) writeItem(e, r, withScores);
    return;
  }
  arrayHeader(REPLY, count * per);
  let need = <u64>count;
  let left = <u64>size;
  for (let r: u32 = 0; r < size && need > 0; r++) {
    if (nextRandom() % left < need) {
      writeItem(e, r, withScores);
      need--;
    }
    left--;
  }
}

const ZERO = memory.data<u8>([0x30]);
const cursorText = memory.data(24);

function rev(v: u64): u64 {
  v = ((v >> 1) & 0x5555555555555555) | ((v & 0x5555555555555555) << 1);
  v = ((v >> 2) & 0x3333333333333333) | ((v & 0x3333333333333333) << 2);
  v = ((v >> 4) & 0x0f0f0f0f0f0f0f0f) | ((v & 0x0f0f0f0f0f0f0f0f) << 4);
  v = ((v >> 8) & 0x00ff00ff00ff00ff) | ((v & 0x00ff00ff00ff00ff) << 8);
  v = ((v >> 16) & 0x0000ffff0000ffff) | ((v & 0x0000ffff0000ffff) << 16);
  return (v >> 32) | (v << 32);
}

/**
 * ZSCAN key cursor [MATCH pattern] [COUNT count]: a compact set is returned whole with cursor 0 (as
 * Redis does for a listpack); a full one is walked over its member index in reverse-binary bucket
 * order, so members present for the whole scan are returned even when the index grows.
 */
export function cmdZscan(): void {
  if (!parseCursor(argPtr(2), argLen(2))) {
    error(REPLY, ERR_INVALID_CURSOR);
    return;
  }
  let v = <u64>parsedInt;
  const e = readZset();
  if (wrongType) return;
  if (e == 0) {
    arrayHeader(REPLY, 2);
    bulk(REPLY, ZERO, 1);
    arrayHeader(REPLY, 0);
    return;
  }
  if (!parseScanOptions(3, false)) return;
  const pp = scanPatternPtr;
  const pl = scanPatternLen;
  arrayHeader(REPLY, 2);
  if (!isFull(e)) {
    bulk(REPLY, ZERO, 1);
    const mark = deferArray(REPLY);
    let n: i64 = 0;
    const size = zLen(e);
    for (let r: u32 = 0; r < size; r++) {
      zItem(e, r);
      if (pl >= 0 && !globMatch(pp, pl, itemPtr, <i32>itemLen)) continue;
      bulk(REPLY, itemPtr, itemLen);
      // A listpack keeps an integral score within ±2^62 as an integer, and ZSCAN returns it as such.
      const v = itemScore;
      if (v == Math.floor(v) && Math.abs(v) <= 4611686018427387904.0) bulk(REPLY, cursorText, writeI64(cursorText, <i64>v));
      else replyScore(v);
      n += 2;
    }
    closeArray(REPLY, mark, n);
    return;
  }
  const t = zsOf(e) + 16;
  const slots = tSlots(t);
  const mask = <u64>tMask(t);
  const count = scanCount;
  let budget = count > i64.MAX_VALUE / 10 ? i64.MAX_VALUE : count * 10;
  // Collect the nodes of whole home buckets first: the cursor must be final before the reply header.
  let cap: u32 = 64;
  let list = alloc(<usize>cap << 2);
  if (list == 0) unreachable();
  let found: u32 = 0;
  do {
    const b = <u32>(v & mask);
    let j = b;
    while (true) {
      const s = slots + ((<usize>j) << 3);
      const node = load<u32>(s, 4);
      if (node == 0) break;
      if ((load<u32>(s) & <u32>mask) == b) {
        if (found == cap) {
          const bigger = alloc(<usize>cap << 3);
          if (bigger == 0) unreachable();
          memory.copy(bigger, list, <usize>cap << 2);
          free(list, <usize>cap << 2);
          list = bigger;
          cap <<= 1;
        }
        store<u32>(list + (<usize>found << 2), node);
        found++;
      }
      j = (j + 1) & <u32>mask;
    }
    v |= ~mask;
    v = rev(v);
    v++;
    v = rev(v);
  } while (v != 0 && --budget > 0 && <i64>found < count);
  bulk(REPLY, cursorText, formatCursor(v));
  const mark = deferArray(REPLY);
  let n: i64 = 0;
  for (let k: u32 = 0; k < found; k++) {
    const node = <usize>load<u32>(list + (<usize>k << 2));
    if (pl >= 0 && !globMatch(pp, pl, nMember(node), <i32>nMemberLen(node))) continue;
    bulk(REPLY, nMember(node), nMemberLen(node));
    replyScore(nScore(node));
    n += 2;
  }
  closeArray(REPLY, mark, n);
  free(list, <usize>cap << 2);
}


function formatCursor(v: u64): u32 {
  let n: u32 = 0;
  let t = v;
  do {
    n++;
    t /= 10;
  } while (t != 0);
  for (let i = n; i > 0; i--) {
    store<u8>(cursorText + i - 1, <u8>(0x30 + <u32>(v % 10)));
    v /= 10;
  }
  return n;
}
