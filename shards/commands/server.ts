// Server and connection commands: keyless ones run on one shard, keyspace-wide ones on every shard.
import { type CommandSpec, NO_KEYS, SINGLE } from "./types";

export const SERVER = [
  { name: "flushdb", group: "server", arity: -1, flags: ["write"], keys: NO_KEYS, split: { kind: "fanout", merge: "ok" }, summary: "Delete every key (all shards)" },
  { name: "flushall", group: "server", arity: -1, flags: ["write"], keys: NO_KEYS, split: { kind: "fanout", merge: "ok" }, summary: "Delete every key (all shards)" },
  { name: "info", group: "server", arity: -1, flags: ["loading", "stale"], keys: NO_KEYS, split: { kind: "fanout", merge: "info" }, summary: "Server information; memory and keyspace summed over shards, plus per-shard lines" },
  { name: "time", group: "server", arity: 1, flags: ["loading", "stale", "fast"], keys: NO_KEYS, split: SINGLE, summary: "The server time" },
  { name: "ping", group: "connection", arity: -1, flags: ["fast"], keys: NO_KEYS, split: SINGLE, summary: "PONG, or the argument" },
  { name: "echo", group: "connection", arity: 2, flags: ["loading", "stale", "fast"], keys: NO_KEYS, split: SINGLE, summary: "Return the argument" },
] as const satisfies readonly CommandSpec[];
