// Lua <-> RESP, as Redis documents it: integer -> number, bulk -> string, nil -> false, array ->
// table, status -> {ok=}, error -> {err=}; back: number -> integer (truncated), string -> bulk,
// table -> array up to the first nil, {ok} -> status, {err} -> error, false -> nil, true -> 1.
import fengari from "./build/fengari.js";
import { ReplyError, Status, type Reply } from "../../worker/wire/resp";

const { lua } = fengari;
type LuaState = unknown;
const decoder = new TextDecoder();

/** Pushes a reply onto the Lua stack. Numbers go in as doubles (Redis's Lua 5.1 has no integers). */
export function pushReply(L: LuaState, reply: Reply): void {
  if (reply === null) lua.lua_pushboolean(L, false);
  else if (reply instanceof Uint8Array) lua.lua_pushstring(L, reply);
  else if (typeof reply === "number" || typeof reply === "bigint") lua.lua_pushnumber(L, Number(reply));
  else if (reply instanceof Status) pushField(L, "ok", reply.text);
  else if (reply instanceof ReplyError) pushField(L, "err", reply.message);
  else {
    lua.lua_createtable(L, reply.length, 0);
    reply.forEach((item, index) => {
      pushReply(L, item);
      lua.lua_rawseti(L, -2, index + 1);
    });
  }
}

export function pushField(L: LuaState, field: "ok" | "err", text: string): void {
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushstring(L, new TextEncoder().encode(text));
  lua.lua_setfield(L, -2, field);
}

/**
 * Nesting at which a returned table stops converting: the value that deep becomes the error
 * `reached lua stack limit`, as in redis-server 7.0 (whose Lua 5.1 stack of 8,000 slots stops it
 * 7,995 tables deep; a table that contains itself answers that many nested arrays around the
 * error). Here 1,000: the conversion and the reply encoding recurse in JS, and workerd's stack
 * overflowed near 4,000 levels, which would fail the whole batch.
 */
const MAX_REPLY_DEPTH = 1000;

/** Converts the Lua value at `index` to a reply. */
export function toReply(L: LuaState, index: number, depth = 0): Reply {
  const at = lua.lua_absindex(L, index);
  if (depth >= MAX_REPLY_DEPTH || !lua.lua_checkstack(L, 4)) return new ReplyError("ERR reached lua stack limit");
  switch (lua.lua_type(L, at)) {
    case lua.LUA_TNUMBER:
      return toInteger(lua.lua_tonumber(L, at));
    case lua.LUA_TSTRING:
      return Uint8Array.from(lua.lua_tolstring(L, at));
    case lua.LUA_TBOOLEAN:
      return lua.lua_toboolean(L, at) ? 1 : null;
    case lua.LUA_TTABLE: {
      const err = stringField(L, at, "err");
      if (err !== null) return new ReplyError(errorText(err));
      const ok = stringField(L, at, "ok");
      if (ok !== null) return new Status(ok);
      const items: Reply[] = [];
      for (let i = 1; ; i++) {
        lua.lua_rawgeti(L, at, i);
        if (lua.lua_type(L, -1) === lua.LUA_TNIL) {
          lua.lua_pop(L, 1);
          break;
        }
        items.push(toReply(L, -1, depth + 1));
        lua.lua_pop(L, 1);
      }
      return items;
    }
    default:
      return null;
  }
}

/**
 * A Lua number as Redis replies it: C's cast to long long, truncating; out of range, infinite or
 * NaN, x86's cast gives the "integer indefinite" INT64_MIN, as redis-server 7.0 replies.
 */
function toInteger(n: number): number | bigint {
  const t = Math.trunc(n);
  if (!(t >= -(2 ** 63) && t < 2 ** 63)) return -(2n ** 63n);
  // Past 2^53 a number's shortest printing rounds (2^62 is "4611686018427388000"): reply its exact digits.
  return Number.isSafeInteger(t) ? t : BigInt(t);
}

/**
 * An error table's text as Redis 7.0 replies it: `redis.error_reply` marks its text with a
 * leading "-"; such a text whose first word is not followed by a space gets the ERR code.
 */
export function errorText(err: string): string {
  if (!err.startsWith("-")) return err;
  const text = err.slice(1);
  return text.includes(" ") ? text : `ERR ${text}`;
}

function stringField(L: LuaState, at: number, field: string): string | null {
  lua.lua_pushstring(L, new TextEncoder().encode(field));
  lua.lua_rawget(L, at);
  const value = lua.lua_type(L, -1) === lua.LUA_TSTRING ? decoder.decode(lua.lua_tolstring(L, -1)) : null;
  lua.lua_pop(L, 1);
  return value;
}

/** A Lua number as a command argument: C's "%.17g", as Redis 7.0 formats it. */
export function formatArgNumber(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? "nan" : n > 0 ? "inf" : "-inf";
  if (Number.isInteger(n) && Math.abs(n) < 1e17) return String(n);
  const [mantissa, exponentText] = n.toExponential(16).split("e");
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 17) {
    const trimmed = mantissa.replace(/\.?0+$/, "");
    return `${trimmed}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return n.toFixed(Math.max(0, 16 - exponent)).replace(/\.?0+$/, "");
}
