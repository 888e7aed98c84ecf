// The shape of one command-table entry: everything the gateway derives (arity errors, keys, slots,
// cross-shard transactions, fan-out, read-only tokens, the README list) is read from these fields.

/** Redis's command flags (COMMAND INFO), the subset edgeslot's commands carry. */
export type Flag = "write" | "readonly" | "denyoom" | "fast" | "admin" | "noscript" | "loading" | "stale";

/** Where a command's keys are, as Redis's legacy key spec: `first..last` every `step`
 * (`last` negative counts from the end), or a count argument followed by that many keys. */
export type KeySpec =
  | { readonly kind: "none" }
  | { readonly kind: "range"; readonly first: number; readonly last: number; readonly step: number }
  | {
      readonly kind: "numkeys";
      readonly numkeysAt: number;
      readonly firstAfter: number;
      /** A key before the count (ZUNIONSTORE's destination): Redis's legacy first = last = it, step 1. */
      readonly destination?: number;
    };

/** How per-shard replies of a split or fanned-out command become one reply. */
export type SplitMerge = "array" | "sum" | "ok";
export type FanoutMerge = "sum" | "concat" | "ok" | "random" | "info";

/** How a command runs across shards. */
export type Split =
  /** Runs on its keys' shard, or as a cross-shard transaction when they span shards; a command
   * without keys goes to any one shard. */
  | { readonly kind: "single" }
  /** Each key group (`step` arguments) goes to its shard; replies merge in key order. */
  | { readonly kind: "perKey"; readonly merge: SplitMerge }
  /** Runs on every shard; replies merge by `merge`. */
  | { readonly kind: "fanout"; readonly merge: FanoutMerge }
  /** SCAN: the cursor names the shard and that shard's own cursor. */
  | { readonly kind: "cursor" }
  /** Routed to the owner of the hash slot given as argument `slotAt`. */
  | { readonly kind: "slot"; readonly slotAt: number }
  /** Answered by the gateway itself (a handler in worker/local). */
  | { readonly kind: "local" }
  /** MAPREDUCE: every shard (or a tagged MATCH's owner) in rounds, partials folded at the gateway. */
  | { readonly kind: "compute" }
  /** A container (`cluster`): only its `container|sub` entries execute. */
  | { readonly kind: "container" };

export type Group = "string" | "bitmap" | "hyperloglog" | "hash" | "list" | "set" | "zset" | "keyspace" | "scripting" | "server" | "connection" | "cluster" | "compute";

export interface CommandSpec {
  /** Lower case; a subcommand is `container|sub`, as Redis 7 names it. */
  readonly name: string;
  readonly group: Group;
  /** Redis's rule, counting the name (and a subcommand's container): n exact, -n at least n. */
  readonly arity: number;
  readonly flags: readonly Flag[];
  readonly keys: KeySpec;
  readonly split: Split;
  /** One line for the README list. */
  readonly summary: string;
}

/** Shorthands the family files share, so each entry reads as one line of data. */
export const NO_KEYS = { kind: "none" } as const;
export const FIRST_KEY = { kind: "range", first: 1, last: 1, step: 1 } as const;
export const ALL_KEYS = { kind: "range", first: 1, last: -1, step: 1 } as const;
export const SINGLE = { kind: "single" } as const;
