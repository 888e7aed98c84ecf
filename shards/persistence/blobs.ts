// Splits byte strings into row-sized parts (joined back with concatBytes): a Durable Object's SQLite
// rows hold at most 2 MB, while values (and so log entries and checkpoint payloads) may be far larger.

/** Bytes per stored part; under the 2 MB row limit with room for the row's other columns. */
export const PART_BYTES = 1_000_000;

export function splitParts(bytes: Uint8Array): Uint8Array[] {
  if (bytes.length <= PART_BYTES) return [bytes];
  const parts: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += PART_BYTES) parts.push(bytes.subarray(at, at + PART_BYTES));
  return parts;
}


/** SQLite hands BLOB columns back as ArrayBuffer. */
export function blob(value: SqlStorageValue): Uint8Array {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new Error(`expected a BLOB column, got ${typeof value}`);
}

/** SQLite bindings and RPC take whole ArrayBuffers, not views: copy only when the view is a window. */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return (whole ? bytes.buffer : bytes.slice().buffer) as ArrayBuffer;
}
