// The slot → shard map: N shards own contiguous ranges of Redis Cluster's 16384 hash slots. Pure.

export const SLOT_COUNT = 16384;

/** First slot of shard `shard` of `shards`: floor(i*16384/N); the range ends before the next start. */
export function shardStart(shard: number, shards: number): number {
  return Math.floor((shard * SLOT_COUNT) / shards);
}

/** Slot range [first, last] owned by `shard`. */
export function shardRange(shard: number, shards: number): [number, number] {
  return [shardStart(shard, shards), shardStart(shard + 1, shards) - 1];
}

/** The shard owning `slot`. */
export function shardOfSlot(slot: number, shards: number): number {
  // The estimate is within one of the answer: correct it against the exact range starts.
  let shard = Math.min(shards - 1, Math.floor((slot * shards) / SLOT_COUNT));
  while (shard + 1 < shards && shardStart(shard + 1, shards) <= slot) shard++;
  while (shard > 0 && shardStart(shard, shards) > slot) shard--;
  return shard;
}
