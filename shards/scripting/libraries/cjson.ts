// The `cjson` library scripts get in Redis 7.0: Lua CJSON 2.1.0 (Mark Pulford) with Redis's defaults,
// on Lua 5.1 doubles. JSON null is a NULL lightuserdata (cjson.null), as in Redis.
import { argError, ByteBuffer, checkBytes, checkInteger, fengari, forEachEntry, type LuaState, lstr, MAX_JS_NESTING, pushBytes, raise, setFunction, setString, typeName } from "./c-api";
import { formatG, strtod } from "./c-number-format";

const { lua } = fengari;
const INT_MAX = 2147483647;

interface Config {
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

const defaults = (): Config => ({
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

function appendNumber(L: LuaState, cfg: Config, out: ByteBuffer, index: number): void {
  const n = lua.lua_tonumber(L, index);
  if (cfg.encodeInvalidNumbers === 0) {
    if (!Number.isFinite(n)) encodeException(L, index, "must not be NaN or Inf");
  } else if (cfg.encodeInvalidNumbers === 1) {
    if (Number.isNaN(n)) return out.ascii("nan");
  } else if (!Number.isFinite(n)) return out.ascii("null");
  out.ascii(formatG(n, cfg.precision));
}

/** lua_array_length: the largest key of a table whose keys are all positive integers, else -1. */
function arrayLength(L: LuaState, cfg: Config): number {
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
function appendValue(L: LuaState, cfg: Config, depth: number, out: ByteBuffer): void {
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

function encode(L: LuaState, cfg: Config): number {
  if (lua.lua_gettop(L) !== 1) argError(L, 1, "expected 1 argument");
  const out = new ByteBuffer();
  appendValue(L, cfg, 0, out);
  pushBytes(L, out.result());
  return 1;
}

// ===== Decoding =====

const enum T {
  ObjBegin,
  ObjEnd,
  ArrBegin,
  ArrEnd,
  String,
  Number,
  Boolean,
  Null,
  Colon,
  Comma,
  End,
  Whitespace,
  Error,
  Unknown,
}
const TOKEN_NAMES = ["T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END", "T_STRING", "T_NUMBER", "T_BOOLEAN", "T_NULL", "T_COLON", "T_COMMA", "T_END", "T_WHITESPACE", "T_ERROR", "T_UNKNOWN"];

const CH2TOKEN: T[] = Array.from({ length: 256 }, (_, c) => {
  const ch = String.fromCharCode(c);
  const known: Record<string, T> = { "{": T.ObjBegin, "}": T.ObjEnd, "[": T.ArrBegin, "]": T.ArrEnd, ",": T.Comma, ":": T.Colon, "\0": T.End, " ": T.Whitespace, "\t": T.Whitespace, "\n": T.Whitespace, "\r": T.Whitespace };
  if (ch in known) return known[ch]!;
  return /[fiInNt"+\-0-9]/.test(ch) ? T.Unknown : T.Error;
});
const ESCAPE2CHAR: Record<number, number> = { 0x22: 0x22, 0x5c: 0x5c, 0x2f: 0x2f, 0x62: 8, 0x74: 9, 0x6e: 10, 0x66: 12, 0x72: 13, 0x75: 0x75 };

interface Token {
  type: T;
  index: number;
  value?: number | boolean | Uint8Array;
  error?: string;
}

class Decoder {
  ptr = 0;
  depth = 0;
  constructor(
    private readonly L: LuaState,
    private readonly cfg: Config,
    private readonly data: Uint8Array,
  ) {}

  /** C reads the JSON as a NUL-terminated string: the end, or an embedded NUL, reads as NUL. */
  private at(i: number): number {
    return i < this.data.length ? this.data[i]! : 0;
  }

  private tokenError(token: Token, error: string): void {
    token.type = T.Error;
    token.index = this.ptr;
    token.error = error;
  }

  private startsWith(word: string): boolean {
    for (let i = 0; i < word.length; i++) if (this.at(this.ptr + i) !== word.charCodeAt(i)) return false;
    return true;
  }

  /** json_is_invalid_number: forms strtod takes that strict JSON does not (+, hex, leading zeros, inf, nan). */
  private isInvalidNumber(): boolean {
    let p = this.ptr;
    if (this.at(p) === 0x2b) return true;
    if (this.at(p) === 0x2d) p++;
    if (this.at(p) === 0x30) {
      const ch2 = this.at(p + 1);
      return (ch2 | 0x20) === 0x78 || (ch2 >= 0x30 && ch2 <= 0x39);
    }
    if (this.at(p) <= 0x39) return false;
    const word = String.fromCharCode(this.at(p), this.at(p + 1), this.at(p + 2)).toLowerCase();
    return word === "inf" || word === "nan";
  }

  private numberToken(token: Token): void {
    token.type = T.Number;
    const parsed = strtod(this.data, this.ptr);
    if (!parsed) return this.tokenError(token, "invalid number");
    token.value = parsed.value;
    this.ptr = parsed.end;
  }

  private hex4(at: number): number {
    let value = 0;
    for (let i = 0; i < 4; i++) {
      const c = this.at(at + i) | 0;
      const lower = c | 0x20;
      const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
      if (digit < 0) return -1;
      value = (value << 4) | digit;
    }
    return value;
  }

  /** json_append_unicode_escape: \uXXXX (and surrogate pairs) to UTF-8; false on a bad escape. */
  private unicodeEscape(out: ByteBuffer): boolean {
    let codepoint = this.hex4(this.ptr + 2);
    let length = 6;
    if (codepoint < 0) return false;
    if ((codepoint & 0xf800) === 0xd800) {
      if (codepoint & 0x400) return false;
      if (this.at(this.ptr + 6) !== 0x5c || this.at(this.ptr + 7) !== 0x75) return false;
      const low = this.hex4(this.ptr + 8);
      if (low < 0 || (low & 0xfc00) !== 0xdc00) return false;
      codepoint = (((codepoint & 0x3ff) << 10) | (low & 0x3ff)) + 0x10000;
      length = 12;
    }
    if (codepoint <= 0x7f) out.byte(codepoint);
    else if (codepoint <= 0x7ff) out.append([(codepoint >> 6) | 0xc0, (codepoint & 0x3f) | 0x80]);
    else if (codepoint <= 0xffff) out.append([(codepoint >> 12) | 0xe0, ((codepoint >> 6) & 0x3f) | 0x80, (codepoint & 0x3f) | 0x80]);
    else out.append([(codepoint >> 18) | 0xf0, ((codepoint >> 12) & 0x3f) | 0x80, ((codepoint >> 6) & 0x3f) | 0x80, (codepoint & 0x3f) | 0x80]);
    this.ptr += length;
    return true;
  }

  private stringToken(token: Token): void {
    this.ptr++;
    const out = new ByteBuffer();
    let ch: number;
    while ((ch = this.at(this.ptr)) !== 0x22) {
      if (ch === 0) return this.tokenError(token, "unexpected end of string");
      if (ch === 0x5c) {
        const escaped = ESCAPE2CHAR[this.at(this.ptr + 1)] ?? 0;
        if (escaped === 0x75) {
          if (this.unicodeEscape(out)) continue;
          return this.tokenError(token, "invalid unicode escape code");
        }
        if (!escaped) return this.tokenError(token, "invalid escape code");
        this.ptr++;
        ch = escaped;
      }
      out.byte(ch);
      this.ptr++;
    }
    this.ptr++;
    token.type = T.String;
    token.value = out.result();
  }

  next(): Token {
    let type: T;
    while ((type = CH2TOKEN[this.at(this.ptr)]!) === T.Whitespace) this.ptr++;
    const token: Token = { type, index: this.ptr };
    if (type === T.Error) {
      this.tokenError(token, "invalid token");
      return token;
    }
    if (type === T.End) return token;
    if (type !== T.Unknown) {
      this.ptr++;
      return token;
    }
    const ch = this.at(this.ptr);
    if (ch === 0x22) this.stringToken(token);
    else if (ch === 0x2d || (ch >= 0x30 && ch <= 0x39)) {
      if (!this.cfg.decodeInvalidNumbers && this.isInvalidNumber()) this.tokenError(token, "invalid number");
      else this.numberToken(token);
    } else if (this.startsWith("true")) {
      Object.assign(token, { type: T.Boolean, value: true });
      this.ptr += 4;
    } else if (this.startsWith("false")) {
      Object.assign(token, { type: T.Boolean, value: false });
      this.ptr += 5;
    } else if (this.startsWith("null")) {
      token.type = T.Null;
      this.ptr += 4;
    } else if (this.cfg.decodeInvalidNumbers && this.isInvalidNumber()) this.numberToken(token);
    else this.tokenError(token, "invalid token");
    return token;
  }

  throwParseError(expected: string, token: Token): never {
    const found = token.type === T.Error ? token.error! : TOKEN_NAMES[token.type]!;
    return raise(this.L, `Expected ${expected} but found ${found} at character ${token.index + 1}`);
  }

  private descend(slots: number): void {
    this.depth++;
    if (this.depth <= Math.min(this.cfg.decodeMaxDepth, MAX_JS_NESTING) && lua.lua_checkstack(this.L, slots)) return;
    raise(this.L, `Found too many nested data structures (${this.depth}) at character ${this.ptr}`);
  }

  /** Pushes the value `token` starts. */
  value(token: Token): void {
    const L = this.L;
    switch (token.type) {
      case T.String:
        return pushBytes(L, token.value as Uint8Array);
      case T.Number:
        return lua.lua_pushnumber(L, token.value as number);
      case T.Boolean:
        return lua.lua_pushboolean(L, token.value as boolean);
      case T.Null:
        return lua.lua_pushlightuserdata(L, null);
      case T.ObjBegin:
        return this.object();
      case T.ArrBegin:
        return this.array();
    }
    this.throwParseError("value", token);
  }

  private object(): void {
    const L = this.L;
    this.descend(3);
    lua.lua_newtable(L);
    let token = this.next();
    if (token.type === T.ObjEnd) {
      this.depth--;
      return;
    }
    for (;;) {
      if (token.type !== T.String) this.throwParseError("object key string", token);
      pushBytes(L, token.value as Uint8Array);
      token = this.next();
      if (token.type !== T.Colon) this.throwParseError("colon", token);
      this.value(this.next());
      lua.lua_rawset(L, -3);
      token = this.next();
      if (token.type === T.ObjEnd) {
        this.depth--;
        return;
      }
      if (token.type !== T.Comma) this.throwParseError("comma or object end", token);
      token = this.next();
    }
  }

  private array(): void {
    const L = this.L;
    this.descend(2);
    lua.lua_newtable(L);
    let token = this.next();
    if (token.type === T.ArrEnd) {
      this.depth--;
      return;
    }
    for (let i = 1; ; i++) {
      this.value(token);
      lua.lua_rawseti(L, -2, i);
      token = this.next();
      if (token.type === T.ArrEnd) {
        this.depth--;
        return;
      }
      if (token.type !== T.Comma) this.throwParseError("comma or array end", token);
      token = this.next();
    }
  }
}

function decode(L: LuaState, cfg: Config): number {
  if (lua.lua_gettop(L) !== 1) argError(L, 1, "expected 1 argument");
  const data = checkBytes(L, 1);
  // RFC 4627: only the first two bytes can tell UTF-16/32 from UTF-8.
  if (data.length >= 2 && (!data[0] || !data[1])) raise(L, "JSON parser does not support UTF-16 or UTF-32");
  const decoder = new Decoder(L, cfg, data);
  decoder.value(decoder.next());
  const token = decoder.next();
  if (token.type !== T.End) decoder.throwParseError("the end", token);
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
function pushModule(L: LuaState, cfg: Config): void {
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
