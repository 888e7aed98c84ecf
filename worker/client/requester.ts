// @upstash/redis over a service binding: a Requester (`new Redis(bindingRequester(env.EDGESLOT))`)
// that maps the client's REST requests onto the gateway's RPC entrypoint instead of HTTP.
import type { Argument, EdgeslotBinding, Result } from "../rpc/types";

/** What @upstash/redis hands its Requester (a structural copy of its `UpstashRequest`, so this
 * module needs no runtime or type dependency on the client package). */
export interface UpstashRequestLike {
  path?: string[];
  body?: unknown;
  headers?: Record<string, string>;
  upstashSyncToken?: string;
}

export type UpstashResponseLike<TResult> = { result?: TResult; error?: string };

export interface BindingRequester {
  readYourWrites?: boolean;
  upstashSyncToken?: string;
  request<TResult = unknown>(req: UpstashRequestLike): Promise<UpstashResponseLike<TResult>>;
}

/** Integers beyond 2^53 arrive exact as bigint; the client expects what its JSON parse would give. */
function asJsonValue(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map(asJsonValue);
  return value;
}

function asResponse<TResult>(entry: Result): UpstashResponseLike<TResult> {
  return entry.error !== undefined ? { error: entry.error } : { result: asJsonValue(entry.result) as TResult };
}

/** A request refused as a whole is an HTTP 4xx for the REST client, which throws: so do we. */
function entries<TResult>(answer: Result[] | { error: string }): UpstashResponseLike<TResult>[] {
  if (!Array.isArray(answer)) throw new Error(answer.error);
  return answer.map((entry) => asResponse<TResult>(entry));
}

/**
 * The binding answers with plain values (no base64: that exists only to carry bytes through JSON),
 * and each call returns after its writes are committed, so read-your-writes holds without a sync
 * token; `upstashSyncToken` is kept only because the client reads and writes it.
 */
export function bindingRequester(binding: EdgeslotBinding): BindingRequester {
  return {
    readYourWrites: true,
    upstashSyncToken: "",
    async request<TResult>(req: UpstashRequestLike): Promise<UpstashResponseLike<TResult>> {
      const path = req.path ?? [];
      const body = req.body as Argument[] & Argument[][];
      if (path.length === 0) return asResponse<TResult>(await binding.exec(body));
      if (path.length === 1 && path[0] === "pipeline") return entries<TResult>(await binding.pipeline(body)) as UpstashResponseLike<TResult>;
      if (path.length === 1 && path[0] === "multi-exec") return entries<TResult>(await binding.multiExec(body)) as UpstashResponseLike<TResult>;
      throw new Error(`edgeslot's service binding does not serve /${path.join("/")} (only commands, pipeline and multi-exec)`);
    },
  };
}
