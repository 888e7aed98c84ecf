// Test client for the gateway over HTTP inside workerd: SELF.fetch with wrangler.toml's vars, or the
// Worker's default export with overridden vars (read-only token, limits, no token at all).
import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { beforeEach } from "vitest";
import worker from "../../worker/index";

export const TOKEN = "edgeslot-dev-token";
export const READONLY_TOKEN = "edgeslot-readonly-test-token";
export const BASE = "http://gateway.test:8787";

export interface CallOptions {
  token?: string | null;
  base64?: boolean;
  vars?: Partial<Env>;
  headers?: Record<string, string>;
  method?: string;
}

export interface Answer {
  status: number;
  headers: Headers;
  // The parsed JSON body: {result}/{error} or an array of them.
  json: any;
  /** The body as sent (JSON.parse rounds integers beyond 2^53). */
  text: string;
}

export async function fetchGateway(request: Request, vars?: Partial<Env>): Promise<Response> {
  if (!vars) return SELF.fetch(request);
  const ctx = createExecutionContext();
  const response = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

export async function request(path: string, body: BodyInit | undefined, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? TOKEN : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (options.base64) headers["upstash-encoding"] = "base64";
  const response = await fetchGateway(
    new Request(`${BASE}${path}`, { method: options.method ?? (body === undefined ? "GET" : "POST"), headers, body }),
    options.vars,
  );
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined, text };
}

export type Arg = string | number;

/** `POST /` with one command. */
export const call = (args: Arg[], options?: CallOptions) => request("/", JSON.stringify(args), options);
/** `POST /pipeline`. */
export const pipeline = (commands: Arg[][], options?: CallOptions) => request("/pipeline", JSON.stringify(commands), options);
/** `POST /multi-exec`. */
export const multiExec = (commands: Arg[][], options?: CallOptions) => request("/multi-exec", JSON.stringify(commands), options);

/** The result of one command, failing the test on an error reply. */
export async function result(args: Arg[], options?: CallOptions): Promise<any> {
  const answer = await call(args, options);
  if (answer.status !== 200) throw new Error(`${JSON.stringify(args)} → ${answer.status} ${JSON.stringify(answer.json)}`);
  return answer.json.result;
}

/** The error text of one command (asserting it failed with 400). */
export async function error(args: Arg[], options?: CallOptions): Promise<string> {
  const answer = await call(args, options);
  if (answer.status !== 400 || typeof answer.json?.error !== "string") {
    throw new Error(`${JSON.stringify(args)} expected an error → ${answer.status} ${JSON.stringify(answer.json)}`);
  }
  return answer.json.error;
}

/** Keys landing on each of the 4 default shards, found by asking the gateway's CLUSTER KEYSLOT. */
export async function keysOnShards(prefix = "k"): Promise<string[]> {
  const found: string[] = [];
  for (let i = 0; found.filter(Boolean).length < 4; i++) {
    const key = `${prefix}${i}`;
    const slot: number = await result(["CLUSTER", "KEYSLOT", key]);
    const shard = Math.floor(slot / 4096);
    found[shard] ??= key;
  }
  return found;
}

/** Starts every test of the calling file on an empty store. The plugin isolates storage per test, but
 * a shard's keyspace lives in its core's memory, which survives the storage reset while the object
 * stays alive; FLUSHALL through the gateway empties both. */
export function useEmptyStore(): void {
  beforeEach(async () => {
    const answer = await call(["FLUSHALL"]);
    if (answer.status !== 200) throw new Error(`FLUSHALL before the test failed: ${answer.text}`);
  });
}
