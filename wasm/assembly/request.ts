// The input region and the RESP request parser: commands are parsed in place into (ptr, len) pairs.
import { alloc, free } from "./alloc";

let inputPtr: usize = 0;
let inputCap: u32 = 0;
let argvPtr: usize = 0;
let argvCap: u32 = 0;
/** Arguments of the command being executed (argv[0] is the name). */
export let argc: i32 = 0;
/** Where the current command's bytes start and end in the input region (for verbatim effects). */
export let cmdStart: usize = 0;
export let cmdEnd: usize = 0;
/** Set when parsing fails: the protocol error text, and for "expected" errors the byte found. */
export let protocolError: string = "";
export let protocolByte: i32 = -1;

/** The input region, grown to at least `size` bytes; large regions are given back when unused. */
export function inputRegion(size: u32): usize {
  if (size > inputCap || (inputCap > (1 << 20) && size < (inputCap >> 2))) {
    if (inputCap != 0) free(inputPtr, inputCap);
    const cap = max<u32>(size, 4096);
    inputPtr = alloc(cap);
    if (inputPtr == 0) {
      inputCap = 0;
      return 0;
    }
    inputCap = cap;
  }
  return inputPtr;
}

export function inputBase(): usize {
  return inputPtr;
}

// @ts-ignore: decorator
@inline export function argPtr(i: i32): usize {
  return <usize>load<u32>(argvPtr + ((<usize>i) << 3));
}

// @ts-ignore: decorator
@inline export function argLen(i: i32): u32 {
  return load<u32>(argvPtr + ((<usize>i) << 3), 4);
}

/** The address of argument i's (ptr, len) pair, for commands that reorder their arguments. */
export function argvSlot(i: i32): usize {
  return argvPtr + ((<usize>i) << 3);
}

function ensureArgv(n: u32): bool {
  if (n <= argvCap) return true;
  let cap = max<u32>(argvCap << 1, 64);
  while (cap < n) cap <<= 1;
  const p = alloc(<usize>cap << 3);
  if (p == 0) return false;
  if (argvCap != 0) {
    memory.copy(p, argvPtr, <usize>argvCap << 3);
    free(argvPtr, <usize>argvCap << 3);
  }
  argvPtr = p;
  argvCap = cap;
  return true;
}

/** Reads `<digits>\r\n` at pos (bounded by end); returns -1 on anything else. */
function readCount(pos: usize, end: usize): i64 {
  let v: i64 = 0;
  let p = pos;
  let neg = false;
  if (p < end && load<u8>(p) == 0x2d) {
    neg = true;
    p++;
  }
  const first = p;
  while (p < end) {
    const c = load<u8>(p);
    if (c == 13) break;
    if (c < 0x30 || c > 0x39 || p - first > 12) return -2;
    v = v * 10 + <i64>(c - 0x30);
    p++;
  }
  if (p == first || p + 1 >= end || load<u8>(p + 1) != 10) return -2;
  lineEnd = p + 2;
  return neg ? -v : v;
}
let lineEnd: usize = 0;

/**
 * Parses the command at pos. Returns the position after it, or 0 on a protocol error
 * (protocolError says which). argc = 0 for an empty multibulk, which Redis ignores.
 */
export function parseCommand(pos: usize, end: usize): usize {
  cmdStart = pos;
  protocolByte = -1;
  const t = load<u8>(pos);
  if (t != 0x2a) {
    protocolError = "ERR Protocol error: expected '*', got '";
    protocolByte = t;
    return 0;
  }
  const n = readCount(pos + 1, end);
  if (n < -1 || n > 1024 * 1024) {
    protocolError = "ERR Protocol error: invalid multibulk length";
    return 0;
  }
  let p = lineEnd;
  if (n <= 0) {
    argc = 0;
    cmdEnd = p;
    return p;
  }
  if (!ensureArgv(<u32>n)) {
    protocolError = "ERR Protocol error: invalid multibulk length";
    return 0;
  }
  for (let i: i32 = 0; i < <i32>n; i++) {
    if (p >= end) {
      protocolError = "ERR Protocol error: unexpected end of batch";
      return 0;
    }
    const c = load<u8>(p);
    if (c != 0x24) {
      protocolError = "ERR Protocol error: expected '$', got '";
      protocolByte = c;
      return 0;
    }
    const len = readCount(p + 1, end);
    if (len < 0 || len > 512 * 1024 * 1024) {
      protocolError = "ERR Protocol error: invalid bulk length";
      return 0;
    }
    const data = lineEnd;
    if (<u64>data + <u64>len + 2 > <u64>end) {
      protocolError = "ERR Protocol error: unexpected end of batch";
      return 0;
    }
    if (load<u16>(data + <usize>len) != 0x0a0d) {
      protocolError = "ERR Protocol error: invalid bulk length";
      return 0;
    }
    const slot = argvPtr + ((<usize>i) << 3);
    store<u32>(slot, <u32>data);
    store<u32>(slot, <u32>len, 4);
    p = data + <usize>len + 2;
  }
  argc = <i32>n;
  cmdEnd = p;
  return p;
}
