// Comparing one command's replies from redis-server and edgeslot: exact bytes unless differences.ts says otherwise.
import { encodeReply, ReplyError, Status, type Reply } from "../../worker/wire/resp";
import type { CompareRule } from "./differences";
import { canonicalJson, canonicalMsgpack } from "./lua-table-order";

/** A printable form of a reply for failure messages (long bulks are shortened). */
export function renderReply(reply: Reply, limit = 80): string {
  if (reply === null) return "(nil)";
  if (reply === undefined) return "(missing)";
  if (reply instanceof Uint8Array) return quote(reply, limit);
  if (typeof reply === "number" || typeof reply === "bigint") return `(integer) ${reply}`;
  if (reply instanceof Status) return `+${reply.text}`;
  if (reply instanceof ReplyError) return `(error) ${reply.message}`;
  return `[${reply.map((item) => renderReply(item, limit)).join(", ")}]`;
}

/** Quotes bytes like redis-cli does: printable ASCII as is, everything else as \xNN. */
export function quote(bytes: Uint8Array | string, limit = 80): string {
  const data = typeof bytes === "string" ? Buffer.from(bytes, "latin1") : bytes;
  let out = "";
  for (const byte of data.subarray(0, limit)) {
    if (byte === 0x22 || byte === 0x5c) out += "\\" + String.fromCharCode(byte);
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += "\\x" + byte.toString(16).padStart(2, "0");
  }
  return `"${out}${data.length > limit ? `…(${data.length} bytes)` : ""}"`;
}

export function renderCommand(args: readonly string[]): string {
  return args.map((arg) => (/^[\x21-\x7e]*$/.test(arg) && arg !== "" && arg.length <= 60 ? arg : quote(arg, 60))).join(" ");
}

function sameBytes(a: Reply, b: Reply): boolean {
  return Buffer.from(encodeReply(a)).equals(Buffer.from(encodeReply(b)));
}

/**
 * Over HTTP, status and bulk replies are both JSON strings: the oracle's statuses become bulk bytes
 * so the two compare on what a client can see.
 */
export function asJsonView(reply: Reply): Reply {
  if (reply instanceof Status) return new TextEncoder().encode(reply.text);
  if (Array.isArray(reply)) return reply.map(asJsonView);
  return reply;
}

/** Without base64, the gateway sends text: the oracle's bytes as a UTF-8 decoder (U+FFFD for invalid bytes) reads them. */
export function asTextJsonView(reply: Reply): Reply {
  const view = asJsonView(reply);
  if (view instanceof Uint8Array) return new TextEncoder().encode(new TextDecoder().decode(view));
  if (Array.isArray(view)) return view.map(asTextJsonView);
  return view;
}

/** True when the replies match under the rule (or exactly, with no rule). */
export function repliesMatch(expected: Reply, actual: Reply, rule: CompareRule | undefined): boolean {
  if (actual === undefined) return false;
  if (rule?.kind === "unordered" && Array.isArray(expected) && Array.isArray(actual)) {
    const sort = (items: Reply[]) => items.map((item) => Buffer.from(encodeReply(item)).toString("latin1")).sort();
    const a = sort(expected);
    const b = sort(actual);
    return a.length === b.length && a.every((item, i) => item === b[i]);
  }
  if (rule?.kind === "unordered-pairs" && Array.isArray(expected) && Array.isArray(actual) && expected.length % 2 === 0) {
    const pairs = (items: Reply[]) => {
      const out: string[] = [];
      for (let i = 0; i < items.length; i += 2) out.push(Buffer.from(encodeReply([items[i]!, items[i + 1]!])).toString("latin1"));
      return out.sort();
    };
    const a = pairs(expected);
    const b = pairs(actual);
    return a.length === b.length && a.every((item, i) => item === b[i]);
  }
  if (rule?.kind === "clock-tolerance" && isInteger(expected) && isInteger(actual)) {
    const e = Number(expected);
    const a = Number(actual);
    if (e < 0 || a < 0) return e === a;
    return Math.abs(e - a) <= rule.tolerance;
  }
  if (rule?.kind === "presence" && expected instanceof Uint8Array && actual instanceof Uint8Array) return true;
  if (rule?.kind === "lua-table-order") return sameUpToTableOrder(expected, actual);
  if (rule?.kind === "nan-quiet-bit") return sameUpToNanQuietBit(expected, actual);
  if (rule?.kind === "embstr-reads-int" && expected instanceof Uint8Array && actual instanceof Uint8Array) {
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    if (text(expected) === "embstr" && text(actual) === "int") return true;
  }
  return sameBytes(expected, actual);
}

function sameUpToNanQuietBit(expected: Reply, actual: Reply): boolean {
  if (Array.isArray(expected) && Array.isArray(actual)) {
    return expected.length === actual.length && expected.every((item, i) => sameUpToNanQuietBit(item, actual[i]!));
  }
  if (sameBytes(expected, actual)) return true;
  if (!(expected instanceof Uint8Array && actual instanceof Uint8Array) || expected.length !== 8 || actual.length !== 8) return false;
  // Big-endian (struct.pack('>d')) or little-endian: the quiet bit is bit 3 of the byte after the sign/exponent byte.
  return [false, true].some((little) => {
    const bytes = (b: Uint8Array) => (little ? [...b].reverse() : [...b]);
    const [e, a] = [bytes(expected), bytes(actual)];
    const isNan = (b: number[]) => (b[0]! & 0x7f) === 0x7f && (b[1]! & 0xf0) === 0xf0 && (b.slice(1).some((x, i) => (i === 0 ? x & 0x0f : x) !== 0));
    return isNan(e) && isNan(a) && e.every((byte, i) => (i === 1 ? (byte | 0x08) === (a[i]! | 0x08) : byte === a[i]));
  });
}

/** Equal, or bulk strings whose cjson or cmsgpack forms differ only in the order of object/map entries. */
function sameUpToTableOrder(expected: Reply, actual: Reply): boolean {
  if (Array.isArray(expected) && Array.isArray(actual)) {
    return expected.length === actual.length && expected.every((item, i) => sameUpToTableOrder(item, actual[i]!));
  }
  if (sameBytes(expected, actual)) return true;
  // A table with several faults (too deep, too sparse, a bad key or value): the walk order decides
  // which one the encoder meets first. Both must still refuse it, at the same script line.
  if (expected instanceof ReplyError && actual instanceof ReplyError) return sameEncodeRefusal(expected.message, actual.message);
  if (!(expected instanceof Uint8Array && actual instanceof Uint8Array) || expected.length !== actual.length) return false;
  const json = canonicalJson(expected);
  if (json !== null && json === canonicalJson(actual)) return true;
  const msgpack = canonicalMsgpack(expected);
  return msgpack !== null && msgpack === canonicalMsgpack(actual);
}

function sameEncodeRefusal(expected: string, actual: string): boolean {
  const shape = /^(ERR user_script:\d+: )Cannot serialise.*( script: [0-9a-f]{40}, on @user_script:\d+\.)$/;
  const [a, b] = [shape.exec(expected), shape.exec(actual)];
  return a !== null && b !== null && a[1] === b[1] && a[2] === b[2];
}

function isInteger(reply: Reply): reply is number | bigint {
  return typeof reply === "number" || typeof reply === "bigint";
}
