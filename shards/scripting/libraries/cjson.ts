// The `cjson` library scripts get in Redis 7.0: Lua CJSON 2.1.0 (Mark Pulford) with Redis's defaults,
// on Lua 5.1 doubles. JSON null is a NULL lightuserdata (cjson.null), as in Redis.
import { argError, ByteBuffer, checkBytes, checkInteger, fengari, forEachEntry, type LuaState, lstr, MAX_JS_NESTING, pushBytes, raise, setFunction, setString, typeName } from "./c-api";
import { formatG } from "./c-number-format";
import { decode } from "./cjson-decode";

const { lua } = fengari;
const INT_MAX = 2147483647;

export interface CjsonConfig {
  sparseConvert: number;
  sparseRatio: number;
  sparseSafe: number;
  encodeMaxDepth: number;
  decodeMaxDepth: number;
  /** 0 refuse, 1 allow ("inf", "nan"), 2 as null. */
  encodeInvalidNumbers: number;
  decodeInvalidNumbers: number;
  keepBuffer: number;
  precision: number;
}

const defaults = (): CjsonConfig => ({
  sparseConvert: 0,
  sparseRatio: 2,
  sparseSafe: 10,
  encodeMaxDepth: 1000,
  decodeMaxDepth: 1000,
  encodeInvalidNumbers: 0,
  decodeInvalidNumbers: 1,
  keepBuffer: 1,
  precision: 14,
});

const ESCAPES: (string | null)[] = Array.from({ length: 256 }, (_, c) => {
  if (c < 0x20) return ({ 8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r" } as Record<number, string>)[c] ?? `\\u${c.toString(16).padStart(4, "0")}`;
  return ({ 0x22: '\\"', 0x2f: "\\/", 0x5c: "\\\\", 0x7f: "\\u007f" } as Record<number, string>)[c] ?? null;
});

// ===== Encoding =====

function encodeException(L: LuaState, index: number, reason: string): never {
  return raise(L, `Cannot serialise ${typeName(L, index)}: ${reason}`);
}

function appendString(out: ByteBuffer, s: Uint8Array): void {
  out.byte(0x22);
  for (const c of s) {
    const escape = ESCAPES[c];
    if (escape) out.ascii(escape);
    else out.byte(c);
  }
  out.byte(0x22);
}

function appendNumber(L: LuaState, cfg: CjsonConfig, out: ByteBuffer, index: number): void {
  const n = lua.lua_tonumber(L, index);
  if (cfg.encodeInvalidNumbers === 0) {
    if (!Number.isFinite(n)) encodeException(L, index, "must not be NaN or Inf");
  } else if (cfg.encodeInvalidNumbers === 1) {
    if (Number.isNaN(n)) return out.ascii("nan");
  } else if (!Number.isFinite(n)) return out.ascii("null");
  out.ascii(formatG(n, cfg.precision));
}

/** lua_array_length: the largest key of a table whose keys are all positive integers, else -1. */
function arrayLength(L: LuaState, cfg: CjsonConfig): number {
  const keys: number[] = [];
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2)) {
    const k = lua.lua_type(L, -2) === lua.LUA_TNUMBER ? lua.lua_tonumber(L, -2) : 0;
    if (k >= 1 && Math.floor(k) === k) {
      keys.push(k);
      lua.lua_pop(L, 1);
      continue;
    }
    lua.lua_pop(L, 2);
    return -1;
  }
  // cjson keeps the largest key in a C int: a key from 2^31 up stores INT_MIN (x86), and the table
  // becomes an object unless a smaller key follows it (keys visited ascending, as Lua 5.1's array part).
  let max = 0;
  const items = keys.length;
  for (const k of keys.sort((a, b) => a - b)) if (k > max) max = k >= 2 ** 31 ? -(2 ** 31) : k;
  if (cfg.sparseRatio > 0 && max > items * cfg.sparseRatio && max > cfg.sparseSafe) {
    if (!cfg.sparseConvert) encodeException(L, -1, "excessively sparse array");
    return -1;
  }
  return max > 0 ? max : -1;
}

/** Appends the value at the top of the stack. */
function appendValue(L: LuaState, cfg: CjsonConfig, depth: number, out: ByteBuffer): void {
  switch (lua.lua_type(L, -1)) {
    case lua.LUA_TSTRING:
      return appendString(out, lua.lua_tolstring(L, -1));
    case lua.LUA_TNUMBER:
      return appendNumber(L, cfg, out, -1);
    case lua.LUA_TBOOLEAN:
      return out.ascii(lua.lua_toboolean(L, -1) ? "true" : "false");
    case lua.LUA_TNIL:
      return out.ascii("null");
    case lua.LUA_TTABLE: {
      depth++;
      if (depth > Math.min(cfg.encodeMaxDepth, MAX_JS_NESTING) || !lua.lua_checkstack(L, 3)) {
        raise(L, `Cannot serialise, excessive nesting (${depth})`);
      }
      const length = arrayLength(L, cfg);
      if (length > 0) {
        out.byte(0x5b);
        for (let i = 1; i <= length; i++) {
          if (i > 1) out.byte(0x2c);
          lua.lua_rawgeti(L, -1, i);
          appendValue(L, cfg, depth, out);
          lua.lua_pop(L, 1);
        }
        return out.byte(0x5d);
      }
      out.byte(0x7b);
      let comma = false;
      forEachEntry(L, () => {
        if (comma) out.byte(0x2c);
        comma = true;
        const keyType = lua.lua_type(L, -2);
        if (keyType === lua.LUA_TNUMBER) {
          out.byte(0x22);
          appendNumber(L, cfg, out, -2);
          out.ascii('":');
        } else if (keyType === lua.LUA_TSTRING) {
          appendString(out, lua.lua_tolstring(L, -2));
          out.byte(0x3a);
        } else encodeException(L, -2, "table key must be a number or string");
        appendValue(L, cfg, depth, out);
        lua.lua_pop(L, 1);
      });
      return out.byte(0x7d);
    }
    case lua.LUA_TLIGHTUSERDATA:
      if (lua.lua_touserdata(L, -1) === null) return out.ascii("null");
  }
  encodeException(L, -1, "type not supported");
}

function encode(L: LuaState, cfg: CjsonConfig): number {
  if (lua.lua_gettop(L) !== 1) argError(L, 1, "expected 1 argument");
  const out = new ByteBuffer();
  appendValue(L, cfg, 0, out);
  pushBytes(L, out.result());
  return 1;
}

// ===== Configuration =====

/** Pads the arguments with nil, refusing more than `count`. */
function configArgs(L: LuaState, count: number): void {
  if (lua.lua_gettop(L) > count) argError(L, count + 1, "found too many arguments");
  lua.lua_settop(L, count);
}

function integerOption(L: LuaState, index: number, get: () => number, set: (v: number) => void, min: number, max: number): void {
  if (!lua.lua_isnil(L, index)) {
    const value = checkInteger(L, index);
    // cjson names argument 1 whichever argument was out of range.
    if (value < min || value > max) argError(L, 1, `expected integer between ${min} and ${max}`);
    set(value);
  }
  lua.lua_pushnumber(L, get());
}

function enumOption(L: LuaState, index: number, get: () => number, set: (v: number) => void, options: string[] = ["off", "on"]): void {
  if (!lua.lua_isnil(L, index)) {
    if (lua.lua_isboolean(L, index)) set(lua.lua_toboolean(L, index) ? 1 : 0);
    else {
      const name = new TextDecoder().decode(checkBytes(L, index));
      const found = options.indexOf(name);
      if (found < 0) argError(L, index, `invalid option '${name}'`);
      set(found);
    }
  }
  const setting = get();
  if (setting === 0 || setting === 1) lua.lua_pushboolean(L, setting === 1);
  else lua.lua_pushstring(L, lstr(options[setting]!));
}

/** One cjson module table with its own configuration (cjson, or what cjson.new() returns). */
function pushModule(L: LuaState, cfg: CjsonConfig): void {
  lua.lua_createtable(L, 0, 14);
  setFunction(L, "encode", (L2) => encode(L2, cfg));
  setFunction(L, "decode", (L2) => decode(L2, cfg));
  setFunction(L, "encode_sparse_array", (L2) => {
    configArgs(L2, 3);
    enumOption(L2, 1, () => cfg.sparseConvert, (v) => (cfg.sparseConvert = v));
    integerOption(L2, 2, () => cfg.sparseRatio, (v) => (cfg.sparseRatio = v), 0, INT_MAX);
    integerOption(L2, 3, () => cfg.sparseSafe, (v) => (cfg.sparseSafe = v), 0, INT_MAX);
    return 3;
  });
  const integerSetting = (name: string, key: "encodeMaxDepth" | "decodeMaxDepth" | "precision", min: number, max: number) =>
    setFunction(L, name, (L2) => {
      configArgs(L2, 1);
      integerOption(L2, 1, () => cfg[key], (v) => (cfg[key] = v), min, max);
      return 1;
    });
  integerSetting("encode_max_depth", "encodeMaxDepth", 1, INT_MAX);
  integerSetting("decode_max_depth", "decodeMaxDepth", 1, INT_MAX);
  integerSetting("encode_number_precision", "precision", 1, 14);
  const enumSetting = (name: string, key: "keepBuffer" | "encodeInvalidNumbers" | "decodeInvalidNumbers", options?: string[]) =>
    setFunction(L, name, (L2) => {
      configArgs(L2, 1);
      enumOption(L2, 1, () => cfg[key], (v) => (cfg[key] = v), options);
      return 1;
    });
  // The encode buffer is an allocation detail; the setting is kept only to be reported back.
  enumSetting("encode_keep_buffer", "keepBuffer");
  enumSetting("encode_invalid_numbers", "encodeInvalidNumbers", ["off", "on", "null"]);
  enumSetting("decode_invalid_numbers", "decodeInvalidNumbers");
  setFunction(L, "new", (L2) => {
    pushModule(L2, defaults());
    return 1;
  });
  setString(L, "_NAME", "cjson");
  setString(L, "_VERSION", "2.1.0");
  lua.lua_pushlightuserdata(L, null);
  lua.lua_setfield(L, -2, lstr("null"));
}

/**
 * Installs the global `cjson`. Its settings (encode_max_depth and the rest) last for one script run:
 * `reset` restores Redis's defaults, so no run sees another's settings.
 */
export function installCjson(L: LuaState): { reset(): void } {
  const cfg = defaults();
  pushModule(L, cfg);
  lua.lua_setglobal(L, lstr("cjson"));
  return { reset: () => Object.assign(cfg, defaults()) };
}
