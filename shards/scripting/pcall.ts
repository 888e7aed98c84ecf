// Redis 7.0's pcall: an error raised as a table with a string `err` field (what redis.call raises,
// or error({err=...})) reaches the script as that string, so `local ok, e = pcall(redis.call, ...)`
// gets the message text, as with redis-server (script_lua.c, luaRedisPcall).
import fengari from "./build/fengari.js";

const { lua, to_luastring } = fengari;
type LuaState = unknown;

export function installRedisPcall(L: LuaState): void {
  lua.lua_pushjsfunction(L, (L2: LuaState) => {
    const argc = lua.lua_gettop(L2);
    if (argc === 0) {
      // Redis calls its result placeholder, a boolean.
      lua.lua_pushboolean(L2, false);
      lua.lua_pushstring(L2, to_luastring("attempt to call a boolean value"));
      return 2;
    }
    lua.lua_pushboolean(L2, true);
    lua.lua_insert(L2, 1);
    if (lua.lua_pcall(L2, argc - 1, lua.LUA_MULTRET, 0) === lua.LUA_OK) return lua.lua_gettop(L2);
    lua.lua_remove(L2, 1);
    if (lua.lua_type(L2, -1) === lua.LUA_TTABLE) {
      lua.lua_pushstring(L2, to_luastring("err"));
      lua.lua_rawget(L2, -2);
      if (lua.lua_type(L2, -1) === lua.LUA_TSTRING) lua.lua_replace(L2, -2);
      else lua.lua_pop(L2, 1);
    }
    lua.lua_pushboolean(L2, false);
    lua.lua_insert(L2, 1);
    return lua.lua_gettop(L2);
  });
  lua.lua_setglobal(L, to_luastring("pcall"));
}
