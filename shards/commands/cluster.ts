// CLUSTER subcommands: slot and topology questions answered by the gateway; per-slot key questions
// routed to the slot's owner shard.
import { type CommandSpec, NO_KEYS } from "./types";

const LOCAL = { kind: "local" } as const;
const STALE = ["stale"] as const;

export const CLUSTER = [
  { name: "cluster", group: "cluster", arity: -2, flags: [], keys: NO_KEYS, split: { kind: "container" }, summary: "Cluster subcommands" },
  { name: "cluster|keyslot", group: "cluster", arity: 3, flags: STALE, keys: NO_KEYS, split: LOCAL, summary: "The hash slot of a key" },
  { name: "cluster|slots", group: "cluster", arity: 2, flags: STALE, keys: NO_KEYS, split: LOCAL, summary: "Slot ranges and the shard owning each" },
  { name: "cluster|shards", group: "cluster", arity: 2, flags: STALE, keys: NO_KEYS, split: LOCAL, summary: "Shards, their slots and nodes" },
  { name: "cluster|nodes", group: "cluster", arity: 2, flags: STALE, keys: NO_KEYS, split: LOCAL, summary: "Every node, one line each: id, address, role, epoch, slots and the slot move in progress" },
  { name: "cluster|info", group: "cluster", arity: 2, flags: STALE, keys: NO_KEYS, split: LOCAL, summary: "Cluster state" },
  { name: "cluster|failover", group: "cluster", arity: -2, flags: ["admin", "stale"], keys: NO_KEYS, split: LOCAL, summary: "Promote a replica of SHARD n (planned; FORCE or TAKEOVER without the primary)" },
  { name: "cluster|addshards", group: "cluster", arity: 3, flags: ["admin", "stale"], keys: NO_KEYS, split: LOCAL, summary: "Add n shards; slots move to them in the background until all are even (edgeslot)" },
  { name: "cluster|removeshard", group: "cluster", arity: 3, flags: ["admin", "stale"], keys: NO_KEYS, split: LOCAL, summary: "Move every slot of a shard to the others in the background (edgeslot)" },
  { name: "cluster|moveslots", group: "cluster", arity: 5, flags: ["admin", "stale"], keys: NO_KEYS, split: LOCAL, summary: "Move slots first..last to a shard in the background (edgeslot)" },
  { name: "cluster|rebalance", group: "cluster", arity: -2, flags: ["admin", "stale"], keys: NO_KEYS, split: LOCAL, summary: "Even the shards out by slot count or by memory, in the background (edgeslot)" },
  { name: "cluster|countkeysinslot", group: "cluster", arity: 3, flags: STALE, keys: NO_KEYS, split: { kind: "slot", slotAt: 2 }, summary: "Number of keys in a slot" },
  { name: "cluster|getkeysinslot", group: "cluster", arity: 4, flags: STALE, keys: NO_KEYS, split: { kind: "slot", slotAt: 2 }, summary: "Keys in a slot" },
] as const satisfies readonly CommandSpec[];
