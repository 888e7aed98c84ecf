// Replies → structured values for the RPC entrypoints: the shapes of the Upstash JSON (RESP2, nil as
// null, errors as `{error}` values) without the JSON, so bytes can stay bytes and 64-bit integers
// beyond 2^53 stay exact as bigint (JSON would round them in the client's parse).
import { type Reply, ReplyError, Status } from "./resp";

export type Value = string | number | bigint | null | Uint8Array | Value[];

/** One command's outcome, as an Upstash JSON body: `{result}` or `{error}`, never both. */
export type Result<T = Value> = { result: T; error?: undefined } | { error: string; result?: undefined };

const utf8 = new TextDecoder(); // not fatal: invalid UTF-8 becomes U+FFFD, as over HTTP

/** `binary`: bulk strings as Uint8Array instead of UTF-8 text. Status replies stay text either way. */
export function replyValue(reply: Reply, binary: boolean): Value {
  if (reply === null || typeof reply === "number" || typeof reply === "bigint") return reply;
  if (reply instanceof Uint8Array) return binary ? reply : utf8.decode(reply);
  if (reply instanceof Status) return reply.text;
  // An error nested in an array reply is its text, as in the JSON encoding.
  if (reply instanceof ReplyError) return reply.message;
  return reply.map((item) => replyValue(item, binary));
}

export function replyResult(reply: Reply, binary: boolean): Result {
  return reply instanceof ReplyError ? { error: reply.message } : { result: replyValue(reply, binary) };
}
