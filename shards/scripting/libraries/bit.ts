// The `bit` library scripts get in Redis 7.0: LuaBitOp 1.0.2 on Lua 5.1 doubles.
import { argError, fengari, low32Bits, type LuaState, setFunction, typeName } from "./c-api";

const { lua } = fengari;

/**
 * LuaBitOp's barg: the double plus 2^52+2^51, whose low 32 bits are the number rounded to an integer
 * (half to even) modulo 2^32; beyond 2^51 the addition itself rounds, exactly as in C.
 */
function bitArg(L: LuaState, index: number): number {
  const bits = low32Bits(lua.lua_tonumber(L, index) + 6755399441055744.0);
  // Lua 5.1's lua_tonumber answers 0 for a non-number, so only a zero result is checked.
  if (bits === 0 && !lua.lua_isnumber(L, index)) argError(L, index, `number expected, got ${typeName(L, index)}`);
  return bits;
}

function ret(L: LuaState, bits: number): number {
  lua.lua_pushnumber(L, bits | 0);
  return 1;
}

function fold(op: (a: number, b: number) => number) {
  return (L: LuaState) => {
    let bits = bitArg(L, 1);
    for (let i = lua.lua_gettop(L); i > 1; i--) bits = op(bits, bitArg(L, i));
    return ret(L, bits);
  };
}

function shift(op: (b: number, n: number) => number) {
  return (L: LuaState) => {
    const b = bitArg(L, 1);
    return ret(L, op(b, bitArg(L, 2) & 31));
  };
}

export function installBit(L: LuaState): void {
  lua.lua_createtable(L, 0, 12);
  setFunction(L, "tobit", (L2) => ret(L2, bitArg(L2, 1)));
  setFunction(L, "bnot", (L2) => ret(L2, ~bitArg(L2, 1)));
  setFunction(L, "band", fold((a, b) => a & b));
  setFunction(L, "bor", fold((a, b) => a | b));
  setFunction(L, "bxor", fold((a, b) => a ^ b));
  setFunction(L, "lshift", shift((b, n) => b << n));
  setFunction(L, "rshift", shift((b, n) => b >>> n));
  setFunction(L, "arshift", shift((b, n) => (b | 0) >> n));
  // JS masks shift counts like x86, so a rotation by 0 stays b | b.
  setFunction(L, "rol", shift((b, n) => (b << n) | (b >>> (32 - n))));
  setFunction(L, "ror", shift((b, n) => (b << (32 - n)) | (b >>> n)));
  setFunction(L, "bswap", (L2) => {
    const b = bitArg(L2, 1);
    return ret(L2, (b >>> 24) | ((b >>> 8) & 0xff00) | ((b & 0xff00) << 8) | (b << 24));
  });
  setFunction(L, "tohex", (L2) => {
    let b = bitArg(L2, 1);
    let n = lua.lua_type(L2, 2) === lua.LUA_TNONE ? 8 : bitArg(L2, 2) | 0;
    let digits = "0123456789abcdef";
    if (n < 0) {
      n = -n;
      digits = "0123456789ABCDEF";
    }
    if (n > 8) n = 8;
    const out: string[] = [];
    for (let i = n; --i >= 0; ) {
      out[i] = digits[b & 15]!;
      b >>>= 4;
    }
    lua.lua_pushstring(L2, fengari.to_luastring(out.join("")));
    return 1;
  });
  lua.lua_setglobal(L, fengari.to_luastring("bit"));
}
