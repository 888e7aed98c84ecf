// The scaling requests (add shards, remove one, move a range, rebalance, split a hot group) checked and
// turned into queued moves on the topology, pure: the coordinator stores the result and runs the queue.
import { SLOT_COUNT } from "../slots";
import { memberNames, type GroupTopology, type Topology } from "../topology";
import { planByMemory, planEven, planRange, planSplit, projected } from "./plan";

export type Queued = { readonly topology: Topology; readonly queued: number } | { readonly refused: string };

/** Groups an automatic split may grow the cluster to (EDGESLOT_MAX_SHARDS). */
export const DEFAULT_MAX_SHARDS = 64;

const draining = (topology: Topology) => topology.groups.map((group) => group.draining === true);
const active = (topology: Topology) => topology.groups.filter((group) => !group.draining).length;

function noShard(topology: Topology, group: number): string | null {
  if (Number.isSafeInteger(group) && group >= 0 && group < topology.groups.length) return null;
  return `ERR no shard ${group}: shards are 0 to ${topology.groups.length - 1}`;
}

function queue(topology: Topology, moves: Topology["moves"], groups = topology.groups): Queued {
  return { topology: { ...topology, version: topology.version + 1, groups, moves: [...topology.moves, ...moves] }, queued: moves.length };
}

/** `count` new groups, then every active group to an even share of the slots. */
export function addShards(topology: Topology, replicas: number, count: number): Queued {
  if (!Number.isSafeInteger(count) || count < 1) return { refused: "ERR the number of shards to add must be a positive integer" };
  if (active(topology) + count > SLOT_COUNT) return { refused: `ERR at most ${SLOT_COUNT} shards can own slots` };
  const start = topology.groups.length;
  const added = Array.from({ length: count }, (_, i): GroupTopology => {
    const names = memberNames(start + i, replicas);
    return { primary: names[0]!, replicas: names.slice(1), epoch: 0 };
  });
  const groups = [...topology.groups, ...added];
  const after = projected(topology.slots, topology.moves);
  return queue(topology, planEven(after, groups.map((group) => group.draining === true)), groups);
}

/** Every slot of `group` to the others evenly; the group is marked draining at once, so nothing
 * else is planned onto it, and owns nothing once its moves ran. */
export function removeShard(topology: Topology, group: number): Queued {
  const missing = noShard(topology, group);
  if (missing) return { refused: missing };
  if (topology.groups[group]!.draining) return { refused: `ERR shard ${group} is already being removed` };
  if (active(topology) === 1) return { refused: `ERR shard ${group} is the last shard: there is nowhere to move its slots` };
  const groups = topology.groups.map((g, i) => (i === group ? { ...g, draining: true } : g));
  const marks = groups.map((g) => g.draining === true);
  // The others keep what they own and take the removed group's slots until they are even.
  const after = projected(topology.slots, topology.moves);
  return queue(topology, planEven(after, marks), groups);
}

export function moveSlots(topology: Topology, first: number, last: number, to: number): Queued {
  if (![first, last].every((slot) => Number.isSafeInteger(slot) && slot >= 0 && slot < SLOT_COUNT)) return { refused: "ERR Invalid or out of range slot" };
  if (first > last) return { refused: `ERR start slot number ${first} is greater than end slot number ${last}` };
  const missing = noShard(topology, to);
  if (missing) return { refused: missing };
  if (topology.groups[to]!.draining) return { refused: `ERR shard ${to} is being removed: it takes no slots` };
  return queue(topology, planRange(projected(topology.slots, topology.moves), first, last, to));
}

/** By slot count, or by memory (`usedMemory` per group, from the primaries). */
export function rebalance(topology: Topology, by: "slots" | "memory", usedMemory?: readonly number[]): Queued {
  const after = projected(topology.slots, topology.moves);
  if (by === "slots") return queue(topology, planEven(after, draining(topology)));
  if (!usedMemory) return { refused: "ERR the shards' memory is unknown" };
  return queue(topology, planByMemory(after, draining(topology), usedMemory));
}

/** A new group taking about half of `group`'s slots. */
export function split(topology: Topology, replicas: number, group: number, maxShards: number): Queued {
  if (topology.groups.length >= maxShards) return { refused: `ERR the cluster has ${topology.groups.length} shards, the most EDGESLOT_MAX_SHARDS allows` };
  const to = topology.groups.length;
  const names = memberNames(to, replicas);
  const groups = [...topology.groups, { primary: names[0]!, replicas: names.slice(1), epoch: 0 }];
  return queue(topology, planSplit(projected(topology.slots, topology.moves), groups.length, group, to), groups);
}
