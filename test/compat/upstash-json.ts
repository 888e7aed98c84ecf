// Reading the gateway's Upstash REST replies (`Upstash-Encoding: base64`) back into RESP values, bytes intact.
import { ReplyError, type Reply } from "../../worker/wire/resp";

/** One `/pipeline` entry: `{result}` or `{error}`. */
export type PipelineEntry = { result: unknown } | { error: string };

/**
 * Parses JSON keeping integers beyond 2^53 exact (as bigint): Redis integers are 64-bit and a
 * float64 would hide an off-by-one at the limits.
 */
export function parseJsonExact(text: string): unknown {
  const reviver = (_key: string, value: unknown, context?: { source?: string }) =>
    typeof value === "number" && !Number.isSafeInteger(value) && context?.source && /^-?\d+$/.test(context.source)
      ? BigInt(context.source)
      : value;
  return JSON.parse(text, reviver as (key: string, value: unknown) => unknown);
}

/**
 * Decodes a base64-encoded result. Strings are base64 bytes, except a bare "OK" status, which Upstash
 * leaves raw (base64 text always has a length divisible by 4, so "OK" cannot be mistaken).
 */
export function decodeBase64Result(result: unknown): Reply {
  if (result === null) return null;
  if (typeof result === "number" || typeof result === "bigint") return result;
  if (typeof result === "string") {
    if (result === "OK") return new TextEncoder().encode("OK");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(result) || result.length % 4 !== 0) {
      throw new Error(`result string is not base64: ${JSON.stringify(result).slice(0, 200)}`);
    }
    return new Uint8Array(Buffer.from(result, "base64"));
  }
  if (Array.isArray(result)) return result.map(decodeBase64Result);
  throw new Error(`unexpected result shape: ${JSON.stringify(result)?.slice(0, 200)}`);
}

/** Without `Upstash-Encoding`, strings are text (invalid UTF-8 already replaced by U+FFFD): compared as their UTF-8 bytes. */
export function decodeTextResult(result: unknown): Reply {
  if (typeof result === "string") return new TextEncoder().encode(result);
  if (Array.isArray(result)) return result.map(decodeTextResult);
  if (result === null || typeof result === "number" || typeof result === "bigint") return result;
  throw new Error(`unexpected result shape: ${JSON.stringify(result)?.slice(0, 200)}`);
}

export type ResponseEncoding = "base64" | "text";

export function decodeEntry(entry: PipelineEntry, encoding: ResponseEncoding = "base64"): Reply {
  if (entry && typeof entry === "object" && "error" in entry) {
    if ("result" in entry) throw new Error(`pipeline entry has both error and result: ${JSON.stringify(entry)}`);
    return new ReplyError(entry.error);
  }
  if (entry && typeof entry === "object" && "result" in entry) {
    return encoding === "base64" ? decodeBase64Result(entry.result) : decodeTextResult(entry.result);
  }
  throw new Error(`malformed pipeline entry: ${JSON.stringify(entry)?.slice(0, 200)}`);
}
