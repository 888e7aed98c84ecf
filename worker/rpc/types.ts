// What a consumer Worker sees through a service binding to the gateway's entrypoints: argument and
// result types, and the binding's methods as a plain interface (Service<EdgeslotRpc> expands too
// deeply for TypeScript to check comfortably). Types only, so clients can import it anywhere.
import type { Result } from "../wire/values";

export type { Result, Value } from "../wire/values";

/** An argument as a caller passes it: text (UTF-8), a number (its decimal text), or raw bytes. */
export type Argument = string | number | bigint | Uint8Array;

export interface CallOptions {
  /** Bulk strings come back as Uint8Array instead of UTF-8 text (invalid UTF-8 → U+FFFD). */
  readonly binary?: boolean;
  /**
   * `replica`: read-only commands run on a shard's replica when EDGESLOT_REPLICAS > 0 (as the HTTP
   * header `upstash-read-from: replica`). A binding carries no sync token, so such a read may miss
   * writes the replica has not applied yet.
   */
  readonly readFrom?: "primary" | "replica";
}

/** A request refused as a whole (malformed, too large, or a discarded transaction). */
export type Refused = { error: string; result?: undefined };

/** `env.EDGESLOT` for a binding to EdgeslotRpc or EdgeslotReadOnlyRpc. Redis errors are values
 * (`{error}`), as in the HTTP API's bodies; nothing is thrown for them. */
export interface EdgeslotBinding {
  exec(command: Argument[], options?: CallOptions): Promise<Result>;
  pipeline(commands: Argument[][], options?: CallOptions): Promise<Result[] | Refused>;
  multiExec(commands: Argument[][], options?: CallOptions): Promise<Result[] | Refused>;
}
