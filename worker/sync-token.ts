// The `upstash-sync-token` header: a new value after every request that wrote, so a client doing
// read-your-writes can tell; a read echoes the client's token (or the latest one) unchanged.

// A random prefix per isolate keeps tokens from different isolates (and restarts) distinct. Drawn on
// first use: workerd forbids random values in global scope.
let isolate: string | undefined;
let writes = 0;

export function syncToken(wrote: boolean, requestToken: string | null): string {
  isolate ??= crypto.randomUUID().slice(0, 8);
  if (wrote) return `${isolate}-${++writes}`;
  return requestToken || `${isolate}-${writes}`;
}
