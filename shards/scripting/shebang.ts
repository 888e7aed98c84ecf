// A script's `#!lua flags=…` first line, read as Redis 7.0's evalExtractShebangFlags reads it (the line
// split like sdssplitargs, each option `flags=` with comma-separated names), plus Upstash's
// `allow-key-locking`. Error texts are redis-server 7.0.15's.
import { ReplyError } from "../../worker/wire/resp";

export interface ScriptFlags {
  /** False for a script without `#!`: Redis's EVAL compatibility mode, where no flag applies. */
  readonly shebang: boolean;
  readonly noWrites: boolean;
  readonly allowOom: boolean;
  readonly allowStale: boolean;
  readonly noCluster: boolean;
  readonly allowCrossSlotKeys: boolean;
  /** Upstash's promise that the script touches only the keys it declares. */
  readonly allowKeyLocking: boolean;
}

export interface Shebang {
  readonly flags: ScriptFlags;
  /** Where the Lua code starts: at the shebang line's newline, so line numbers stay the user's. */
  readonly codeStart: number;
}

const NO_FLAGS: ScriptFlags = {
  shebang: false,
  noWrites: false,
  allowOom: false,
  allowStale: false,
  noCluster: false,
  allowCrossSlotKeys: false,
  allowKeyLocking: false,
};

const FLAG_NAMES = {
  "no-writes": "noWrites",
  "allow-oom": "allowOom",
  "allow-stale": "allowStale",
  "no-cluster": "noCluster",
  "allow-cross-slot-keys": "allowCrossSlotKeys",
  "allow-key-locking": "allowKeyLocking",
} as const satisfies Record<string, Exclude<keyof ScriptFlags, "shebang">>;

const decoder = new TextDecoder();
const HASH = 0x23;
const BANG = 0x21;
const NEWLINE = 0x0a;

/** The flags a script declares, or the error EVAL and SCRIPT LOAD answer for its shebang. */
export function parseShebang(body: Uint8Array): Shebang | ReplyError {
  if (body.length < 2 || body[0] !== HASH || body[1] !== BANG) return { flags: NO_FLAGS, codeStart: 0 };
  const end = body.indexOf(NEWLINE);
  if (end < 0) return new ReplyError("ERR Invalid script shebang");
  const parts = splitArgs(decoder.decode(body.subarray(0, end)));
  if (parts === null || parts.length === 0) return new ReplyError("ERR Invalid engine in script shebang");
  if (parts[0] !== "#!lua") return new ReplyError(`ERR Unexpected engine in script shebang: ${parts[0]}`);
  const flags: { -readonly [K in keyof ScriptFlags]: boolean } = { ...NO_FLAGS, shebang: true };
  for (const part of parts.slice(1)) {
    if (!part.startsWith("flags=")) return new ReplyError(`ERR Unknown lua shebang option: ${part}`);
    const list = part.slice("flags=".length);
    // sdssplitlen: an empty list names no flag, but an empty name between commas is an unknown flag.
    for (const name of list === "" ? [] : list.split(",")) {
      if (!Object.hasOwn(FLAG_NAMES, name)) return new ReplyError(`ERR Unexpected flag in script shebang: ${name}`);
      flags[FLAG_NAMES[name as keyof typeof FLAG_NAMES]] = true;
    }
  }
  return { flags, codeStart: end };
}

const SPACE = /[ \n\r\t\v\f]/;
const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", b: "\b", a: "\x07" };

/**
 * Redis's sdssplitargs: words split on spaces; double quotes (anywhere in a word) take \n \r \t \b
 * \a \xHH escapes, single quotes only \'; a closing quote must end the word. Null when unbalanced.
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    while (i < line.length && SPACE.test(line[i]!)) i++;
    if (i >= line.length) return out;
    let word = "";
    let quote: '"' | "'" | null = null;
    for (;;) {
      const c = line[i];
      if (quote === '"') {
        if (c === undefined) return null;
        if (c === "\\" && line[i + 1] === "x" && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
          word += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === "\\" && i + 1 < line.length) {
          i++;
          word += ESCAPES[line[i]!] ?? line[i];
        } else if (c === '"') {
          if (i + 1 < line.length && !SPACE.test(line[i + 1]!)) return null;
          quote = null;
        } else word += c;
      } else if (quote === "'") {
        if (c === undefined) return null;
        if (c === "\\" && line[i + 1] === "'") {
          i++;
          word += "'";
        } else if (c === "'") {
          if (i + 1 < line.length && !SPACE.test(line[i + 1]!)) return null;
          quote = null;
        } else word += c;
      } else {
        if (c === undefined || SPACE.test(c)) break;
        if (c === '"' || c === "'") quote = c;
        else word += c;
      }
      i++;
    }
    out.push(word);
  }
}
