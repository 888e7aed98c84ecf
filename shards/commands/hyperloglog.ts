// HyperLogLog commands (Redis's hyperloglog.c) on string values: all executed by the shard core; PFCOUNT of
// several keys and PFMERGE across shards run as cross-shard transactions.
import { ALL_KEYS, type CommandSpec, FIRST_KEY, SINGLE } from "./types";

export const HYPERLOGLOGS = [
  { name: "pfadd", group: "hyperloglog", arity: -2, flags: ["write", "denyoom", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Add elements to a HyperLogLog" },
  { name: "pfcount", group: "hyperloglog", arity: -2, flags: ["readonly"], keys: ALL_KEYS, split: SINGLE, summary: "Estimated cardinality (of the union, for several keys on one shard)" },
  { name: "pfmerge", group: "hyperloglog", arity: -2, flags: ["write", "denyoom"], keys: ALL_KEYS, split: SINGLE, summary: "Merge HyperLogLogs into the first key (one shard)" },
] as const satisfies readonly CommandSpec[];
