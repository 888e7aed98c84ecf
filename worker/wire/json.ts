// Replies → Upstash JSON: `{"result":…}` / `{"error":…}`, RESP2 shapes, bigint integers written
// exactly, and `Upstash-Encoding: base64` applied to every string except "OK" and errors.
import { type Reply, ReplyError, Status } from "./resp";

const utf8 = new TextDecoder(); // not fatal: invalid UTF-8 becomes U+FFFD
const encoder = new TextEncoder();

function base64(bytes: Uint8Array): string {
  let binary = "";
  // Chunked: String.fromCharCode with a 100 MB spread would overflow the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** One reply as JSON text (not JSON.stringify: it cannot write a bigint). */
export function replyJson(reply: Reply, asBase64: boolean): string {
  if (reply === null) return "null";
  if (typeof reply === "number" || typeof reply === "bigint") return reply.toString();
  if (reply instanceof Uint8Array) return JSON.stringify(asBase64 ? base64(reply) : utf8.decode(reply));
  if (reply instanceof Status) {
    return JSON.stringify(asBase64 && reply.text !== "OK" ? base64(encoder.encode(reply.text)) : reply.text);
  }
  if (reply instanceof ReplyError) return JSON.stringify(reply.message);
  return `[${reply.map((item) => replyJson(item, asBase64)).join(",")}]`;
}

/** `{"error":…}` for an error reply, else `{"result":…}`. */
export function resultJson(reply: Reply, asBase64: boolean): string {
  return reply instanceof ReplyError ? JSON.stringify({ error: reply.message }) : `{"result":${replyJson(reply, asBase64)}}`;
}

export function errorJson(message: string): string {
  return JSON.stringify({ error: message });
}
