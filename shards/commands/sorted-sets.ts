// Sorted-set commands (Redis's t_zset.c): all executed by the shard core on the keys' shard; the
// multi-key ones (ZUNIONSTORE, ZMPOP, ...) run as cross-shard transactions when their keys span shards.
import { type CommandSpec, FIRST_KEY, SINGLE } from "./types";

/** ZUNION/ZINTER/ZDIFF/ZINTERCARD/ZMPOP: `numkeys key [key ...]` from argument 1. */
const NUMKEYS_AT_1 = { kind: "numkeys", numkeysAt: 1, firstAfter: 2 } as const;
/** ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE: the destination, then `numkeys key [key ...]`. */
const DEST_NUMKEYS = { kind: "numkeys", numkeysAt: 2, firstAfter: 3, destination: 1 } as const;
/** ZRANGESTORE dst src. */
const TWO_KEYS = { kind: "range", first: 1, last: 2, step: 1 } as const;

export const SORTED_SETS = [
  { name: "zadd", group: "zset", arity: -4, flags: ["write", "denyoom", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Add members or update scores (NX XX GT LT CH INCR)" },
  { name: "zincrby", group: "zset", arity: 4, flags: ["write", "denyoom", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Increment a member's score (logged as ZADD of the result)" },
  { name: "zrem", group: "zset", arity: -3, flags: ["write", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Remove members (the key goes with its last member)" },
  { name: "zcard", group: "zset", arity: 2, flags: ["readonly", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Number of members" },
  { name: "zscore", group: "zset", arity: 3, flags: ["readonly", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "A member's score" },
  { name: "zmscore", group: "zset", arity: -3, flags: ["readonly", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Several members' scores" },
  { name: "zrank", group: "zset", arity: 3, flags: ["readonly", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "A member's rank, lowest score first" },
  { name: "zrevrank", group: "zset", arity: 3, flags: ["readonly", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "A member's rank, highest score first" },
  { name: "zcount", group: "zset", arity: 4, flags: ["readonly", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Members within a score range" },
  { name: "zlexcount", group: "zset", arity: 4, flags: ["readonly", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Members within a lex range" },
  { name: "zrange", group: "zset", arity: -4, flags: ["readonly"], keys: FIRST_KEY, split: SINGLE, summary: "A range by rank, score or lex (BYSCORE BYLEX REV LIMIT WITHSCORES)" },
  { name: "zrangestore", group: "zset", arity: -5, flags: ["write", "denyoom"], keys: TWO_KEYS, split: SINGLE, summary: "Store a ZRANGE result in a key" },
  { name: "zrevrange", group: "zset", arity: -4, flags: ["readonly"], keys: FIRST_KEY, split: SINGLE, summary: "A range by rank, highest first" },
  { name: "zrangebyscore", group: "zset", arity: -4, flags: ["readonly"], keys: FIRST_KEY, split: SINGLE, summary: "A range by score (LIMIT WITHSCORES)" },
  { name: "zrevrangebyscore", group: "zset", arity: -4, flags: ["readonly"], keys: FIRST_KEY, split: SINGLE, summary: "A range by score, highest first" },
  { name: "zrangebylex", group: "zset", arity: -4, flags: ["readonly"], keys: FIRST_KEY, split: SINGLE, summary: "A range by member bytes (LIMIT)" },
  { name: "zrevrangebylex", group: "zset", arity: -4, flags: ["readonly"], keys: FIRST_KEY, split: SINGLE, summary: "A range by member bytes, highest first" },
  { name: "zpopmin", group: "zset", arity: -2, flags: ["write", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Remove and return the lowest members (logged as ZREM)" },
  { name: "zpopmax", group: "zset", arity: -2, flags: ["write", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Remove and return the highest members (logged as ZREM)" },
  { name: "zmpop", group: "zset", arity: -4, flags: ["write"], keys: NUMKEYS_AT_1, split: SINGLE, summary: "Pop from the first non-empty set (MIN|MAX COUNT)" },
  { name: "zrandmember", group: "zset", arity: -2, flags: ["readonly"], keys: FIRST_KEY, split: SINGLE, summary: "Random members (count, negative count, WITHSCORES)" },
  { name: "zremrangebyrank", group: "zset", arity: 4, flags: ["write"], keys: FIRST_KEY, split: SINGLE, summary: "Remove a range by rank" },
  { name: "zremrangebyscore", group: "zset", arity: 4, flags: ["write"], keys: FIRST_KEY, split: SINGLE, summary: "Remove a range by score" },
  { name: "zremrangebylex", group: "zset", arity: 4, flags: ["write"], keys: FIRST_KEY, split: SINGLE, summary: "Remove a range by member bytes" },
  { name: "zunion", group: "zset", arity: -3, flags: ["readonly"], keys: NUMKEYS_AT_1, split: SINGLE, summary: "Union of sorted sets (WEIGHTS AGGREGATE WITHSCORES)" },
  { name: "zinter", group: "zset", arity: -3, flags: ["readonly"], keys: NUMKEYS_AT_1, split: SINGLE, summary: "Intersection of sorted sets (WEIGHTS AGGREGATE WITHSCORES)" },
  { name: "zdiff", group: "zset", arity: -3, flags: ["readonly"], keys: NUMKEYS_AT_1, split: SINGLE, summary: "Members of the first set in none of the others (WITHSCORES)" },
  { name: "zintercard", group: "zset", arity: -3, flags: ["readonly"], keys: NUMKEYS_AT_1, split: SINGLE, summary: "Size of an intersection (LIMIT)" },
  { name: "zunionstore", group: "zset", arity: -4, flags: ["write", "denyoom"], keys: DEST_NUMKEYS, split: SINGLE, summary: "Store a union (WEIGHTS AGGREGATE)" },
  { name: "zinterstore", group: "zset", arity: -4, flags: ["write", "denyoom"], keys: DEST_NUMKEYS, split: SINGLE, summary: "Store an intersection (WEIGHTS AGGREGATE)" },
  { name: "zdiffstore", group: "zset", arity: -4, flags: ["write", "denyoom"], keys: DEST_NUMKEYS, split: SINGLE, summary: "Store a difference" },
  { name: "zscan", group: "zset", arity: -3, flags: ["readonly"], keys: FIRST_KEY, split: SINGLE, summary: "Iterate members and scores (MATCH COUNT)" },
] as const satisfies readonly CommandSpec[];
