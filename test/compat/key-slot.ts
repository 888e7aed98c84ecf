// Redis Cluster key slots in plain TypeScript: an independent oracle for which shard a key lands on.

const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ byte) & 0xff]!;
  return crc;
}

/** CRC16-XMODEM of the key, or of its first non-empty `{tag}`, modulo 16384 (Redis's keyHashSlot). */
export function keySlot(key: Uint8Array): number {
  const open = key.indexOf(0x7b);
  if (open >= 0) {
    const close = key.indexOf(0x7d, open + 1);
    if (close > open + 1) return crc16(key.subarray(open + 1, close)) & 16383;
  }
  return crc16(key) & 16383;
}

/** The shard that owns a slot when `shards` shards own contiguous, equal slot ranges. */
export function shardOfSlot(slot: number, shards: number): number {
  return Math.floor((slot * shards) / 16384);
}
