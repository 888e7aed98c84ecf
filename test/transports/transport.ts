// One client interface over the gateway's two transports, so a behaviour suite runs unchanged over
// HTTP (`POST /`, `/pipeline`, `/multi-exec`) and over the service binding's RPC entrypoints.
import { beforeEach } from "vitest";
import type { EdgeslotBinding } from "../../worker/rpc";
import { type Arg, call, type CallOptions, multiExec, pipeline, READONLY_TOKEN, request } from "../worker/gateway";

/** One command's outcome: the Upstash `{result}` / `{error}` shape both transports answer. */
export type Entry = { result?: any; error?: string };

export interface Transport {
  readonly name: string;
  exec(command: Arg[]): Promise<Entry>;
  /** One entry per command, or one `{error}` for a request refused as a whole. */
  pipeline(commands: Arg[][]): Promise<Entry[] | Entry>;
  multiExec(commands: Arg[][]): Promise<Entry[] | Entry>;
  /** One command with byte arguments, bulk replies as bytes (binary-safe both ways). */
  execBytes(command: (Arg | Uint8Array)[]): Promise<Entry>;
}

const bytesOf = (arg: Arg | Uint8Array) => (arg instanceof Uint8Array ? arg : new TextEncoder().encode(String(arg)));
const percentEncoded = (bytes: Uint8Array) => Array.from(bytes, (b) => `%${b.toString(16).padStart(2, "0")}`).join("");
const base64Bytes = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const bytesIn = (value: unknown): unknown =>
  typeof value === "string" ? base64Bytes(value) : Array.isArray(value) ? value.map(bytesIn) : value;

export function httpTransport(options: CallOptions = {}): Transport {
  return {
    name: options.token === READONLY_TOKEN ? "HTTP, read-only token" : "HTTP",
    exec: async (command) => (await call(command, options)).json,
    pipeline: async (commands) => (await pipeline(commands, options)).json,
    multiExec: async (commands) => (await multiExec(commands, options)).json,
    // Path style: every argument percent-encoded as bytes; replies base64 (Upstash-Encoding).
    async execBytes(command) {
      const path = `/${command.map((arg) => percentEncoded(bytesOf(arg))).join("/")}`;
      const entry: Entry = (await request(path, undefined, { ...options, base64: true })).json;
      return "result" in entry ? { result: bytesIn(entry.result) } : entry;
    },
  };
}

/** The HTTP gateway with a read-only token configured and presented. */
export const httpReadOnly = () =>
  httpTransport({ token: READONLY_TOKEN, vars: { EDGESLOT_READONLY_TOKEN: READONLY_TOKEN } });

export function bindingTransport(name: string, binding: EdgeslotBinding): Transport {
  return {
    name,
    exec: (command) => binding.exec(command),
    pipeline: (commands) => binding.pipeline(commands),
    multiExec: (commands) => binding.multiExec(commands),
    execBytes: (command) => binding.exec(command, { binary: true }),
  };
}

/** The helpers the suites use, over one transport. */
export interface Client extends Transport {
  /** The result of one command, failing the test on an error reply. */
  result(command: Arg[]): Promise<any>;
  /** The error text of one command, failing the test when it succeeds. */
  error(command: Arg[]): Promise<string>;
  /** A key on each of the 4 default shards, found with CLUSTER KEYSLOT. */
  keysOnShards(prefix?: string): Promise<string[]>;
}

export function client(transport: Transport): Client {
  const result = async (command: Arg[]) => {
    const entry = await transport.exec(command);
    if (entry.error !== undefined || !("result" in entry)) throw new Error(`${JSON.stringify(command)} → ${JSON.stringify(entry)}`);
    return entry.result;
  };
  return {
    name: transport.name,
    exec: (command) => transport.exec(command),
    pipeline: (commands) => transport.pipeline(commands),
    multiExec: (commands) => transport.multiExec(commands),
    execBytes: (command) => transport.execBytes(command),
    result,
    async error(command) {
      const entry = await transport.exec(command);
      if (typeof entry.error !== "string" || "result" in entry) throw new Error(`${JSON.stringify(command)} expected an error → ${JSON.stringify(entry)}`);
      return entry.error;
    },
    async keysOnShards(prefix = "k") {
      const found: string[] = [];
      for (let i = 0; found.filter(Boolean).length < 4; i++) {
        const key = `${prefix}${i}`;
        const slot: number = await result(["CLUSTER", "KEYSLOT", key]);
        found[Math.floor(slot / 4096)] ??= key;
      }
      return found;
    },
  };
}

/** Every test of the calling file starts on an empty store (see useEmptyStore in gateway.ts). */
export function useEmptyStoreOver(transport: Transport): void {
  beforeEach(async () => {
    const entry = await transport.exec(["FLUSHALL"]);
    if (entry.result !== "OK") throw new Error(`FLUSHALL before the test failed: ${JSON.stringify(entry)}`);
  });
}
