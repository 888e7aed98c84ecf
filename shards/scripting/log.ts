// redis.log(level, message...): Redis 7.0's argument checks, the message joined as luaLogCommand joins
// it, written to the shard's log (console) when at or above Redis's default `loglevel notice`.
import fengari from "./build/fengari.js";
import { pushField } from "./conversions";

const { lua } = fengari;
type LuaState = unknown;

const decoder = new TextDecoder();
export const LOG_LEVELS = ["debug", "verbose", "notice", "warning"] as const;
/** Redis's default `loglevel notice` drops debug and verbose lines. */
const LOGGED_FROM = 2;

export function redisLog(L: LuaState): number {
  const argc = lua.lua_gettop(L);
  if (argc < 2) return raise(L, "ERR redis.log() requires two arguments or more.");
  if (!lua.lua_isnumber(L, 1)) return raise(L, "ERR First argument must be a number (log level).");
  const level = Math.trunc(lua.lua_tonumber(L, 1));
  if (!(level >= 0 && level < LOG_LEVELS.length)) return raise(L, "ERR Invalid debug level.");
  if (level < LOGGED_FROM) return 0;
  // Strings and numbers are logged; other values are skipped, but each argument after the first
  // still brings its separating space only when it is logged.
  let message = "";
  for (let i = 2; i <= argc; i++) {
    const type = lua.lua_type(L, i);
    if (type !== lua.LUA_TSTRING && type !== lua.LUA_TNUMBER) continue;
    if (i !== 2) message += " ";
    message += decoder.decode(lua.lua_tolstring(L, i));
  }
  console.log(`[script ${LOG_LEVELS[level]}] ${message}`);
  return 0;
}

function raise(L: LuaState, message: string): number {
  pushField(L, "err", message);
  return lua.lua_error(L);
}
