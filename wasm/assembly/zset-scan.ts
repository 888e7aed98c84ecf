// Sorted-set reads without a range: ZRANDMEMBER (random picks; read-only, nothing logged) and ZSCAN
// (a listpack set whole, a skiplist set by cursor over its member index).
import { ERR_INVALID_CURSOR, ERR_OUT_OF_RANGE } from "./errors";
import { globMatch } from "./glob";
import {
  nextRandom, parseRandomCount, parseScanOptions, randomCount, randomUnique, randomWithOption, replyScanStart, scanCount, scanPatternLen,
  scanPatternPtr, writeI64Unsigned,
} from "./keys";
import { parseCursor, parsedInt } from "./numbers";
import { arrayHeader, bulk, closeArray, deferArray, error, nil, REPLY, writeI64 } from "./out";
import { argc, argLen, argPtr } from "./request";
import { nMember, nMemberLen, nScore } from "./skiplist";
import { scanEntry, scanFound, tMask, tScan, tScanDone, tSlots } from "./table";
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
  if (!parseRandomCount("withscores")) return;
  const withScores = randomWithOption;
  const unique = randomUnique;
  const count = randomCount;
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

const cursorText = memory.data(24);

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
  const parsedCursor = parsedInt;
  const e = readZset();
  if (wrongType) return;
  if (e == 0) {
    replyScanStart();
    arrayHeader(REPLY, 0);
    return;
  }
  if (!parseScanOptions(3, false)) return;
  const pp = scanPatternPtr;
  const pl = scanPatternLen;
  if (!isFull(e)) {
    replyScanStart();
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
  const next = tScan(zsOf(e) + 16, <u64>parsedCursor, scanCount);
  arrayHeader(REPLY, 2);
  bulk(REPLY, cursorText, writeI64Unsigned(cursorText, next));
  const mark = deferArray(REPLY);
  let n: i64 = 0;
  for (let k: u32 = 0; k < scanFound; k++) {
    const node = scanEntry(k);
    if (pl >= 0 && !globMatch(pp, pl, nMember(node), <i32>nMemberLen(node))) continue;
    bulk(REPLY, nMember(node), nMemberLen(node));
    replyScore(nScore(node));
    n += 2;
  }
  closeArray(REPLY, mark, n);
  tScanDone();
}
