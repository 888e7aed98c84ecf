// Redis Cluster key slots: CRC16-XMODEM over the key, or over its first non-empty {hash tag}.

const CRC16_TABLE = new StaticArray<u16>(256);
for (let i = 0; i < 256; i++) {
  let crc: u32 = (<u32>i) << 8;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
  unchecked((CRC16_TABLE[i] = <u16>crc));
}

export function crc16(ptr: usize, len: i32): u32 {
  let crc: u32 = 0;
  for (let i = 0; i < len; i++) {
    crc = ((crc << 8) & 0xffff) ^ <u32>unchecked(CRC16_TABLE[((crc >> 8) ^ <u32>load<u8>(ptr + i)) & 0xff]);
  }
  return crc;
}

/** The slot of the key at ptr/len, honouring Redis's hash-tag rule (first '{', next '}', non-empty). */
export function keySlotAt(ptr: usize, len: i32): i32 {
  for (let open = 0; open < len; open++) {
    if (load<u8>(ptr + open) != 0x7b) continue;
    for (let close = open + 1; close < len; close++) {
      if (load<u8>(ptr + close) != 0x7d) continue;
      if (close > open + 1) return <i32>(crc16(ptr + open + 1, close - open - 1) & 16383);
      break;
    }
    break;
  }
  return <i32>(crc16(ptr, len) & 16383);
}
