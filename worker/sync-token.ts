// The `upstash-sync-token` header: a new value after every request that wrote, so a client doing
// read-your-writes can tell; a read echoes the client's token (or the latest one) unchanged.

// The isolate's random prefix keeps tokens from different isolates (and restarts) distinct.
const isolate = crypto.randomUUID().slice(0, 8);
let writes = 0;

export function syncToken(wrote: boolean, requestToken: string | null): string {
  if (wrote) return `${isolate}-${++writes}`;
  return requestToken || `${isolate}-${writes}`;
}
