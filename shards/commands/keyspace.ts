// Keyspace commands (Redis's db.c and expire.c): multi-key ones split per shard, whole-keyspace ones fan out.
import { ALL_KEYS, type CommandSpec, FIRST_KEY, NO_KEYS, SINGLE } from "./types";

const SUM_PER_KEY = { kind: "perKey", merge: "sum" } as const;
const TWO_KEYS = { kind: "range", first: 1, last: 2, step: 1 } as const;

export const KEYSPACE = [
  { name: "del", group: "keyspace", arity: -2, flags: ["write"], keys: ALL_KEYS, split: SUM_PER_KEY, summary: "Delete keys (split per shard)" },
  { name: "unlink", group: "keyspace", arity: -2, flags: ["write", "fast"], keys: ALL_KEYS, split: SUM_PER_KEY, summary: "Delete keys (split per shard)" },
  { name: "exists", group: "keyspace", arity: -2, flags: ["readonly", "fast"], keys: ALL_KEYS, split: SUM_PER_KEY, summary: "Count existing keys (split per shard)" },
  { name: "touch", group: "keyspace", arity: -2, flags: ["readonly", "fast"], keys: ALL_KEYS, split: SUM_PER_KEY, summary: "Count existing keys, touching them (split per shard)" },
  { name: "object", group: "keyspace", arity: -2, flags: [], keys: NO_KEYS, split: { kind: "container" }, summary: "Object subcommands" },
  { name: "object|encoding", group: "keyspace", arity: 3, flags: ["readonly"], keys: { kind: "range", first: 2, last: 2, step: 1 }, split: SINGLE, summary: "The encoding of a key's value" },
  { name: "dump", group: "keyspace", arity: 2, flags: ["readonly"], keys: FIRST_KEY, split: SINGLE, summary: "A key's value serialized (edgeslot's versioned, checksummed payload)" },
  { name: "restore", group: "keyspace", arity: -4, flags: ["write", "denyoom"], keys: FIRST_KEY, split: SINGLE, summary: "Create a key from a DUMP payload (REPLACE ABSTTL IDLETIME FREQ)" },
  { name: "copy", group: "keyspace", arity: -3, flags: ["write", "denyoom"], keys: TWO_KEYS, split: SINGLE, summary: "Copy a value to another key on the same shard (DB 0, REPLACE)" },
  { name: "type", group: "keyspace", arity: 2, flags: ["readonly", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Type of a key" },
  { name: "expire", group: "keyspace", arity: -3, flags: ["write", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Set an expiry in seconds (NX XX GT LT)" },
  { name: "pexpire", group: "keyspace", arity: -3, flags: ["write", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Set an expiry in milliseconds (NX XX GT LT)" },
  { name: "expireat", group: "keyspace", arity: -3, flags: ["write", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Set an expiry as a Unix time in seconds" },
  { name: "pexpireat", group: "keyspace", arity: -3, flags: ["write", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Set an expiry as a Unix time in milliseconds" },
  { name: "ttl", group: "keyspace", arity: 2, flags: ["readonly", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Time to live in seconds" },
  { name: "pttl", group: "keyspace", arity: 2, flags: ["readonly", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Time to live in milliseconds" },
  { name: "expiretime", group: "keyspace", arity: 2, flags: ["readonly", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Expiry as a Unix time in seconds" },
  { name: "pexpiretime", group: "keyspace", arity: 2, flags: ["readonly", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Expiry as a Unix time in milliseconds" },
  { name: "persist", group: "keyspace", arity: 2, flags: ["write", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Remove an expiry" },
  // Both keys must be on one shard: a cross-shard move needs the two-phase protocol (later).
  { name: "rename", group: "keyspace", arity: 3, flags: ["write"], keys: TWO_KEYS, split: SINGLE, summary: "Rename a key (both keys on one shard)" },
  { name: "renamenx", group: "keyspace", arity: 3, flags: ["write", "fast"], keys: TWO_KEYS, split: SINGLE, summary: "Rename a key if the new name is free (both keys on one shard)" },
  { name: "keys", group: "keyspace", arity: 2, flags: ["readonly"], keys: NO_KEYS, split: { kind: "fanout", merge: "concat" }, summary: "Keys matching a glob (all shards)" },
  { name: "scan", group: "keyspace", arity: -2, flags: ["readonly"], keys: NO_KEYS, split: { kind: "cursor" }, summary: "Iterate keys (MATCH COUNT TYPE; the cursor walks the shards)" },
  { name: "randomkey", group: "keyspace", arity: 1, flags: ["readonly"], keys: NO_KEYS, split: { kind: "fanout", merge: "random" }, summary: "A random key (all shards)" },
  { name: "dbsize", group: "keyspace", arity: 1, flags: ["readonly", "fast"], keys: NO_KEYS, split: { kind: "fanout", merge: "sum" }, summary: "Number of keys (all shards)" },
] as const satisfies readonly CommandSpec[];
