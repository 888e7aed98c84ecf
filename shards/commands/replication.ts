// Replication commands: answered by the shard's replication layer (shards/replication/commands.ts),
// never by the core.
import { type CommandSpec, NO_KEYS, SINGLE } from "./types";

export const REPLICATION = [
  { name: "wait", group: "server", arity: 3, flags: ["noscript"], keys: NO_KEYS, split: SINGLE, summary: "Replicas that acknowledged the request's writes on its shard (waits up to a timeout)" },
  { name: "role", group: "server", arity: 1, flags: ["noscript", "loading", "stale", "fast"], keys: NO_KEYS, split: SINGLE, summary: "The shard's replication role, offset and replicas" },
] as const satisfies readonly CommandSpec[];

export const REPLICATION_COMMANDS: ReadonlySet<string> = new Set(REPLICATION.map((spec) => spec.name));
