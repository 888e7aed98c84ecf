// Byte strings: joined (request bodies arrive in chunks, RESP batches are built from parts, stored
// values come back in row-sized parts) and used as Map/Set keys.

const latin1 = new TextDecoder("latin1");

/** A binary-safe string identity for a byte string (distinct bytes, distinct strings): what Map and
 * Set key on for keys, members and groups. latin1 decodes each byte to a code point of its own. */
export function keyId(bytes: Uint8Array): string {
  return latin1.decode(bytes);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let size = 0;
  for (const part of parts) size += part.byteLength;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
