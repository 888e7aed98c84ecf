// Redis's strict integer parsing (string2ll): no spaces, no '+', no leading zeros, exact 64-bit range.

export let parsedInt: i64 = 0;

/** Parses bytes as a signed 64-bit integer into parsedInt; false when Redis would refuse them. */
export function parseI64(p: usize, len: u32): bool {
  if (len == 0 || len > 20) return false;
  if (len == 1 && load<u8>(p) == 0x30) {
    parsedInt = 0;
    return true;
  }
  let i: u32 = 0;
  let neg = false;
  if (load<u8>(p) == 0x2d) {
    neg = true;
    i = 1;
    if (len == 1) return false;
  }
  const first = load<u8>(p + i);
  if (first < 0x31 || first > 0x39) return false;
  let v: u64 = <u64>(first - 0x30);
  i++;
  for (; i < len; i++) {
    const c = load<u8>(p + i);
    if (c < 0x30 || c > 0x39) return false;
    const d = <u64>(c - 0x30);
    if (v > 1844674407370955161 || (v == 1844674407370955161 && d > 5)) return false;
    v = v * 10 + d;
  }
  if (neg) {
    if (v > 0x8000000000000000) return false;
    parsedInt = <i64>(<u64>0 - v);
  } else {
    if (v > 0x7fffffffffffffff) return false;
    parsedInt = <i64>v;
  }
  return true;
}

/**
 * Parses a SCAN cursor as Redis does with strtoul: an optional sign (a minus wraps modulo 2^64), then
 * digits; an empty string is cursor 0; overflow is refused. Result in parsedInt (as bits).
 */
export function parseCursor(p: usize, len: u32): bool {
  if (len == 0) {
    parsedInt = 0;
    return true;
  }
  let i: u32 = 0;
  const sign = load<u8>(p);
  if (sign == 0x2b || sign == 0x2d) i = 1;
  if (i >= len || len - i > 20) return false;
  let v: u64 = 0;
  for (; i < len; i++) {
    const c = load<u8>(p + i);
    if (c < 0x30 || c > 0x39) return false;
    const d = <u64>(c - 0x30);
    if (v > 1844674407370955161 || (v == 1844674407370955161 && d > 5)) return false;
    v = v * 10 + d;
  }
  parsedInt = <i64>(sign == 0x2d ? <u64>0 - v : v);
  return true;
}

/** Case-insensitive comparison of bytes with an ASCII literal (lowercase or uppercase). */
export function argIs(p: usize, len: u32, word: string): bool {
  if (len != <u32>word.length) return false;
  for (let i: u32 = 0; i < len; i++) {
    let c = <u32>load<u8>(p + i);
    if (c >= 0x41 && c <= 0x5a) c += 32;
    let w = <u32>word.charCodeAt(i);
    if (w >= 0x41 && w <= 0x5a) w += 32;
    if (c != w) return false;
  }
  return true;
}
