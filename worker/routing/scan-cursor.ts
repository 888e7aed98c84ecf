// SCAN's gateway cursor: one decimal number carrying the shard to scan and that shard's own cursor,
// as shardCursor * N + shardIndex, so "0" starts at shard 0 and "0" again means done.

const MAX_CURSOR = (1n << 64n) - 1n;

export interface ShardCursor {
  readonly shard: number;
  readonly shardCursor: bigint;
}

/** Decodes a client cursor; undefined for what Redis calls an invalid cursor. */
export function parseScanCursor(arg: Uint8Array, shards: number): ShardCursor | undefined {
  const text = new TextDecoder().decode(arg);
  if (!/^[0-9]+$/.test(text)) return undefined;
  const cursor = BigInt(text);
  if (cursor > MAX_CURSOR) return undefined;
  const n = BigInt(shards);
  return { shard: Number(cursor % n), shardCursor: cursor / n };
}

/** The client cursor after `shard` answered `next`: on to the next shard when it is done. */
export function nextScanCursor(shard: number, next: bigint, shards: number): bigint {
  if (next !== 0n) return next * BigInt(shards) + BigInt(shard);
  return shard + 1 < shards ? BigInt(shard + 1) : 0n;
}
