// The `upstash-sync-token` header: a new value after every request that wrote, so a client doing
// read-your-writes can tell; a read echoes the client's token (or the latest one) unchanged. With
// replicas, the token also carries the log offset each written shard reached (compact, opaque to
// clients): `<isolate>-<n>` then `.<shard>~<offset>` per shard, both base 36. A replica serves a
// request carrying it only once it has applied those offsets.

// A random prefix per isolate keeps tokens from different isolates (and restarts) distinct. Drawn on
// first use: workerd forbids random values in global scope.
let isolate: string | undefined;
let writes = 0;

/** Shard → the offset of its primary's log a client has seen written. */
export type SyncPositions = Map<number, number>;

export function syncToken(wrote: boolean, requestToken: string | null, positions?: SyncPositions): string {
  isolate ??= crypto.randomUUID().slice(0, 8);
  if (!wrote) return requestToken || `${isolate}-${writes}`;
  const base = `${isolate}-${++writes}`;
  if (!positions || positions.size === 0) return base;
  const merged = new Map(tokenPositions(requestToken));
  for (const [shard, offset] of positions) merged.set(shard, Math.max(offset, merged.get(shard) ?? 0));
  return base + [...merged].sort(([a], [b]) => a - b).map(([shard, offset]) => `.${shard.toString(36)}~${offset.toString(36)}`).join("");
}

/** The positions a token names; none for a token without them (or one not ours). */
export function tokenPositions(token: string | null | undefined): SyncPositions {
  const positions: SyncPositions = new Map();
  if (!token) return positions;
  for (const part of token.split(".").slice(1)) {
    const match = /^([0-9a-z]+)~([0-9a-z]+)$/.exec(part);
    if (!match) continue;
    const shard = parseInt(match[1]!, 36);
    const offset = parseInt(match[2]!, 36);
    if (Number.isSafeInteger(shard) && Number.isSafeInteger(offset)) positions.set(shard, offset);
  }
  return positions;
}
