// Growable output buffers (replies, effects) and RESP writers that fill them with plain stores.
import { alloc, copyBytes, free } from "./alloc";
import { ERR_ARITY_PREFIX, ERR_ARITY_SUFFIX, ERR_EXPIRE_TIME_PREFIX, ERR_UNKNOWN_SUB_PREFIX } from "./errors";

// A buffer descriptor is three u32 at a fixed address: data pointer, length, capacity.
export const REPLY: usize = memory.data(12);
export const EFFECTS: usize = memory.data(12);
const SMALL: u32 = 4096;
const KEEP_LIMIT: u32 = 1 << 16;

/** Empties a buffer for the next batch, dropping a large allocation so memory returns to baseline. */
export function resetOut(o: usize): void {
  const cap = load<u32>(o, 8);
  if (cap == 0 || cap > KEEP_LIMIT) {
    if (cap != 0) free(<usize>load<u32>(o), cap);
    const p = alloc(SMALL);
    if (p == 0) unreachable();
    store<u32>(o, <u32>p);
    store<u32>(o, SMALL, 8);
  }
  store<u32>(o, 0, 4);
}

/** Makes room for `n` more bytes and returns where they go (the length is not advanced). */
export function reserve(o: usize, n: u32): usize {
  const len = load<u32>(o, 4);
  const cap = load<u32>(o, 8);
  if (len + n > cap || len + n < len) {
    let want = cap;
    while (want < len + n) want = want < 0x40000000 ? want << 1 : len + n;
    const p = alloc(want);
    // A reply that cannot be buffered leaves no consistent way on: the host reports the trap.
    if (p == 0) unreachable();
    const old = <usize>load<u32>(o);
    memory.copy(p, old, len);
    free(old, cap);
    store<u32>(o, <u32>p);
    store<u32>(o, want, 8);
  }
  return <usize>load<u32>(o) + len;
}

// @ts-ignore: decorator
@inline export function advance(o: usize, n: u32): void {
  store<u32>(o, load<u32>(o, 4) + n, 4);
}

export function outLen(o: usize): u32 {
  return load<u32>(o, 4);
}

export function outPtr(o: usize): usize {
  return <usize>load<u32>(o);
}

/** Drops everything written after `len` (used to undo a half-written effect). */
export function truncate(o: usize, len: u32): void {
  store<u32>(o, len, 4);
}

export function raw(o: usize, ptr: usize, len: u32): void {
  const d = reserve(o, len);
  copyBytes(d, ptr, len);
  advance(o, len);
}

/** Writes the decimal digits of v at d; returns the count. */
export function writeI64(d: usize, v: i64): u32 {
  let n: u32 = 0;
  let u: u64;
  if (v < 0) {
    store<u8>(d, 0x2d);
    n = 1;
    u = <u64>0 - <u64>v;
  } else u = <u64>v;
  let digits: u32 = 1;
  let t = u;
  while (t >= 10) {
    t /= 10;
    digits++;
  }
  let i = n + digits;
  do {
    i--;
    store<u8>(d + i, <u8>(0x30 + <u32>(u % 10)));
    u /= 10;
  } while (u != 0);
  return n + digits;
}

/** `<prefix><v>\r\n`, the shape of integers, array and bulk headers. */
export function header(o: usize, prefix: u8, v: i64): void {
  const d = reserve(o, 24);
  store<u8>(d, prefix);
  const n = writeI64(d + 1, v);
  store<u16>(d + 1 + n, 0x0a0d);
  advance(o, n + 3);
}

export function integer(o: usize, v: i64): void {
  header(o, 0x3a, v);
}

export function arrayHeader(o: usize, n: i64): void {
  header(o, 0x2a, n);
}

export function bulk(o: usize, ptr: usize, len: u32): void {
  const d = reserve(o, len + 16);
  store<u8>(d, 0x24);
  const n = writeI64(d + 1, len);
  store<u16>(d + 1 + n, 0x0a0d);
  copyBytes(d + 3 + n, ptr, len);
  store<u16>(d + 3 + n + len, 0x0a0d);
  advance(o, n + 5 + len);
}

export function nil(o: usize): void {
  const d = reserve(o, 5);
  store<u32>(d, 0x0d312d24); // "$-1\r"
  store<u8>(d + 4, 0x0a);
  advance(o, 5);
}

export function ok(o: usize): void {
  const d = reserve(o, 5);
  store<u32>(d, 0x0d4b4f2b); // "+OK\r"
  store<u8>(d + 4, 0x0a);
  advance(o, 5);
}

/** Writes an ASCII string literal's characters as bytes. */
export function ascii(o: usize, s: string): void {
  const n = <u32>s.length;
  const d = reserve(o, n);
  for (let i: u32 = 0; i < n; i++) store<u8>(d + i, <u8>s.charCodeAt(i));
  advance(o, n);
}

export function status(o: usize, s: string): void {
  const d = reserve(o, 1);
  store<u8>(d, 0x2b);
  advance(o, 1);
  ascii(o, s);
  crlf(o);
}

/** `-<message>\r\n`; the message is a constant from errors.ts. */
export function error(o: usize, s: string): void {
  const d = reserve(o, 1);
  store<u8>(d, 0x2d);
  advance(o, 1);
  ascii(o, s);
  crlf(o);
}

export function crlf(o: usize): void {
  const d = reserve(o, 2);
  store<u16>(d, 0x0a0d);
  advance(o, 2);
}

/** Bytes from memory with CR and LF mapped to spaces, as Redis sanitises error texts. */
export function sanitized(o: usize, ptr: usize, len: u32): void {
  const d = reserve(o, len);
  for (let i: u32 = 0; i < len; i++) {
    const c = load<u8>(ptr + i);
    store<u8>(d + i, c == 13 || c == 10 ? 32 : c);
  }
  advance(o, len);
}

export function bulkAscii(o: usize, s: string): void {
  header(o, 0x24, s.length);
  ascii(o, s);
  crlf(o);
}

const DEFER_ROOM: u32 = 16; // "*" + up to 10 digits + CRLF, with room to spare

/** Leaves room for an array header whose length is known only after the items are written. */
export function deferArray(o: usize): u32 {
  reserve(o, DEFER_ROOM);
  const mark = outLen(o);
  advance(o, DEFER_ROOM);
  return mark;
}

/** Writes the deferred header at mark and closes the gap before the items. */
export function closeArray(o: usize, mark: u32, n: i64): void {
  const tmp = memory.data(DEFER_ROOM + 4);
  store<u8>(tmp, 0x2a);
  const digits = writeI64(tmp + 1, n);
  store<u16>(tmp + 1 + digits, 0x0a0d);
  const hl = digits + 3;
  const base = outPtr(o);
  const itemsStart = base + mark + DEFER_ROOM;
  const itemsLen = outLen(o) - mark - DEFER_ROOM;
  memory.copy(base + mark + hl, itemsStart, itemsLen);
  memory.copy(base + mark, tmp, hl);
  truncate(o, mark + hl + itemsLen);
}

/** How many bytes C's "%.<limit>s" prints of (ptr, len): it stops at the first NUL byte. */
export function cStringLen(ptr: usize, len: u32, limit: u32): u32 {
  const n = min(len, limit);
  for (let i: u32 = 0; i < n; i++) if (load<u8>(ptr + i) == 0) return i;
  return n;
}

export function replyExpireTimeError(cmd: string): void {
  const d = reserve(REPLY, 1);
  store<u8>(d, 0x2d);
  advance(REPLY, 1);
  ascii(REPLY, ERR_EXPIRE_TIME_PREFIX);
  ascii(REPLY, cmd);
  ascii(REPLY, "' command");
  crlf(REPLY);
}

export function replyArityError(cmd: string): void {
  const d = reserve(REPLY, 1);
  store<u8>(d, 0x2d);
  advance(REPLY, 1);
  ascii(REPLY, ERR_ARITY_PREFIX);
  ascii(REPLY, cmd);
  ascii(REPLY, ERR_ARITY_SUFFIX);
  crlf(REPLY);
}

/** Redis's unknown-subcommand error: the subcommand (printf %s, capped at 128 bytes) and the container's HELP. */
export function replyUnknownSubcommand(sp: usize, sl: u32, container: string): void {
  const d = reserve(REPLY, 1);
  store<u8>(d, 0x2d);
  advance(REPLY, 1);
  ascii(REPLY, ERR_UNKNOWN_SUB_PREFIX);
  sanitized(REPLY, sp, cStringLen(sp, sl, 128));
  ascii(REPLY, "'. Try ");
  ascii(REPLY, container);
  ascii(REPLY, " HELP.");
  crlf(REPLY);
}
