// cjson.decode: Lua CJSON 2.1.0's tokenizer and parser, its error texts and positions included. The
// input reads as C reads it, NUL-terminated; numbers go through strtod.
import { argError, ByteBuffer, checkBytes, fengari, type LuaState, MAX_JS_NESTING, pushBytes, raise } from "./c-api";
import { strtod } from "./c-number-format";
import type { CjsonConfig } from "./cjson";

const { lua } = fengari;
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
    private readonly cfg: CjsonConfig,
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

export function decode(L: LuaState, cfg: CjsonConfig): number {
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
