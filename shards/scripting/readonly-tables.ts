// rawset that honours the sandbox's read-only tables: the library views and each run's environment
// carry a protected metatable, and rawset would otherwise write past their __newindex — into a
// library view every later run shares (`rawset(redis, 'call', f)`).
import fengari from "./build/fengari.js";

const { lauxlib, lua, to_luastring } = fengari;
type LuaState = unknown;

/**
 * Replaces the global rawset. A table is read-only when its metatable's __metatable is `false`, the
 * mark the runtime puts on the tables it protects; as in Redis 7.0, rawset on them raises
 * "Attempt to modify a readonly table". (A script's own table marked the same way is refused too.)
 */
export function guardRawset(L: LuaState): void {
  lua.lua_getglobal(L, to_luastring("rawset"));
  lua.lua_pushcclosure(L, (L2: LuaState) => {
    lauxlib.luaL_checktype(L2, 1, lua.LUA_TTABLE);
    if (isReadonly(L2)) {
      lua.lua_pushstring(L2, to_luastring("Attempt to modify a readonly table"));
      return lua.lua_error(L2);
    }
    lua.lua_pushvalue(L2, lua.lua_upvalueindex(1));
    lua.lua_insert(L2, 1);
    lua.lua_call(L2, lua.lua_gettop(L2) - 1, 1);
    return 1;
  }, 1);
  lua.lua_setglobal(L, to_luastring("rawset"));
}

function isReadonly(L: LuaState): boolean {
  if (!lua.lua_getmetatable(L, 1)) return false;
  lua.lua_pushstring(L, to_luastring("__metatable"));
  lua.lua_rawget(L, -2);
  const marked = lua.lua_type(L, -1) === lua.LUA_TBOOLEAN && !lua.lua_toboolean(L, -1);
  lua.lua_pop(L, 2);
  return marked;
}
