// The gateway's transcoder: Upstash JSON request bodies → RESP commands with key slots → per-shard
// batches, and per-shard RESP replies → the JSON response body, all on bytes in linear memory.
// Anything it does not handle exactly as the TS path (worker/wire/request.ts, json.ts) — any invalid
// input, a BOM, invalid UTF-8, an odd RESP line — answers -1 so the host takes the TS path, which
// then produces the same value or the same error text.
import { keySlotAt } from "./crc16";

// Above every start-up allocation (the stub heap holds the CRC table), as in slot.ts.
const base: usize = (<usize>memory.size()) << 16;

// Per command, 6 u32s: RESP start, RESP end, slot (-1: fewer than 2 arguments), argc, shard, position in the shard's batch.
const ENTRY: usize = 24;
const MAX_SHARDS: i32 = 1024;
const MAX_BODY: i32 = 1 << 20;

let tablePtr: usize = 0;
let commandCount: i32 = 0;
let respPtr: usize = 0;
let respEnd: usize = 0;
let shardTable: usize = 0; // per shard: u32 batch start, u32 batch end, u32 commands, u32 first reply index
let shardCount: i32 = 0;
let orderPtr: usize = 0; // per command: its reply's index among every shard's replies concatenated in shard order
let replyInputPtr: usize = 0;
let replyOffsets: usize = 0;
let jsonStart: usize = 0;
let jsonEnd: usize = 0;

function ensure(end: usize): void {
  const have = (<usize>memory.size()) << 16;
  if (end <= have) return;
  const pages = <i32>((end - have + 0xffff) >>> 16);
  // Geometric growth: a page at a time is slow, and every grow detaches the host's views.
  if (memory.grow(max(pages, memory.size())) < 0 && memory.grow(pages) < 0) unreachable();
}

/** The request region (at a fixed address), grown to at least `size` bytes: the host copies the body there. */
export function input(size: i32): usize {
  ensure(base + <usize>size);
  return base;
}

// ---- request: JSON → RESP ----

let pos: usize = 0;
let end: usize = 0;
let out: usize = 0;

@inline function skipSpace(): void {
  while (pos < end) {
    const c = load<u8>(pos);
    if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) return;
    pos++;
  }
}

@inline function decimalLength(n: u32): usize {
  let digits: usize = 1;
  while (n >= 10) {
    n /= 10;
    digits++;
  }
  return digits;
}

function writeHeader(at: usize, prefix: u8, n: u32): usize {
  store<u8>(at, prefix);
  const digits = decimalLength(n);
  let i = at + digits;
  do {
    store<u8>(i, <u8>(0x30 + n % 10));
    n /= 10;
    i--;
  } while (n > 0);
  store<u16>(at + 1 + digits, 0x0a0d);
  return at + digits + 3;
}

@inline function hexValue(c: u32): i32 {
  if (c >= 0x30 && c <= 0x39) return <i32>c - 0x30;
  c |= 0x20;
  if (c >= 0x61 && c <= 0x66) return <i32>c - 0x61 + 10;
  return -1;
}

function read4Hex(at: usize): i32 {
  if (at + 4 > end) return -1;
  const a = hexValue(load<u8>(at)), b = hexValue(load<u8>(at + 1)), c = hexValue(load<u8>(at + 2)), d = hexValue(load<u8>(at + 3));
  if ((a | b | c | d) < 0) return -1;
  return (a << 12) | (b << 8) | (c << 4) | d;
}

/** Continuation bytes a UTF-8 sequence led by `lead` needs; 0 when `lead` cannot start one. */
function utf8Need(lead: u32): usize {
  if (lead >= 0xc2 && lead <= 0xdf) return 1;
  if (lead >= 0xe0 && lead <= 0xef) return 2;
  if (lead >= 0xf0 && lead <= 0xf4) return 3;
  return 0;
}

/**
 * How many of the `need` bytes after the lead at `at` (before `stop`) continue it validly: the second
 * byte's range depends on the lead (no overlongs, surrogates or code points past U+10FFFF). Fewer than
 * `need` is WHATWG's maximal invalid subpart.
 */
function utf8Seen(at: usize, lead: u32, need: usize, stop: usize): usize {
  let lower: u32 = lead == 0xe0 ? 0xa0 : lead == 0xf0 ? 0x90 : 0x80;
  let upper: u32 = lead == 0xed ? 0x9f : lead == 0xf4 ? 0x8f : 0xbf;
  let seen: usize = 0;
  while (seen < need && at + 1 + seen < stop) {
    const c = <u32>load<u8>(at + 1 + seen);
    if (c < lower || c > upper) break;
    lower = 0x80;
    upper = 0xbf;
    seen++;
  }
  return seen;
}

/** Length of a valid UTF-8 sequence starting with `lead` at `at`, or 0 (the TS path replaces it: fall back). */
function utf8Length(at: usize, lead: u32): usize {
  const need = utf8Need(lead);
  return need > 0 && utf8Seen(at, lead, need, end) == need ? need + 1 : 0;
}

function writeCodePoint(at: usize, cp: u32): usize {
  if (cp < 0x80) {
    store<u8>(at, <u8>cp);
    return at + 1;
  }
  if (cp < 0x800) {
    store<u8>(at, <u8>(0xc0 | (cp >> 6)));
    store<u8>(at + 1, <u8>(0x80 | (cp & 63)));
    return at + 2;
  }
  if (cp < 0x10000) {
    store<u8>(at, <u8>(0xe0 | (cp >> 12)));
    store<u8>(at + 1, <u8>(0x80 | ((cp >> 6) & 63)));
    store<u8>(at + 2, <u8>(0x80 | (cp & 63)));
    return at + 3;
  }
  store<u8>(at, <u8>(0xf0 | (cp >> 18)));
  store<u8>(at + 1, <u8>(0x80 | ((cp >> 12) & 63)));
  store<u8>(at + 2, <u8>(0x80 | ((cp >> 6) & 63)));
  store<u8>(at + 3, <u8>(0x80 | (cp & 63)));
  return at + 4;
}

/** A JSON string at `pos` (the opening quote) as one RESP bulk string at `out`; false to fall back. */
function stringArg(): bool {
  const start = pos + 1;
  let i = start;
  let escaped = false;
  // First pass: find the closing quote, validating as JSON.parse would (raw controls are errors).
  while (true) {
    if (i >= end) return false;
    const c = <u32>load<u8>(i);
    if (c == 0x22) break;
    if (c == 0x5c) {
      escaped = true;
      i += 2;
      continue;
    }
    if (c < 0x20) return false;
    if (c >= 0x80) {
      const n = utf8Length(i, c);
      if (n == 0) return false;
      i += n;
      continue;
    }
    i++;
  }
  const close = i;
  if (!escaped) {
    const len = <u32>(close - start);
    ensure(out + 16 + <usize>len);
    out = writeHeader(out, 0x24, len);
    memory.copy(out, start, len);
    out += len;
    store<u16>(out, 0x0a0d);
    out += 2;
    pos = close + 1;
    return true;
  }
  // Escapes: decode after room for the longest header, then slide the bytes next to the real one.
  // Decoded bytes never outnumber source bytes (\uXXXX is 6 → ≤ 3, a pair 12 → 4).
  ensure(out + 16 + (close - start));
  const body = out + 13;
  let w = body;
  i = start;
  while (i < close) {
    const c = <u32>load<u8>(i);
    if (c != 0x5c) {
      store<u8>(w++, <u8>c);
      i++;
      continue;
    }
    const e = <u32>load<u8>(i + 1);
    i += 2;
    if (e == 0x22 || e == 0x5c || e == 0x2f) store<u8>(w++, <u8>e);
    else if (e == 0x62) store<u8>(w++, 8);
    else if (e == 0x66) store<u8>(w++, 12);
    else if (e == 0x6e) store<u8>(w++, 10);
    else if (e == 0x72) store<u8>(w++, 13);
    else if (e == 0x74) store<u8>(w++, 9);
    else if (e == 0x75) {
      let cp = read4Hex(i);
      if (cp < 0 || i + 4 > close) return false;
      i += 4;
      if (cp >= 0xd800 && cp <= 0xdbff) {
        // A high surrogate pairs only with an escaped low one; alone it is U+FFFD, as TextEncoder writes it.
        const low = i + 6 <= close && load<u8>(i) == 0x5c && load<u8>(i + 1) == 0x75 ? read4Hex(i + 2) : -1;
        if (low >= 0xdc00 && low <= 0xdfff) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          i += 6;
        } else cp = 0xfffd;
      } else if (cp >= 0xdc00 && cp <= 0xdfff) cp = 0xfffd;
      w = writeCodePoint(w, <u32>cp);
    } else return false;
  }
  const len = <u32>(w - body);
  out = writeHeader(out, 0x24, len);
  memory.copy(out, body, len);
  out += len;
  store<u16>(out, 0x0a0d);
  out += 2;
  pos = close + 1;
  return true;
}

@inline function isDigit(c: u32): bool {
  return c - 0x30 < 10;
}

/** A JSON number at `pos`, kept as its source text (as the TS path's reviver keeps it); false to fall back. */
function numberArg(): bool {
  const start = pos;
  let i = pos;
  if (i < end && load<u8>(i) == 0x2d) i++;
  if (i >= end) return false;
  const first = <u32>load<u8>(i);
  if (first == 0x30) i++;
  else if (first >= 0x31 && first <= 0x39) {
    while (i < end && isDigit(load<u8>(i))) i++;
  } else return false;
  if (i < end && load<u8>(i) == 0x2e) {
    i++;
    if (i >= end || !isDigit(load<u8>(i))) return false;
    while (i < end && isDigit(load<u8>(i))) i++;
  }
  if (i < end && (load<u8>(i) | 0x20) == 0x65) {
    i++;
    if (i < end && (load<u8>(i) == 0x2b || load<u8>(i) == 0x2d)) i++;
    if (i >= end || !isDigit(load<u8>(i))) return false;
    while (i < end && isDigit(load<u8>(i))) i++;
  }
  const len = <u32>(i - start);
  ensure(out + 16 + <usize>len);
  out = writeHeader(out, 0x24, len);
  memory.copy(out, start, len);
  out += len;
  store<u16>(out, 0x0a0d);
  out += 2;
  pos = i;
  return true;
}

/** One command (`[` at `pos`) as a RESP array at `out`, with the slot of its argument 1; false to fall back. */
function command(): bool {
  if (pos >= end || load<u8>(pos) != 0x5b) return false;
  pos++;
  const entry = tablePtr + <usize>commandCount * ENTRY;
  const start = out;
  // The array header is written once the count is known: reserve its longest form.
  out += 13;
  let argc: u32 = 0;
  let slot: i32 = -1;
  skipSpace();
  if (pos < end && load<u8>(pos) == 0x5d) return false; // empty command: the TS path words the error
  while (true) {
    skipSpace();
    if (pos >= end) return false;
    const c = <u32>load<u8>(pos);
    const argStart = out;
    if (c == 0x22) {
      if (!stringArg()) return false;
    } else if (c == 0x2d || isDigit(c)) {
      if (!numberArg()) return false;
    } else return false;
    if (argc == 1) {
      // The bulk's content starts after `$len\r\n` and ends before its CRLF.
      let p = argStart + 1;
      while (load<u8>(p) != 0x0d) p++;
      slot = keySlotAt(p + 2, <i32>(out - 2 - (p + 2)));
    }
    argc++;
    skipSpace();
    if (pos >= end) return false;
    const sep = load<u8>(pos++);
    if (sep == 0x5d) break;
    if (sep != 0x2c) return false;
  }
  // Slide the arguments next to the real header (memory.copy is a memmove).
  const headerEnd = writeHeader(start, 0x2a, argc);
  const argsLen = out - (start + 13);
  if (headerEnd != start + 13) memory.copy(headerEnd, start + 13, argsLen);
  out = headerEnd + argsLen;
  store<u32>(entry, <u32>start);
  store<u32>(entry + 4, <u32>out);
  store<i32>(entry + 8, slot);
  store<u32>(entry + 12, argc);
  commandCount++;
  return true;
}

/**
 * Parses the `len`-byte body in the request region: one command (`pipeline` 0) or a non-empty array
 * of them (`pipeline` 1). Returns the number of commands, or -1: take the TS path (which refuses or
 * accepts the body exactly as before).
 */
export function parseRequest(len: i32, pipeline: i32): i32 {
  // The command table is sized for the most commands a body could hold and memory never shrinks, so
  // larger bodies (whose cost is their values' bytes, not the per-argument objects) take the TS path.
  if (len > MAX_BODY) return -1;
  pos = base;
  end = base + <usize>len;
  // At most one command per 4 body bytes in a pipeline (`[1]` and a comma).
  tablePtr = (end + 7) & ~7;
  const tableBytes = (pipeline ? <usize>len / 4 + 2 : 1) * ENTRY;
  respPtr = tablePtr + tableBytes;
  ensure(respPtr + 4096);
  out = respPtr;
  commandCount = 0;
  shardCount = 0;
  skipSpace();
  if (pipeline) {
    if (pos >= end || load<u8>(pos) != 0x5b) return -1;
    pos++;
    skipSpace();
    if (pos < end && load<u8>(pos) == 0x5d) return -1;
    while (true) {
      skipSpace();
      if (!command()) return -1;
      skipSpace();
      if (pos >= end) return -1;
      const sep = load<u8>(pos++);
      if (sep == 0x5d) break;
      if (sep != 0x2c) return -1;
    }
  } else if (!command()) return -1;
  skipSpace();
  if (pos != end) return -1;
  respEnd = out;
  return commandCount;
}

export function commandTable(): usize {
  return tablePtr;
}

// ---- per-shard batches ----

/** The shard owning `slot` of `shards` contiguous ranges (worker/routing/slot-map.ts's `shardOfSlot`). */
export function shardOfSlot(slot: i32, shards: i32): i32 {
  let shard = min(shards - 1, (slot * shards) >> 14);
  while (shard + 1 < shards && ((shard + 1) * 16384) / shards <= slot) shard++;
  while (shard > 0 && (shard * 16384) / shards > slot) shard--;
  return shard;
}

/**
 * Splits the last parsed request into one RESP batch per shard, each in request order. Keyless
 * commands join the shard of the first keyed command (shard 0 when none), as plan.ts places them.
 * Returns the shard table: per shard u32 batch start, end, command count, first reply index; and
 * fills `order()`.
 */
export function partition(shards: i32): usize {
  if (shards < 1 || shards > MAX_SHARDS) unreachable();
  shardCount = shards;
  shardTable = (respEnd + 7) & ~7;
  orderPtr = shardTable + <usize>shards * 16;
  const batches = orderPtr + <usize>commandCount * 4;
  ensure(batches + (respEnd - respPtr) + 16);
  memory.fill(shardTable, 0, <usize>shards * 16);
  let keyless = -1;
  for (let c = 0; c < commandCount; c++) {
    const entry = tablePtr + <usize>c * ENTRY;
    const slot = load<i32>(entry + 8);
    const shard = slot < 0 ? -1 : shardOfSlot(slot, shards);
    if (keyless < 0 && shard >= 0) keyless = shard;
    store<i32>(entry + 16, shard);
  }
  if (keyless < 0) keyless = 0;
  // Counts, then batch starts, then copies.
  for (let c = 0; c < commandCount; c++) {
    const entry = tablePtr + <usize>c * ENTRY;
    let shard = load<i32>(entry + 16);
    if (shard < 0) {
      shard = keyless;
      store<i32>(entry + 16, shard);
    }
    const row = shardTable + <usize>shard * 16;
    store<u32>(row + 4, load<u32>(row + 4) + (load<u32>(entry + 4) - load<u32>(entry)));
    store<u32>(row + 8, load<u32>(row + 8) + 1);
  }
  let at = <u32>batches;
  let replyIndex: u32 = 0;
  for (let s = 0; s < shards; s++) {
    const row = shardTable + <usize>s * 16;
    const size = load<u32>(row + 4);
    store<u32>(row, at);
    store<u32>(row + 4, at); // the write cursor until the copies are done
    store<u32>(row + 12, replyIndex);
    replyIndex += load<u32>(row + 8);
    store<u32>(row + 8, 0);
    at += size;
  }
  for (let c = 0; c < commandCount; c++) {
    const entry = tablePtr + <usize>c * ENTRY;
    const row = shardTable + <usize>load<i32>(entry + 16) * 16;
    const from = <usize>load<u32>(entry);
    const len = <usize>load<u32>(entry + 4) - from;
    const to = <usize>load<u32>(row + 4);
    memory.copy(to, from, len);
    store<u32>(row + 4, <u32>(to + len));
    const index = load<u32>(row + 8);
    store<u32>(entry + 20, index);
    store<u32>(row + 8, index + 1);
    store<u32>(orderPtr + (<usize>c << 2), load<u32>(row + 12) + index);
  }
  return shardTable;
}

// ---- replies: RESP → JSON ----

/**
 * The render phase's region, independent of the request's (other requests may be parsed while this
 * one waits on its shards): `commands` u32 reply indexes (which reply, counting through the
 * concatenated replies, answers command c: `order()` of the parse), then `size` bytes of every
 * shard's replies concatenated in shard order. Returns the address of the indexes; the replies
 * start `commands * 4` bytes later.
 */
export function replyInput(commands: i32, size: i32): usize {
  renderCount = commands;
  replyInputPtr = base + <usize>commands * 4;
  replyEnd = replyInputPtr + <usize>size;
  replyOffsets = (replyEnd + 7) & ~7;
  jsonStart = replyOffsets + <usize>commands * 4;
  replyShardCount = 0;
  ensure(jsonStart + 4096);
  return base;
}

/**
 * Optional, after `replyInput`: room for `shards` (u32 replies, u32 bytes) pairs, one per shard in
 * the order its replies were concatenated. `render` then also refuses a shard that answered another
 * number of replies than it was sent commands, which the concatenation alone would hide.
 */
export function replyShards(shards: i32): usize {
  replyShardCount = shards;
  replyShardTable = jsonStart;
  jsonStart += <usize>shards * 8;
  ensure(jsonStart + 4096);
  return replyShardTable;
}

let renderCount: i32 = 0;
let replyEnd: usize = 0;
let replyShardCount: i32 = 0;
let replyShardTable: usize = 0;

/** Records where each of the `renderCount` replies starts; false when the replies (or, with
 * `replyShards`, any one shard's) do not hold exactly that many whole replies. */
function indexReplies(): bool {
  let p = replyInputPtr;
  let k = 0;
  if (replyShardCount > 0) {
    for (let s = 0; s < replyShardCount; s++) {
      const count = <i32>load<u32>(replyShardTable + (<usize>s << 3));
      const end = p + <usize>load<u32>(replyShardTable + (<usize>s << 3), 4);
      if (k + count > renderCount) return false;
      for (let i = 0; i < count; i++, k++) {
        store<u32>(replyOffsets + (<usize>k << 2), <u32>p);
        p = skipReply(p);
        if (p == 0) return false;
      }
      if (p != end) return false;
    }
    return k == renderCount && p == replyEnd;
  }
  for (; k < renderCount; k++) {
    store<u32>(replyOffsets + (<usize>k << 2), <u32>p);
    p = skipReply(p);
    if (p == 0) return false;
  }
  return p == replyEnd;
}

function readLength(at: usize): i64 {
  // Returns the length and leaves `cursor` after its CRLF; i64.MIN_VALUE when malformed.
  let i = at;
  let negative = false;
  if (i < replyEnd && load<u8>(i) == 0x2d) {
    negative = true;
    i++;
  }
  let n: i64 = 0;
  let digits = 0;
  while (i < replyEnd && isDigit(load<u8>(i))) {
    n = n * 10 + <i64>(load<u8>(i) - 0x30);
    i++;
    if (++digits > 10) return i64.MIN_VALUE;
  }
  if (digits == 0 || i + 1 >= replyEnd || load<u8>(i) != 0x0d) return i64.MIN_VALUE;
  cursor = i + 2;
  return negative ? -n : n;
}

let cursor: usize = 0;

/** Skips one reply at `at`; returns its end, or 0 when malformed. */
function skipReply(at: usize): usize {
  if (at >= replyEnd) return 0;
  const type = load<u8>(at);
  if (type == 0x24) {
    const len = readLength(at + 1);
    if (len == i64.MIN_VALUE) return 0;
    if (len < 0) return cursor;
    const next = cursor + <usize>len + 2;
    return next <= replyEnd ? next : 0;
  }
  if (type == 0x2a) {
    const len = readLength(at + 1);
    if (len == i64.MIN_VALUE) return 0;
    let p = cursor;
    for (let i: i64 = 0; i < len; i++) {
      p = skipReply(p);
      if (p == 0) return 0;
    }
    return p;
  }
  if (type == 0x2b || type == 0x2d || type == 0x3a) {
    let i = at + 1;
    while (i < replyEnd && load<u8>(i) != 0x0d) i++;
    return i + 1 < replyEnd ? i + 2 : 0;
  }
  return 0;
}

let w: usize = 0;

@inline function room(bytes: usize): void {
  ensure(w + bytes);
}

const HEX = "0123456789abcdef";
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

@inline function hexDigit(n: u32): u8 {
  return <u8>load<u16>(changetype<usize>(HEX) + (<usize>n << 1));
}

@inline function b64Digit(n: u32): u8 {
  return <u8>load<u16>(changetype<usize>(B64) + (<usize>(n & 63) << 1));
}

/** Bytes as a JSON string the way JSON.stringify(new TextDecoder().decode(bytes)) writes them. */
function jsonText(from: usize, len: usize): void {
  room(len * 6 + 2); // worst cases: \u00XX per byte, or U+FFFD (3 bytes) per byte
  store<u8>(w++, 0x22);
  const stop = from + len;
  let i = from;
  while (i < stop) {
    const c = <u32>load<u8>(i);
    if (c >= 0x20 && c < 0x80) {
      if (c == 0x22 || c == 0x5c) {
        store<u8>(w++, 0x5c);
      }
      store<u8>(w++, <u8>c);
      i++;
      continue;
    }
    if (c < 0x20) {
      store<u8>(w++, 0x5c);
      if (c == 8) store<u8>(w++, 0x62);
      else if (c == 9) store<u8>(w++, 0x74);
      else if (c == 10) store<u8>(w++, 0x6e);
      else if (c == 12) store<u8>(w++, 0x66);
      else if (c == 13) store<u8>(w++, 0x72);
      else {
        store<u32>(w, 0x30303075); // "u000"
        w += 3;
        store<u8>(w++, c >= 0x10 ? 0x31 : 0x30);
        store<u8>(w++, hexDigit(c & 15));
      }
      i++;
      continue;
    }
    // WHATWG UTF-8 decoding: a valid sequence passes through, each maximal invalid subpart is U+FFFD.
    const need = utf8Need(c);
    const seen = need > 0 ? utf8Seen(i, c, need, stop) : 0;
    if (need > 0 && seen == need) {
      memory.copy(w, i, need + 1);
      w += need + 1;
    } else {
      store<u8>(w, 0xef);
      store<u8>(w + 1, 0xbf);
      store<u8>(w + 2, 0xbd);
      w += 3;
    }
    i += 1 + seen;
  }
  store<u8>(w++, 0x22);
}

function base64Text(from: usize, len: usize): void {
  room((len + 2) / 3 * 4 + 2);
  store<u8>(w++, 0x22);
  let i = from;
  const whole = from + len - len % 3;
  while (i < whole) {
    const n = (<u32>load<u8>(i) << 16) | (<u32>load<u8>(i + 1) << 8) | <u32>load<u8>(i + 2);
    store<u8>(w, b64Digit(n >> 18));
    store<u8>(w + 1, b64Digit(n >> 12));
    store<u8>(w + 2, b64Digit(n >> 6));
    store<u8>(w + 3, b64Digit(n));
    w += 4;
    i += 3;
  }
  const rest = len % 3;
  if (rest == 1) {
    const n = <u32>load<u8>(i) << 16;
    store<u8>(w, b64Digit(n >> 18));
    store<u8>(w + 1, b64Digit(n >> 12));
    store<u16>(w + 2, 0x3d3d);
    w += 4;
  } else if (rest == 2) {
    const n = (<u32>load<u8>(i) << 16) | (<u32>load<u8>(i + 1) << 8);
    store<u8>(w, b64Digit(n >> 18));
    store<u8>(w + 1, b64Digit(n >> 12));
    store<u8>(w + 2, b64Digit(n >> 6));
    store<u8>(w + 3, 0x3d);
    w += 4;
  }
  store<u8>(w++, 0x22);
}

function writeAscii(text: string): void {
  const len = <usize>text.length;
  room(len);
  for (let i: usize = 0; i < len; i++) store<u8>(w + i, <u8>load<u16>(changetype<usize>(text) + (i << 1)));
  w += len;
}

/** A canonical integer line, as the TS path prints it back (Number or BigInt of the digits). */
function canonicalInteger(from: usize, to: usize): bool {
  let i = from;
  if (i < to && load<u8>(i) == 0x2d) i++;
  if (i >= to || to - i > 19) return false;
  if (load<u8>(i) == 0x30 && (to - i > 1 || i > from)) return false; // leading zero, or -0
  for (let p = i; p < to; p++) if (!isDigit(load<u8>(p))) return false;
  return true;
}

/** One reply at `at` as JSON (RESP2 shapes, as json.ts's `replyJson`); returns its end, 0 to fall back. */
function renderValue(at: usize, asBase64: bool): usize {
  const type = load<u8>(at);
  if (type == 0x24 || type == 0x2a) {
    const len = readLength(at + 1);
    if (len == i64.MIN_VALUE) return 0;
    if (len < 0) {
      writeAscii("null");
      return cursor;
    }
    let p = cursor;
    if (type == 0x24) {
      if (p + <usize>len + 2 > replyEnd) return 0;
      if (asBase64) base64Text(p, <usize>len);
      else jsonText(p, <usize>len);
      return p + <usize>len + 2;
    }
    room(2);
    store<u8>(w++, 0x5b);
    for (let i: i64 = 0; i < len; i++) {
      if (i > 0) {
        room(1);
        store<u8>(w++, 0x2c);
      }
      if (p >= replyEnd) return 0;
      p = renderValue(p, asBase64);
      if (p == 0) return 0;
    }
    room(1);
    store<u8>(w++, 0x5d);
    return p;
  }
  let lineEnd = at + 1;
  while (lineEnd < replyEnd && load<u8>(lineEnd) != 0x0d) lineEnd++;
  if (lineEnd + 1 >= replyEnd) return 0;
  const from = at + 1;
  const len = lineEnd - from;
  if (type == 0x3a) {
    if (!canonicalInteger(from, lineEnd)) return 0;
    room(len);
    memory.copy(w, from, len);
    w += len;
  } else if (type == 0x2b) {
    // Status text is read as latin1 by the TS path: only ASCII is the same bytes here.
    for (let p = from; p < lineEnd; p++) if (load<u8>(p) >= 0x80) return 0;
    const ok = len == 2 && load<u16>(from) == 0x4b4f;
    if (asBase64 && !ok) base64Text(from, len);
    else jsonText(from, len);
  } else if (type == 0x2d) {
    jsonText(from, len);
  } else return 0;
  return lineEnd + 2;
}

/**
 * Renders the replies in the reply region (see `replyInput`) as a JSON body: `[{"result":…},…]`
 * for a pipeline (`pipeline` 1) or one `{"result":…}`/`{"error":…}`; strings in base64 when asked
 * (except "OK" and errors). Returns the body's length (at `json()`), or -1 to take the TS path.
 */
export function render(pipeline: i32, asBase64: i32): i32 {
  if (!indexReplies()) return -1;
  w = jsonStart;
  room(2);
  if (pipeline) store<u8>(w++, 0x5b);
  for (let c = 0; c < renderCount; c++) {
    const index = load<u32>(base + (<usize>c << 2));
    if (index >= <u32>renderCount) return -1;
    const at = <usize>load<u32>(replyOffsets + (<usize>index << 2));
    if (c > 0) {
      room(1);
      store<u8>(w++, 0x2c);
    }
    if (load<u8>(at) == 0x2d) {
      writeAscii('{"error":');
      let lineEnd = at + 1;
      while (load<u8>(lineEnd) != 0x0d) lineEnd++;
      jsonText(at + 1, lineEnd - at - 1);
    } else {
      writeAscii('{"result":');
      if (renderValue(at, asBase64 != 0) == 0) return -1;
    }
    room(2);
    store<u8>(w++, 0x7d);
  }
  if (pipeline) {
    room(1);
    store<u8>(w++, 0x5d);
  }
  jsonEnd = w;
  return <i32>(jsonEnd - jsonStart);
}

/** Per command (u32): which reply answers it, counting through the shards' replies in shard order. */
export function order(): usize {
  return orderPtr;
}

export function json(): usize {
  return jsonStart;
}
