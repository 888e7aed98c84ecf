// Where a key sits in the core's SCAN order, so a MAPREDUCE over several calls maps each key once.
//
// The core's SCAN (wasm/assembly/table.ts tScan) visits home buckets in reverse-binary order, as
// Redis's dictScan does: a key's place in that order is rev32(hashKey(key)), whatever the table's
// size, and a cursor v stands for position rev32(v). Growing the table keeps every position, so a
// scan never returns a key twice while the table only grows; but a table rebuilt smaller (a shard
// restarted after deletions, or FLUSHALL) makes the cursor fall back to a coarser bucket and revisit
// keys already returned. MAPREDUCE remembers the highest position it has passed and skips any key
// below it: a key present throughout is mapped exactly once (SCAN returns it at least once, and the
// first time it is at or above the mark), a key written meanwhile once or not at all.

const M64 = (1n << 64n) - 1n;
const mul = (a: bigint, b: bigint) => (a * b) & M64;
const rotl31 = (h: bigint) => ((h << 31n) | (h >> 33n)) & M64;

/** The core's keyHash (table.ts), bit for bit: its low 32 bits, for a core seeded with `keySeed`
 * (wasm/host.ts CoreOptions) or none. */
export function hashKey(key: Uint8Array, keySeed?: number): number {
  const len = key.length;
  const seed = keySeed === undefined ? 0n : mul(BigInt(keySeed) + 1n, 0x9e3779b97f4a7c15n);
  let h = 0x9e3779b97f4a7c15n ^ seed ^ mul(BigInt(len), 0xff51afd7ed558ccdn);
  const view = new DataView(key.buffer, key.byteOffset, key.byteLength);
  let i = 0;
  for (; i + 8 <= len; i += 8) {
    h ^= mul(view.getBigUint64(i, true), 0x87c37b91114253d5n);
    h = mul(rotl31(h), 0x4cf5ad432745937fn);
  }
  if (i < len) {
    let t = 0n;
    for (let s = 0n; i < len; i++, s += 8n) t |= BigInt(key[i]!) << s;
    h ^= mul(t, 0x87c37b91114253d5n);
    h = mul(rotl31(h), 0x4cf5ad432745937fn);
  }
  h ^= h >> 33n;
  h = mul(h, 0xff51afd7ed558ccdn);
  h ^= h >> 33n;
  h = mul(h, 0xc4ceb9fe1a85ec53n);
  h ^= h >> 33n;
  return Number(h & 0xffffffffn);
}

/** Bit reversal of a 32-bit number (an involution: it maps cursors to positions and back). */
export function rev32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return ((v >>> 16) | (v << 16)) >>> 0;
}

/** The position past every key: the scan is done. */
export const DONE = 2 ** 32;

export const keyPosition = (key: Uint8Array, keySeed?: number) => rev32(hashKey(key, keySeed));

/** The SCAN cursor to resume at `position` (it starts at the bucket holding it). */
export const cursorAt = (position: number) => rev32(position);

/** The position a SCAN cursor reply stands for (0 means the scan wrapped around: done). */
export const positionOf = (cursor: number) => (cursor === 0 ? DONE : rev32(cursor));
