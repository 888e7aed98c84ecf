// Set commands (Redis's t_set.c): all executed by the shard core; the multi-key ones run as cross-shard
// transactions when their keys span shards.
import { ALL_KEYS, type CommandSpec, FIRST_KEY, SINGLE } from "./types";

const TWO_KEYS = { kind: "range", first: 1, last: 2, step: 1 } as const;
const NUMKEYS = { kind: "numkeys", numkeysAt: 1, firstAfter: 2 } as const;

export const SETS = [
  { name: "sadd", group: "set", arity: -3, flags: ["write", "denyoom", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Add members to a set" },
  { name: "srem", group: "set", arity: -3, flags: ["write", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Remove members (the key goes with its last member)" },
  { name: "smembers", group: "set", arity: 2, flags: ["readonly"], keys: FIRST_KEY, split: SINGLE, summary: "All members" },
  { name: "sismember", group: "set", arity: 3, flags: ["readonly", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Whether a member is in the set" },
  { name: "smismember", group: "set", arity: -3, flags: ["readonly", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Whether each member is in the set" },
  { name: "scard", group: "set", arity: 2, flags: ["readonly", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Number of members" },
  { name: "spop", group: "set", arity: -2, flags: ["write", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Remove and return random members (logged as SREM of what was popped)" },
  { name: "srandmember", group: "set", arity: -2, flags: ["readonly"], keys: FIRST_KEY, split: SINGLE, summary: "Random members (count, negative count repeats)" },
  { name: "smove", group: "set", arity: 4, flags: ["write", "fast"], keys: TWO_KEYS, split: SINGLE, summary: "Move a member between sets (both keys on one shard)" },
  { name: "sinter", group: "set", arity: -2, flags: ["readonly"], keys: ALL_KEYS, split: SINGLE, summary: "Intersection (keys on one shard)" },
  { name: "sintercard", group: "set", arity: -3, flags: ["readonly"], keys: NUMKEYS, split: SINGLE, summary: "Size of the intersection (LIMIT; keys on one shard)" },
  { name: "sinterstore", group: "set", arity: -3, flags: ["write", "denyoom"], keys: ALL_KEYS, split: SINGLE, summary: "Store the intersection (keys on one shard)" },
  { name: "sunion", group: "set", arity: -2, flags: ["readonly"], keys: ALL_KEYS, split: SINGLE, summary: "Union (keys on one shard)" },
  { name: "sunionstore", group: "set", arity: -3, flags: ["write", "denyoom"], keys: ALL_KEYS, split: SINGLE, summary: "Store the union (keys on one shard)" },
  { name: "sdiff", group: "set", arity: -2, flags: ["readonly"], keys: ALL_KEYS, split: SINGLE, summary: "Difference of the first set and the rest (keys on one shard)" },
  { name: "sdiffstore", group: "set", arity: -3, flags: ["write", "denyoom"], keys: ALL_KEYS, split: SINGLE, summary: "Store the difference (keys on one shard)" },
  { name: "sscan", group: "set", arity: -3, flags: ["readonly"], keys: FIRST_KEY, split: SINGLE, summary: "Iterate members (MATCH COUNT)" },
] as const satisfies readonly CommandSpec[];
