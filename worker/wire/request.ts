// Upstash request bodies → commands: `["SET","k","v"]` for one command, `[[…],[…]]` for a pipeline or
// transaction. Strings become UTF-8 bytes; JSON numbers keep their source text (2^63-1 stays exact).
// The RPC entrypoints parse their structured arguments with the same functions (plus JS numbers,
// bigints and Uint8Array bytes, which JSON cannot carry), so both transports refuse the same shapes.
import type { Command } from "../routing/command";

/** A malformed request: answered 400 with this Redis-style message, before any shard is involved. */
export class BadRequest extends Error {}

const encoder = new TextEncoder();

/** A JSON number as written in the request. */
class JsonNumber {
  constructor(readonly source: string) {}
}

interface ReviverContext {
  source?: string;
}

function parseJson(body: Uint8Array): unknown {
  const text = new TextDecoder().decode(body);
  try {
    // The reviver's context.source (JSON.parse source text access) keeps numbers beyond 2^53 exact.
    return JSON.parse(text, function (this: unknown, _key: string, value: unknown, context?: ReviverContext) {
      return typeof value === "number" ? new JsonNumber(context?.source ?? String(value)) : value;
    } as (key: string, value: unknown) => unknown);
  } catch (error) {
    throw new BadRequest(`ERR the request body is not valid JSON: ${(error as Error).message}`);
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function toCommand(value: unknown, where: string): Command {
  if (!Array.isArray(value)) {
    throw new BadRequest(`ERR ${where} must be a JSON array of arguments such as ["SET","key","value"], not ${describe(value)}`);
  }
  if (value.length === 0) throw new BadRequest(`ERR ${where} is empty: a command needs at least its name`);
  return value.map((arg, i) => {
    if (typeof arg === "string") return encoder.encode(arg);
    if (arg instanceof JsonNumber) return encoder.encode(arg.source);
    if (arg instanceof Uint8Array) return arg;
    if (typeof arg === "bigint") return encoder.encode(arg.toString());
    if (typeof arg === "number" && Number.isFinite(arg)) return encoder.encode(String(arg));
    throw new BadRequest(`ERR argument ${i + 1} of ${where} must be a string or a number, not ${describe(arg)}`);
  });
}

/** `POST /`: one command. */
export function parseCommandBody(body: Uint8Array): Command {
  return commandFrom(parseJson(body));
}

/** `POST /pipeline` and `/multi-exec`: a non-empty array of commands. */
export function parseCommandsBody(body: Uint8Array): Command[] {
  return commandsFrom(parseJson(body));
}

/** One command from a parsed value (a JSON body, or an RPC argument). */
export function commandFrom(value: unknown): Command {
  return toCommand(value, "the command");
}

/** A non-empty array of commands from a parsed value. */
export function commandsFrom(value: unknown): Command[] {
  if (!Array.isArray(value)) {
    throw new BadRequest(`ERR the request body must be a JSON array of commands such as [["SET","k","v"],["GET","k"]], not ${describe(value)}`);
  }
  if (value.length === 0) throw new BadRequest("ERR the request body is an empty array: send at least one command");
  return value.map((command, i) => toCommand(command, `command ${i + 1}`));
}
