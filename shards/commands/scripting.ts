// Scripting: EVAL and friends run inside the shard owning their declared keys (or, when those span
// shards, as a cross-shard transaction); SCRIPT LOAD/FLUSH reach every shard so EVALSHA
// finds its script wherever its keys route.
import { type CommandSpec, NO_KEYS, SINGLE } from "./types";

const SCRIPT_KEYS = { kind: "numkeys", numkeysAt: 2, firstAfter: 3 } as const;

export const SCRIPTING = [
  { name: "eval", group: "scripting", arity: -3, flags: ["noscript", "stale"], keys: SCRIPT_KEYS, split: SINGLE, summary: "Run a Lua script atomically on its keys (one shard, or across shards)" },
  { name: "eval_ro", group: "scripting", arity: -3, flags: ["readonly", "noscript", "stale"], keys: SCRIPT_KEYS, split: SINGLE, summary: "Run a read-only Lua script" },
  { name: "evalsha", group: "scripting", arity: -3, flags: ["noscript", "stale"], keys: SCRIPT_KEYS, split: SINGLE, summary: "Run a cached script by its SHA1" },
  { name: "evalsha_ro", group: "scripting", arity: -3, flags: ["readonly", "noscript", "stale"], keys: SCRIPT_KEYS, split: SINGLE, summary: "Run a cached read-only script by its SHA1" },
  { name: "script", group: "scripting", arity: -2, flags: [], keys: NO_KEYS, split: { kind: "container" }, summary: "Script cache subcommands" },
  { name: "script|load", group: "scripting", arity: 3, flags: ["noscript", "stale"], keys: NO_KEYS, split: { kind: "fanout", merge: "random" }, summary: "Cache a script on every shard (persisted); its SHA1" },
  { name: "script|exists", group: "scripting", arity: -3, flags: ["noscript"], keys: NO_KEYS, split: SINGLE, summary: "Whether scripts are cached" },
  { name: "script|flush", group: "scripting", arity: -2, flags: ["noscript"], keys: NO_KEYS, split: { kind: "fanout", merge: "ok" }, summary: "Empty the script cache on every shard (SYNC|ASYNC)" },
] as const satisfies readonly CommandSpec[];
