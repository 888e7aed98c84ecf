// Hash commands (Redis's t_hash.c): all executed by the shard core on the key's shard.
import { type CommandSpec, FIRST_KEY, SINGLE } from "./types";

export const HASHES = [
  { name: "hset", group: "hash", arity: -4, flags: ["write", "denyoom", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Set fields of a hash" },
  { name: "hsetnx", group: "hash", arity: 4, flags: ["write", "denyoom", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Set a field only if it does not exist" },
  { name: "hget", group: "hash", arity: 3, flags: ["readonly", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Get a field's value" },
  { name: "hmget", group: "hash", arity: -3, flags: ["readonly", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Get several fields' values" },
  { name: "hmset", group: "hash", arity: -4, flags: ["write", "denyoom", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Set fields of a hash (answers OK)" },
  { name: "hdel", group: "hash", arity: -3, flags: ["write", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Delete fields (the key goes with its last field)" },
  { name: "hexists", group: "hash", arity: 3, flags: ["readonly", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Whether a field exists" },
  { name: "hlen", group: "hash", arity: 2, flags: ["readonly", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Number of fields" },
  { name: "hkeys", group: "hash", arity: 2, flags: ["readonly"], keys: FIRST_KEY, split: SINGLE, summary: "All field names" },
  { name: "hvals", group: "hash", arity: 2, flags: ["readonly"], keys: FIRST_KEY, split: SINGLE, summary: "All values" },
  { name: "hgetall", group: "hash", arity: 2, flags: ["readonly"], keys: FIRST_KEY, split: SINGLE, summary: "All fields and values" },
  { name: "hincrby", group: "hash", arity: 4, flags: ["write", "denyoom", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Increment a field's integer" },
  { name: "hincrbyfloat", group: "hash", arity: 4, flags: ["write", "denyoom", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Increment a field's float (logged as HSET of the result)" },
  { name: "hstrlen", group: "hash", arity: 3, flags: ["readonly", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Length of a field's value" },
  { name: "hrandfield", group: "hash", arity: -2, flags: ["readonly"], keys: FIRST_KEY, split: SINGLE, summary: "Random fields (count, negative count, WITHVALUES)" },
  { name: "hscan", group: "hash", arity: -3, flags: ["readonly"], keys: FIRST_KEY, split: SINGLE, summary: "Iterate fields (MATCH COUNT)" },
] as const satisfies readonly CommandSpec[];
