// The plain-TypeScript baseline for key slots: CRC16-XMODEM with Redis's hash-tag rule, over bytes or a JS string.

const CRC16_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
    table[i] = crc;
  }
  return table;
})();

/** The slot of a key given as bytes (first '{', next '}', hashed only when non-empty). */
export function keySlotOfBytes(key: Uint8Array): number {
  const len = key.length;
  let start = 0;
  let end = len;
  const open = key.indexOf(0x7b);
  if (open >= 0) {
    const close = key.indexOf(0x7d, open + 1);
    if (close > open + 1) {
      start = open + 1;
      end = close;
    }
  }
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ key[i]) & 0xff];
  return crc & 16383;
}

/**
 * The slot of a key given as a JS string, hashing its UTF-8 bytes without materialising them.
 * The braces are ASCII and never occur inside a multi-byte sequence, so string positions find the tag.
 */
export function keySlotOfString(key: string): number {
  let start = 0;
  let end = key.length;
  const open = key.indexOf("{");
  if (open >= 0) {
    const close = key.indexOf("}", open + 1);
    if (close > open + 1) {
      start = open + 1;
      end = close;
    }
  }
  let crc = 0;
  for (let i = start; i < end; i++) {
    let c = key.charCodeAt(i);
    if (c < 0x80) {
      crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ c) & 0xff];
      continue;
    }
    // UTF-8 as TextEncoder writes it: surrogate pairs as 4 bytes, a lone surrogate as U+FFFD.
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < end ? key.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else {
        c = 0xfffd;
      }
    }
    const bytes =
      c < 0x800
        ? [0xc0 | (c >> 6), 0x80 | (c & 63)]
        : c < 0x10000
          ? [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)]
          : [0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)];
    for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ byte) & 0xff];
  }
  return crc & 16383;
}
