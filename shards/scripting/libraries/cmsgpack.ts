// The `cmsgpack` library scripts get in Redis 7.0: lua-cmsgpack 0.4.0 (antirez) on Lua 5.1 doubles.
import {
  argError,
  ByteBuffer,
  checkBytes,
  checkInteger,
  fengari,
  float32Bytes,
  float64Bytes,
  forEachEntry,
  type LuaState,
  MAX_JS_NESTING,
  optInteger,
  pushBytes,
  raise,
  readFloat32,
  readFloat64,
  setFunction,
  setString,
  toInt64,
} from "./c-api";

const { lua } = fengari;

/** Deeper tables are packed as nil, so a table that contains itself still packs. */
const MAX_NESTING = 16;
const INT_MAX = 2147483647;

function encodeInt(out: ByteBuffer, n: bigint): void {
  const big = (bytes: number) => {
    for (let shift = BigInt((bytes - 1) * 8); shift >= 0n; shift -= 8n) out.byte(Number((n >> shift) & 0xffn));
  };
  if (n >= 0n) {
    if (n <= 127n) out.byte(Number(n));
    else if (n <= 0xffn) (out.byte(0xcc), big(1));
    else if (n <= 0xffffn) (out.byte(0xcd), big(2));
    else if (n <= 0xffffffffn) (out.byte(0xce), big(4));
    else (out.byte(0xcf), big(8));
  } else {
    if (n >= -32n) out.byte(Number(n) & 0xff);
    else if (n >= -128n) (out.byte(0xd0), big(1));
    else if (n >= -32768n) (out.byte(0xd1), big(2));
    else if (n >= -2147483648n) (out.byte(0xd2), big(4));
    else (out.byte(0xd3), big(8));
  }
}

function encodeLength(out: ByteBuffer, n: number, fix: number, short: number): void {
  if (n <= 15) out.byte(fix | n);
  else if (n <= 0xffff) out.append([short, n >> 8, n & 0xff]);
  else out.append([short + 1, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
}

function encodeBytes(out: ByteBuffer, s: Uint8Array): void {
  const n = s.length;
  if (n < 32) out.byte(0xa0 | n);
  else if (n <= 0xff) out.append([0xd9, n]);
  else if (n <= 0xffff) out.append([0xda, n >> 8, n & 0xff]);
  else out.append([0xdb, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
  out.append(s);
}

function encodeNumber(out: ByteBuffer, n: number): void {
  // IS_INT64_EQUIVALENT: (int64_t)n == n, which -2^63 passes and 2^63 does not.
  if (Number.isFinite(n) && Number(toInt64(n)) === n) return encodeInt(out, toInt64(n));
  if (n === Math.fround(n)) (out.byte(0xca), out.append(float32Bytes(n)));
  else (out.byte(0xcb), out.append(float64Bytes(n)));
}

/** table_is_an_array: only keys 1..N, N the number of keys. */
function isArray(L: LuaState): number {
  let count = 0;
  let max = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2)) {
    lua.lua_pop(L, 1);
    const n = lua.lua_type(L, -1) === lua.LUA_TNUMBER ? lua.lua_tonumber(L, -1) : 0;
    // IS_INT_EQUIVALENT: (int)n == n, so keys beyond INT_MAX make a map.
    if (n <= 0 || !Number.isInteger(n) || n > INT_MAX) {
      lua.lua_pop(L, 1);
      return -1;
    }
    if (n > max) max = n;
    count++;
  }
  return max === count ? count : -1;
}

/** Encodes the value at the top of the stack and pops it. */
function encodeValue(L: LuaState, out: ByteBuffer, level: number): void {
  let type = lua.lua_type(L, -1);
  if (type === lua.LUA_TTABLE && level === MAX_NESTING) type = lua.LUA_TNIL;
  switch (type) {
    case lua.LUA_TSTRING:
      encodeBytes(out, lua.lua_tolstring(L, -1));
      break;
    case lua.LUA_TBOOLEAN:
      out.byte(lua.lua_toboolean(L, -1) ? 0xc3 : 0xc2);
      break;
    case lua.LUA_TNUMBER:
      encodeNumber(out, lua.lua_tonumber(L, -1));
      break;
    case lua.LUA_TTABLE: {
      lua.lua_checkstack(L, 3);
      const length = isArray(L);
      if (length >= 0) {
        encodeLength(out, length, 0x90, 0xdc);
        for (let j = 1; j <= length; j++) {
          lua.lua_pushnumber(L, j);
          lua.lua_gettable(L, -2);
          encodeValue(L, out, level + 1);
        }
      } else {
        let count = 0;
        lua.lua_pushnil(L);
        while (lua.lua_next(L, -2)) {
          lua.lua_pop(L, 1);
          count++;
        }
        encodeLength(out, count, 0x80, 0xde);
        forEachEntry(L, () => {
          lua.lua_pushvalue(L, -2);
          encodeValue(L, out, level + 1);
          encodeValue(L, out, level + 1);
        });
      }
      break;
    }
    default:
      out.byte(0xc0);
  }
  lua.lua_pop(L, 1);
}

function pack(L: LuaState): number {
  const count = lua.lua_gettop(L);
  if (count === 0) argError(L, 0, "MessagePack pack needs input.");
  const out = new ByteBuffer();
  for (let i = 1; i <= count; i++) {
    lua.lua_pushvalue(L, i);
    encodeValue(L, out, 0);
  }
  pushBytes(L, out.result());
  return 1;
}

class MissingBytes extends Error {}
class BadFormat extends Error {}

class Cursor {
  constructor(
    readonly data: Uint8Array,
    public at: number,
  ) {}
  get left(): number {
    return this.data.length - this.at;
  }
  need(n: number): void {
    if (this.left < n) throw new MissingBytes();
  }
  byte(offset: number): number {
    return this.data[this.at + offset]!;
  }
  /** Big-endian unsigned integer of `n` bytes after the type byte. */
  uint(n: number): bigint {
    let v = 0n;
    for (let i = 1; i <= n; i++) v = (v << 8n) | BigInt(this.byte(i));
    return v;
  }
}

function decodeValue(L: LuaState, c: Cursor, depth: number): void {
  c.need(1);
  // Redis runs out of Lua stack about 4000 levels down, with this message.
  if (depth > MAX_JS_NESTING) raise(L, "stack overflow (in function mp_decode_to_lua_array)");
  lua.lua_checkstack(L, 3);
  const type = c.byte(0);
  const fixed = (n: number, value: () => number) => {
    c.need(n);
    lua.lua_pushnumber(L, value());
    c.at += n;
  };
  switch (type) {
    case 0xcc:
      return fixed(2, () => c.byte(1));
    case 0xd0:
      return fixed(2, () => (c.byte(1) << 24) >> 24);
    case 0xcd:
      return fixed(3, () => Number(c.uint(2)));
    case 0xd1:
      return fixed(3, () => Number(BigInt.asIntN(16, c.uint(2))));
    case 0xce:
      return fixed(5, () => Number(c.uint(4)));
    case 0xd2:
      return fixed(5, () => Number(BigInt.asIntN(32, c.uint(4))));
    case 0xcf:
    case 0xd3:
      // Redis's Lua 5.1 pushes both through lua_pushinteger: a uint64 above 2^63 comes back negative.
      return fixed(9, () => Number(BigInt.asIntN(64, c.uint(8))));
    case 0xc0:
      lua.lua_pushnil(L);
      c.at += 1;
      return;
    case 0xc3:
    case 0xc2:
      lua.lua_pushboolean(L, type === 0xc3);
      c.at += 1;
      return;
    case 0xca:
      c.need(5);
      lua.lua_pushnumber(L, readFloat32(c.data, c.at + 1));
      c.at += 5;
      return;
    case 0xcb:
      c.need(9);
      lua.lua_pushnumber(L, readFloat64(c.data, c.at + 1));
      c.at += 9;
      return;
    case 0xd9:
    case 0xda:
    case 0xdb: {
      const header = type === 0xd9 ? 2 : type === 0xda ? 3 : 5;
      c.need(header);
      const length = Number(c.uint(header - 1));
      c.need(header + length);
      pushBytes(L, c.data.slice(c.at + header, c.at + header + length));
      c.at += header + length;
      return;
    }
    case 0xdc:
    case 0xdd:
    case 0xde:
    case 0xdf: {
      const header = type === 0xdc || type === 0xde ? 3 : 5;
      c.need(header);
      const length = Number(c.uint(header - 1));
      c.at += header;
      return type <= 0xdd ? decodeArray(L, c, length, depth) : decodeMap(L, c, length, depth);
    }
  }
  if ((type & 0x80) === 0) {
    lua.lua_pushnumber(L, type);
    c.at += 1;
  } else if ((type & 0xe0) === 0xe0) {
    lua.lua_pushnumber(L, (type << 24) >> 24);
    c.at += 1;
  } else if ((type & 0xe0) === 0xa0) {
    const length = type & 0x1f;
    c.need(1 + length);
    pushBytes(L, c.data.slice(c.at + 1, c.at + 1 + length));
    c.at += 1 + length;
  } else if ((type & 0xf0) === 0x90) {
    c.at += 1;
    decodeArray(L, c, type & 0xf, depth);
  } else if ((type & 0xf0) === 0x80) {
    c.at += 1;
    decodeMap(L, c, type & 0xf, depth);
  } else throw new BadFormat();
}

function decodeArray(L: LuaState, c: Cursor, length: number, depth: number): void {
  lua.lua_newtable(L);
  for (let index = 1; index <= length; index++) {
    lua.lua_pushnumber(L, index);
    decodeValue(L, c, depth + 1);
    lua.lua_settable(L, -3);
  }
}

function decodeMap(L: LuaState, c: Cursor, length: number, depth: number): void {
  lua.lua_newtable(L);
  for (let i = 0; i < length; i++) {
    decodeValue(L, c, depth + 1);
    decodeValue(L, c, depth + 1);
    lua.lua_settable(L, -3);
  }
}

/** mp_unpack_full: `limit` 0 and `offset` 0 decode everything and return no offset. */
function unpackFull(L: LuaState, limit: number, offset: number): number {
  const data = checkBytes(L, 1);
  const all = limit === 0 && offset === 0;
  if (offset < 0 || limit < 0) raise(L, `Invalid request to unpack with offset of ${offset} and limit of ${data.length}.`);
  if (offset > data.length) raise(L, `Start offset ${offset} greater than input length ${data.length}.`);
  if (all) limit = INT_MAX;
  const c = new Cursor(data, offset);
  let count = 0;
  try {
    for (; c.left > 0 && count < limit; count++) decodeValue(L, c, 0);
  } catch (error) {
    if (error instanceof MissingBytes) raise(L, "Missing bytes in input.");
    if (error instanceof BadFormat) raise(L, "Bad data format in input.");
    throw error;
  }
  if (all) return count;
  lua.lua_pushnumber(L, c.left === 0 ? -1 : c.at);
  lua.lua_insert(L, 2);
  return count + 1;
}

/** C's `int` from a Lua 5.1 integer argument: the low 32 bits. */
const toInt = (n: number) => Number(BigInt.asIntN(32, toInt64(n)));

export function installCmsgpack(L: LuaState): void {
  lua.lua_createtable(L, 0, 8);
  setFunction(L, "pack", pack);
  setFunction(L, "unpack", (L2) => unpackFull(L2, 0, 0));
  setFunction(L, "unpack_one", (L2) => {
    const offset = toInt(optInteger(L2, 2, 0));
    lua.lua_settop(L2, 1);
    return unpackFull(L2, 1, offset);
  });
  setFunction(L, "unpack_limit", (L2) => {
    const limit = toInt(checkInteger(L2, 2));
    const offset = toInt(optInteger(L2, 3, 0));
    lua.lua_settop(L2, 1);
    return unpackFull(L2, limit, offset);
  });
  setString(L, "_NAME", "cmsgpack");
  setString(L, "_VERSION", "lua-cmsgpack 0.4.0");
  setString(L, "_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo");
  setString(L, "_DESCRIPTION", "MessagePack C implementation for Lua");
  lua.lua_setglobal(L, fengari.to_luastring("cmsgpack"));
}
