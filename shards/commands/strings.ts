// String commands (Redis's t_string.c): all executed by the shard core; MGET and MSET split per shard.
import { type CommandSpec, FIRST_KEY, SINGLE } from "./types";

const KEY_VALUE_PAIRS = { kind: "range", first: 1, last: -1, step: 2 } as const;

export const STRINGS = [
  { name: "get", group: "string", arity: 2, flags: ["readonly", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Get the value of a key" },
  { name: "set", group: "string", arity: -3, flags: ["write", "denyoom"], keys: FIRST_KEY, split: SINGLE, summary: "Set a key (EX PX EXAT PXAT NX XX KEEPTTL GET)" },
  { name: "setnx", group: "string", arity: 3, flags: ["write", "denyoom", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Set a key only if it does not exist" },
  { name: "setex", group: "string", arity: 4, flags: ["write", "denyoom"], keys: FIRST_KEY, split: SINGLE, summary: "Set a key with an expiry in seconds" },
  { name: "psetex", group: "string", arity: 4, flags: ["write", "denyoom"], keys: FIRST_KEY, split: SINGLE, summary: "Set a key with an expiry in milliseconds" },
  { name: "getset", group: "string", arity: 3, flags: ["write", "denyoom", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Set a key and return its old value" },
  { name: "getdel", group: "string", arity: 2, flags: ["write", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Get a key and delete it" },
  { name: "getex", group: "string", arity: -2, flags: ["write", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Get a key and set or clear its expiry" },
  { name: "mget", group: "string", arity: -2, flags: ["readonly", "fast"], keys: { kind: "range", first: 1, last: -1, step: 1 }, split: { kind: "perKey", merge: "array" }, summary: "Get several keys (split per shard)" },
  // A split MSET is atomic per shard only: another client can see some shards' keys set and not others'.
  { name: "mset", group: "string", arity: -3, flags: ["write", "denyoom"], keys: KEY_VALUE_PAIRS, split: SINGLE, summary: "Set several keys (atomic, across shards too)" },
  // MSETNX must decide for all keys at once, so it stays on one shard until cross-shard transactions exist.
  { name: "msetnx", group: "string", arity: -3, flags: ["write", "denyoom"], keys: KEY_VALUE_PAIRS, split: SINGLE, summary: "Set several keys if none exists (one shard)" },
  { name: "append", group: "string", arity: 3, flags: ["write", "denyoom", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Append to a value" },
  { name: "strlen", group: "string", arity: 2, flags: ["readonly", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Length of a value" },
  { name: "incr", group: "string", arity: 2, flags: ["write", "denyoom", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Increment an integer by one" },
  { name: "decr", group: "string", arity: 2, flags: ["write", "denyoom", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Decrement an integer by one" },
  { name: "incrby", group: "string", arity: 3, flags: ["write", "denyoom", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Increment an integer" },
  { name: "decrby", group: "string", arity: 3, flags: ["write", "denyoom", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Decrement an integer" },
  { name: "incrbyfloat", group: "string", arity: 3, flags: ["write", "denyoom", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Increment a float" },
  { name: "getrange", group: "string", arity: 4, flags: ["readonly"], keys: FIRST_KEY, split: SINGLE, summary: "Substring of a value" },
  { name: "setrange", group: "string", arity: 4, flags: ["write", "denyoom"], keys: FIRST_KEY, split: SINGLE, summary: "Overwrite part of a value" },
] as const satisfies readonly CommandSpec[];
