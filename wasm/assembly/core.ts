// The shard core's exports: executes RESP batches over the keyspace held in this module's linear memory.
// The ABI is documented in wasm/README.md; its export list is snapshotted by test/wasm/abi.test.ts.
import { setLimit, usedBytes } from "./alloc";
import { dispatch } from "./commands";
import { initKeyspace, KEYSPACE, setExpiryActive, setExpiryDeletes, setNow, volatileCount as volatileKeys } from "./db";
import { setPolicy } from "./evict";
import { seedRandom } from "./keys";
import { ascii, crlf, EFFECTS, outLen, outPtr, REPLY, resetOut, advance, reserve } from "./out";
import { argc, inputBase, inputRegion, parseCommand, protocolByte, protocolError } from "./request";
import { setKeySeed, tCount } from "./table";
import { groupDone, nextHint, prefetchGroup, resetHints } from "./prefetch";

export { keySlotAt } from "./crc16";

const FLAG_INTERNAL = 1;
/** A replica's read-only batch: expired keys are hidden, not deleted (db.ts expiryDeletes). */
const FLAG_REPLICA_READ = 2;

/** Returns the input region, grown to at least `size` bytes (0 if memory cannot grow). */
export function scratch(size: i32): usize {
  return inputRegion(<u32>size);
}

/** Executes every command in the first `len` bytes of the input region; returns the replies written. */
export function execute(len: i32, nowMs: f64, flags: i32): i32 {
  initKeyspace();
  resetOut(REPLY);
  resetOut(EFFECTS);
  setNow(nowMs);
  const internal = (flags & FLAG_INTERNAL) != 0;
  setExpiryActive(!internal);
  setExpiryDeletes((flags & FLAG_REPLICA_READ) == 0);
  let pos = inputBase();
  const end = pos + <usize>len;
  let count = 0;
  resetHints();
  while (pos < end) {
    if (groupDone()) prefetchGroup(pos, end);
    nextHint();
    const next = parseCommand(pos, end);
    if (next == 0) {
      // Redis closes the connection on a protocol error; here the batch ends with the error.
      const d = reserve(REPLY, 1);
      store<u8>(d, 0x2d);
      advance(REPLY, 1);
      ascii(REPLY, protocolError);
      if (protocolByte >= 0) {
        const b = reserve(REPLY, 2);
        store<u8>(b, protocolByte == 13 || protocolByte == 10 ? 32 : <u8>protocolByte);
        store<u8>(b + 1, 0x27);
        advance(REPLY, 2);
      }
      crlf(REPLY);
      count++;
      break;
    }
    pos = next;
    if (argc == 0) continue;
    dispatch(internal);
    count++;
  }
  return count;
}

export function replyPtr(): usize {
  return outPtr(REPLY);
}
export function replyLen(): i32 {
  return <i32>outLen(REPLY);
}
export function effectsPtr(): usize {
  return outPtr(EFFECTS);
}
export function effectsLen(): i32 {
  return <i32>outLen(EFFECTS);
}
export function usedMemory(): f64 {
  initKeyspace();
  return usedBytes;
}
export function keyCount(): i32 {
  initKeyspace();
  return <i32>tCount(KEYSPACE);
}
export function volatileCount(): i32 {
  return volatileKeys;
}
export function setMaxMemory(bytes: f64): void {
  setLimit(bytes);
}
/** Sets the maxmemory policy by its code (wasm/host.ts EVICTION_POLICIES order); 0 for an unknown code. */
export function setEvictionPolicy(code: i32): i32 {
  return setPolicy(code) ? 1 : 0;
}
export function seed(value: f64): void {
  seedRandom(value);
}
/** Seeds the keyspace's hash (table.ts keyHash) with a shard group's own value; 0, refused, once it
 * holds keys, whose stored hashes depend on it. */
export function seedKeyspace(value: f64): i32 {
  initKeyspace();
  if (tCount(KEYSPACE) != 0) return 0;
  setKeySeed((<u64>value + 1) * 0x9e3779b97f4a7c15);
  return 1;
}
