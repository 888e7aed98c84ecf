// A DEBUG DIGEST-like fingerprint of a keyspace: SHA-256 over every key's name, DUMP payload and
// absolute expiry, keys sorted, so a primary and its replica can be compared.
import type { Core } from "../../wasm/host";
import { concatBytes } from "../../worker/wire/bytes";
import { decodeReplies, encodeCommands } from "../../worker/wire/resp";

const encoder = new TextEncoder();

export async function keyspaceDigest(core: Core, nowMs: number): Promise<string> {
  const [keys] = decodeReplies(core.execute(encodeCommands([["KEYS", "*"]]), nowMs, false).replies) as Uint8Array[][];
  const sorted = [...keys!].sort(compareBytes);
  const parts: Uint8Array[] = [];
  for (const key of sorted) {
    const [dump, expiry] = decodeReplies(core.execute(encodeCommands([["DUMP", key], ["PEXPIRETIME", key]]), nowMs, false).replies);
    parts.push(encoder.encode(`${key.length}:`), key, dump as Uint8Array, encoder.encode(`:${String(expiry)};`));
  }
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", concatBytes(parts)));
  return [...hash].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
