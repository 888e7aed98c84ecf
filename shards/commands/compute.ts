// Parallel compute: MAPREDUCE runs a Lua map on every shard over its own keys (or only the owner of a
// tagged MATCH), each shard folds its values into one partial, the gateway folds the partials
// (shards/compute/).
import { type CommandSpec, NO_KEYS } from "./types";

export const COMPUTE = [
  { name: "mapreduce", group: "compute", arity: -3, flags: ["noscript"], keys: NO_KEYS, split: { kind: "compute" }, summary: "Map a Lua script over the keys of every shard, reduce per shard, then at the gateway (SUM COUNT MIN MAX AVG COLLECT TOPK GROUPBY REDUCE; MATCH TYPE COUNT WRITE CURSOR ARGS)" },
] as const satisfies readonly CommandSpec[];
