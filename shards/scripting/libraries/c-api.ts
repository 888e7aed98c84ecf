// What Redis's C libraries (cjson, bit, struct, cmsgpack) take from Lua 5.1's C API and libc, on top
// of fengari: 5.1-style argument checks and errors, a byte buffer, and C's integer conversions.
import fengari from "../build/fengari.js";

const { lauxlib, lua, to_luastring } = fengari;
export type LuaState = unknown;
export { fengari };

export const lstr = (s: string): Uint8Array => to_luastring(s);
const decoder = new TextDecoder();

/** luaL_error: the message prefixed with the calling script's position, raised. */
export function raise(L: LuaState, message: string): never {
  // fengari writes past a frame's reserved top silently; a deep decode may have used the headroom.
  lua.lua_checkstack(L, 4);
  lauxlib.luaL_where(L, 1);
  lua.lua_pushstring(L, lstr(message));
  lua.lua_concat(L, 2);
  lua.lua_error(L);
  throw new Error("unreachable: lua_error throws");
}

/** luaL_argerror: "bad argument #n to 'name' (message)". */
export function argError(L: LuaState, arg: number, message: string): never {
  lua.lua_checkstack(L, 4);
  lauxlib.luaL_argerror(L, arg, lstr(message));
  throw new Error("unreachable: luaL_argerror throws");
}

export function typeName(L: LuaState, index: number): string {
  return decoder.decode(lauxlib.luaL_typename(L, index));
}

/** luaL_checknumber; numeric strings convert, as in Lua 5.1. */
export function checkNumber(L: LuaState, arg: number): number {
  return lauxlib.luaL_checknumber(L, arg);
}

/** Lua 5.1's luaL_checkinteger: any number, truncated (5.3's refuses 2.5). */
export function checkInteger(L: LuaState, arg: number): number {
  return Math.trunc(lauxlib.luaL_checknumber(L, arg));
}

export function optInteger(L: LuaState, arg: number, fallback: number): number {
  return lua.lua_type(L, arg) <= 0 ? fallback : checkInteger(L, arg);
}

/** luaL_checklstring, as a copy the caller may keep. */
export function checkBytes(L: LuaState, arg: number): Uint8Array {
  return Uint8Array.from(lauxlib.luaL_checklstring(L, arg));
}

export function pushBytes(L: LuaState, bytes: Uint8Array): void {
  lua.lua_pushstring(L, bytes);
}

/** Sets `name` on the table at the top of the stack to a JS function. */
export function setFunction(L: LuaState, name: string, f: (L: LuaState) => number): void {
  lua.lua_pushjsfunction(L, f);
  lua.lua_setfield(L, -2, lstr(name));
}

export function setString(L: LuaState, name: string, value: string): void {
  lua.lua_pushstring(L, lstr(value));
  lua.lua_setfield(L, -2, lstr(name));
}

/** A growable byte string (luaL_Buffer / strbuf / mp_buf). */
export class ByteBuffer {
  private bytes = new Uint8Array(64);
  length = 0;

  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + extra));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  byte(value: number): void {
    this.reserve(1);
    this.bytes[this.length++] = value & 0xff;
  }

  append(values: ArrayLike<number>): void {
    this.reserve(values.length);
    this.bytes.set(values, this.length);
    this.length += values.length;
  }

  ascii(text: string): void {
    this.reserve(text.length);
    for (let i = 0; i < text.length; i++) this.bytes[this.length++] = text.charCodeAt(i);
  }

  result(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/**
 * The deepest nesting the recursive encoders and decoders walk: the JS stack (smaller than the 8 MB
 * C stack Redis's libraries recurse on) overflows a few thousand levels down. cjson's default
 * limits are 1000 too; cmsgpack.unpack has none in Redis until its Lua stack runs out (~4000).
 */
export const MAX_JS_NESTING = 1000;

const TWO_63 = 2 ** 63;
const INT64_MIN = -(2n ** 63n);

/** C's (int64_t)d on x86-64: truncation, and INT64_MIN for NaN or out of range (cvttsd2si). */
export function toInt64(d: number): bigint {
  if (Number.isNaN(d) || d >= TWO_63 || d < -TWO_63) return INT64_MIN;
  return BigInt(Math.trunc(d));
}

/** C's (uint64_t)d as gcc compiles it on x86-64 (above 2^63 via a subtraction, so 2^64 wraps to 0). */
export function toUint64(d: number): bigint {
  if (d >= TWO_63) return BigInt.asUintN(64, toInt64(d - TWO_63) ^ INT64_MIN);
  return BigInt.asUintN(64, toInt64(d));
}

const scratch = new DataView(new ArrayBuffer(8));

/** IEEE bytes, big-endian; a NaN keeps its sign, as x86 gives it (0/0 is the negative quiet NaN). */
export function float64Bytes(d: number): Uint8Array {
  scratch.setFloat64(0, d);
  return new Uint8Array(scratch.buffer.slice(0));
}

export function float32Bytes(d: number): Uint8Array {
  scratch.setFloat32(0, d);
  return new Uint8Array(scratch.buffer.slice(0, 4));
}

export function readFloat64(bytes: Uint8Array, at: number): number {
  for (let i = 0; i < 8; i++) scratch.setUint8(i, bytes[at + i]!);
  return scratch.getFloat64(0);
}

export function readFloat32(bytes: Uint8Array, at: number): number {
  for (let i = 0; i < 4; i++) scratch.setUint8(i, bytes[at + i]!);
  return scratch.getFloat32(0);
}

/** The low 32 bits of a double's bit pattern. */
export function low32Bits(d: number): number {
  scratch.setFloat64(0, d);
  return scratch.getUint32(4);
}

const isArrayIndex = (L: LuaState, index: number) => {
  if (lua.lua_type(L, index) !== lua.LUA_TNUMBER) return false;
  const k = lua.lua_tonumber(L, index);
  return k >= 1 && Number.isInteger(k);
};

/**
 * lua_next over the table at the top of the stack, in an order closer to Lua 5.1's: Redis's Lua
 * walks the array part (keys 1..n, ascending) before the hash part, where fengari walks insertion
 * order (and a table constructor inserts its list items last to first). Positive integer keys come
 * first, ascending, then the other keys in insertion order; Lua 5.1's hash order among several
 * string keys is not reproduced. `visit` sees [table, key, value] and pops the value.
 */
export function forEachEntry(L: LuaState, visit: () => void): void {
  const indices: number[] = [];
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2)) {
    if (isArrayIndex(L, -2)) indices.push(lua.lua_tonumber(L, -2));
    lua.lua_pop(L, 1);
  }
  indices.sort((a, b) => a - b);
  for (const k of indices) {
    lua.lua_pushnumber(L, k);
    lua.lua_pushnumber(L, k);
    lua.lua_rawget(L, -3);
    visit();
    lua.lua_pop(L, 1);
  }
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2)) {
    if (isArrayIndex(L, -2)) lua.lua_pop(L, 1);
    else visit();
  }
}
