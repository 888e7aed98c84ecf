// Group prefetch: before executing the next 32 commands, hash their first keys and touch their table
// slots, then their entries, so the cache misses of a large keyspace overlap instead of queueing
// (WebAssembly has no prefetch instruction; independent loads in a tight loop are the substitute).
import { KEYSPACE } from "./db";
import { keyHash, tMask, tSlots } from "./table";

const GROUP: i32 = 32;
/** Below this many slots the table stays in cache and prefetching is pure overhead. */
const MIN_SLOTS: u32 = 1 << 16;
const hintPtr = memory.data(GROUP * 4);
const hintHash = memory.data(GROUP * 4);
let hintCount: i32 = 0;
let hintAt: i32 = 0;
/** Keeps the touching loads alive. */
let sink: u32 = 0;

let cursor: usize = 0;

function readNumber(end: usize): i32 {
  let p = cursor;
  let v: i32 = 0;
  const start = p;
  while (p < end && load<u8>(p) != 13) {
    const c = <i32>load<u8>(p) - 0x30;
    if (c < 0 || c > 9 || p - start > 9) return -1;
    v = v * 10 + c;
    p++;
  }
  if (p == start || p + 1 >= end) return -1;
  cursor = p + 2;
  return v;
}

/** Skips one bulk string at cursor; returns its data pointer or 0 when malformed. */
function skipBulk(end: usize): usize {
  if (cursor >= end || load<u8>(cursor) != 0x24) return 0;
  cursor++;
  const len = readNumber(end);
  if (len < 0) return 0;
  const data = cursor;
  if (data + <usize>len + 2 > end) return 0;
  bulkLen = <u32>len;
  cursor = data + <usize>len + 2;
  return data;
}
let bulkLen: u32 = 0;

/** Prepares hints for the commands starting at pos (stops quietly at anything unusual). */
export function prefetchGroup(pos: usize, end: usize): void {
  hintCount = 0;
  hintAt = 0;
  const mask = tMask(KEYSPACE);
  if (mask + 1 < MIN_SLOTS) return;
  cursor = pos;
  while (hintCount < GROUP && cursor < end) {
    if (load<u8>(cursor) != 0x2a) break;
    cursor++;
    const n = readNumber(end);
    if (n < 1) break;
    if (skipBulk(end) == 0) break;
    let kp: usize = 0;
    let h: u32 = 0;
    if (n >= 2) {
      kp = skipBulk(end);
      if (kp == 0) break;
      h = keyHash(kp, bulkLen);
      for (let i = 2; i < n; i++) if (skipBulk(end) == 0) return;
    }
    store<u32>(hintPtr + (<usize>hintCount << 2), <u32>kp);
    store<u32>(hintHash + (<usize>hintCount << 2), h);
    hintCount++;
  }
  const slots = tSlots(KEYSPACE);
  let acc: u32 = 0;
  for (let i = 0; i < hintCount; i++) {
    acc += load<u32>(slots + ((<usize>(load<u32>(hintHash + (<usize>i << 2)) & mask)) << 3), 4);
  }
  for (let i = 0; i < hintCount; i++) {
    const e = <usize>load<u32>(slots + ((<usize>(load<u32>(hintHash + (<usize>i << 2)) & mask)) << 3), 4);
    if (e != 0) acc += load<u32>(e);
  }
  sink += acc;
}

export function resetHints(): void {
  hintCount = 0;
  hintAt = 0;
}

/** Whether the current group is used up (the batch loop then prefetches the next one). */
export function groupDone(): bool {
  return hintAt >= hintCount;
}

/** Called once per executed command: moves to the next hint. */
export function nextHint(): void {
  hintAt++;
}

/** The precomputed hash for a key pointer of the current command, or a fresh hash. */
// @ts-ignore: decorator
@inline export function hashFor(kp: usize, kl: u32): u32 {
  const at = hintAt - 1;
  if (at >= 0 && at < hintCount && <usize>load<u32>(hintPtr + (<usize>at << 2)) == kp) {
    return load<u32>(hintHash + (<usize>at << 2));
  }
  return keyHash(kp, kl);
}
