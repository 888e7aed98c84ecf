// The `struct` library scripts get in Redis 7.0: Roberto Ierusalimschy's lua_struct 0.2 as Redis ships
// it (64-bit longs and size_t, native little-endian, at most 32-byte integers), on x86-64.
import {
  argError,
  ByteBuffer,
  checkBytes,
  checkNumber,
  fengari,
  float32Bytes,
  float64Bytes,
  type LuaState,
  optInteger,
  pushBytes,
  raise,
  readFloat32,
  readFloat64,
  setFunction,
  toInt64,
  toUint64,
} from "./c-api";

const { lua } = fengari;

const MAXINTSIZE = 32;
/** Alignment of a double on x86-64 (the struct library's MAXALIGN). */
const MAXALIGN = 8;
const INT_MAX = 2147483647;
const MASK64 = (1n << 64n) - 1n;
const BIG = 0;
const LITTLE = 1;

interface Header {
  endian: number;
  align: number;
}

/** A format string, read byte by byte; C stops at a NUL byte. */
class Format {
  at = 0;
  constructor(private readonly bytes: Uint8Array) {}
  peek(): number {
    return this.at < this.bytes.length ? this.bytes[this.at]! : 0;
  }
  next(): number {
    const c = this.peek();
    this.at++;
    return c;
  }
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isAlnum = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

function getnum(L: LuaState, fmt: Format, fallback: number): number {
  if (!isDigit(fmt.peek())) return fallback;
  let a = 0;
  do {
    const digit = fmt.peek() - 0x30;
    if (a > Math.trunc(INT_MAX / 10) || a * 10 > INT_MAX - digit) raise(L, "integral size overflow");
    a = a * 10 + digit;
    fmt.next();
  } while (isDigit(fmt.peek()));
  return a;
}

function optsize(L: LuaState, opt: number, fmt: Format): number {
  switch (String.fromCharCode(opt)) {
    case "B":
    case "b":
      return 1;
    case "H":
    case "h":
      return 2;
    case "L":
    case "l":
    case "T":
    case "d":
      return 8;
    case "f":
      return 4;
    case "x":
      return 1;
    case "c":
      return getnum(L, fmt, 1);
    case "i":
    case "I": {
      const size = getnum(L, fmt, 4);
      if (size > MAXINTSIZE) raise(L, `integral size ${size} is larger than limit of ${MAXINTSIZE}`);
      return size;
    }
    default:
      return 0;
  }
}

function gettoalign(len: number, h: Header, opt: number, size: number): number {
  if (size === 0 || opt === 0x63 /* c */) return 0;
  if (size > h.align) size = h.align;
  return (size - (len & (size - 1))) & (size - 1);
}

function controloptions(L: LuaState, opt: number, fmt: Format, h: Header): void {
  switch (String.fromCharCode(opt)) {
    case " ":
      return;
    case ">":
      h.endian = BIG;
      return;
    case "<":
      h.endian = LITTLE;
      return;
    case "!": {
      const a = getnum(L, fmt, MAXALIGN);
      if (!(a > 0 && (a & (a - 1)) === 0)) raise(L, `alignment ${a} is not a power of 2`);
      h.align = a;
      return;
    }
    default:
      argError(L, 1, `invalid format option '${String.fromCharCode(opt)}'`);
  }
}

function putinteger(L: LuaState, out: ByteBuffer, arg: number, endian: number, size: number): void {
  const n = checkNumber(L, arg);
  let value = n < 0 ? BigInt.asUintN(64, toInt64(n)) : toUint64(n);
  const bytes = new Array<number>(size);
  for (let k = 0; k < size; k++) {
    bytes[endian === LITTLE ? k : size - 1 - k] = Number(value & 0xffn);
    value >>= 8n;
  }
  out.append(bytes);
}

function pack(L: LuaState): number {
  const fmt = new Format(checkBytes(L, 1));
  const h: Header = { endian: LITTLE, align: 1 };
  const out = new ByteBuffer();
  // As in C, a nil above the arguments: a missing first one is "got nil", later ones "got no value".
  lua.lua_pushnil(L);
  let arg = 2;
  let total = 0;
  while (fmt.peek() !== 0) {
    const opt = fmt.next();
    let size = optsize(L, opt, fmt);
    let toalign = gettoalign(total, h, opt, size);
    total += toalign;
    while (toalign-- > 0) out.byte(0);
    switch (String.fromCharCode(opt)) {
      case "b":
      case "B":
      case "h":
      case "H":
      case "l":
      case "L":
      case "T":
      case "i":
      case "I":
        putinteger(L, out, arg++, h.endian, size);
        break;
      case "x":
        out.byte(0);
        break;
      case "f":
      case "d": {
        const bytes = (opt === 0x66 ? float32Bytes : float64Bytes)(checkNumber(L, arg++));
        out.append(h.endian === BIG ? bytes : bytes.reverse());
        break;
      }
      case "c":
      case "s": {
        const s = checkBytes(L, arg++);
        if (size === 0) size = s.length;
        if (s.length < size) argError(L, arg, "string too short");
        out.append(s.subarray(0, size));
        if (opt === 0x73 /* s */) {
          out.byte(0);
          size++;
        }
        break;
      }
      default:
        controloptions(L, opt, fmt, h);
    }
    total += size;
  }
  pushBytes(L, out.result());
  return 1;
}

function getinteger(data: Uint8Array, at: number, endian: number, signed: boolean, size: number): number {
  let l = 0n;
  for (let k = 0; k < size; k++) {
    const byte = data[at + (endian === BIG ? k : size - 1 - k)]!;
    l = ((l << 8n) | BigInt(byte)) & MASK64;
  }
  if (!signed) return Number(l);
  // x86 masks the shift count, which is what C's oversized shift does here.
  const mask = (MASK64 << BigInt((size * 8 - 1) & 63)) & MASK64;
  if (l & mask) l |= mask;
  return Number(BigInt.asIntN(64, l));
}

function unpack(L: LuaState): number {
  const fmt = new Format(checkBytes(L, 1));
  const data = checkBytes(L, 2);
  const ld = data.length;
  const offset = optInteger(L, 3, 1);
  if (offset === 0) argError(L, 3, "offset must be 1 or greater");
  // size_t in C: a negative offset is huge, so the first option finds the data too short.
  let pos = offset < 0 ? Number.MAX_SAFE_INTEGER : offset - 1;
  const h: Header = { endian: LITTLE, align: 1 };
  let n = 0;
  while (fmt.peek() !== 0) {
    const opt = fmt.next();
    let size = optsize(L, opt, fmt);
    pos += gettoalign(pos, h, opt, size);
    if (!(size <= ld && pos <= ld - size)) argError(L, 2, "data string too short");
    lua.lua_checkstack(L, 2);
    switch (String.fromCharCode(opt)) {
      case "b":
      case "B":
      case "h":
      case "H":
      case "l":
      case "L":
      case "T":
      case "i":
      case "I":
        lua.lua_pushnumber(L, getinteger(data, pos, h.endian, opt >= 0x61, size));
        n++;
        break;
      case "x":
        break;
      case "f":
      case "d": {
        const bytes = data.slice(pos, pos + size);
        if (h.endian === LITTLE) bytes.reverse();
        lua.lua_pushnumber(L, opt === 0x66 ? readFloat32(bytes, 0) : readFloat64(bytes, 0));
        n++;
        break;
      }
      case "c": {
        if (size === 0) {
          if (n === 0 || !lua.lua_isnumber(L, -1)) raise(L, "format 'c0' needs a previous size");
          size = toSizeT(lua.lua_tonumber(L, -1));
          lua.lua_pop(L, 1);
          n--;
          if (!(size <= ld && pos <= ld - size)) argError(L, 2, "data string too short");
        }
        pushBytes(L, data.slice(pos, pos + size));
        n++;
        break;
      }
      case "s": {
        const end = data.indexOf(0, pos);
        if (end < 0) raise(L, "unfinished string in data");
        size = end - pos + 1;
        pushBytes(L, data.slice(pos, end));
        n++;
        break;
      }
      default:
        controloptions(L, opt, fmt, h);
    }
    pos += size;
  }
  lua.lua_pushnumber(L, pos + 1);
  return n + 1;
}

function size(L: LuaState): number {
  const fmt = new Format(checkBytes(L, 1));
  const h: Header = { endian: LITTLE, align: 1 };
  let pos = 0;
  while (fmt.peek() !== 0) {
    const opt = fmt.next();
    const optSize = optsize(L, opt, fmt);
    pos += gettoalign(pos, h, opt, optSize);
    if (opt === 0x73) argError(L, 1, "option 's' has no fixed size");
    else if (opt === 0x63 && optSize === 0) argError(L, 1, "option 'c0' has no fixed size");
    if (!isAlnum(opt)) controloptions(L, opt, fmt, h);
    pos += optSize;
  }
  lua.lua_pushnumber(L, pos);
  return 1;
}

export function installStruct(L: LuaState): void {
  lua.lua_createtable(L, 0, 3);
  setFunction(L, "pack", pack);
  setFunction(L, "unpack", unpack);
  setFunction(L, "size", size);
  lua.lua_setglobal(L, fengari.to_luastring("struct"));
}

/**
 * C's `(size_t)` of a double as x86-64 compilers do it: truncation, so -0.5 gives 0; a negative
 * integral part wraps to a huge size; from 2^63 up the conversion subtracts 2^63 and sets the top bit
 * again, so 2^64 and beyond (cvttsd2si's overflow value) come out as 0. Huge sizes are then refused
 * as "data string too short", as Redis refuses them.
 */
function toSizeT(x: number): number {
  if (Number.isNaN(x)) return 0;
  const t = Math.trunc(x);
  if (t > -1 && t < 2 ** 63) return t === 0 ? 0 : t;
  if (t >= 2 ** 63) return t - 2 ** 63 >= 2 ** 63 ? 0 : Number.MAX_SAFE_INTEGER;
  return Number.MAX_SAFE_INTEGER;
}
