// The slot → group map the gateway routes by, built from the coordinator's slot assignment. Pure.
import { ownerTable, rangesOf, SLOT_COUNT, type SlotAssignment, type SlotRanges } from "../../shards/coordinator/slots";
import type { Route } from "../../shards/slots/route";
import type { Topology } from "../../shards/coordinator/topology";

export { SLOT_COUNT };

export class SlotMap {
  /** Group count, draining groups included (their indices stay stable). */
  readonly groups: number;
  private readonly owners: Uint16Array;
  private readonly ranges: SlotRanges[];

  constructor(readonly assignment: SlotAssignment, groups: number) {
    this.groups = groups;
    this.owners = ownerTable(assignment);
    this.ranges = Array.from({ length: groups }, (_, group) => rangesOf(assignment, group));
  }

  get version(): number {
    return this.assignment.version;
  }

  /** The group owning `slot`. */
  ownerOf(slot: number): number {
    return this.owners[slot]!;
  }

  /** The slots `group` owns, merged; empty for a draining group. */
  rangesOf(group: number): SlotRanges {
    return this.ranges[group] ?? [];
  }

  /** What a batch to `group` carries. */
  route(group: number): Route {
    return { version: this.assignment.version, owned: this.rangesOf(group) };
  }
}

/** One map per topology object (the gateway's cached topology changes identity when it changes). */
const maps = new WeakMap<Topology, SlotMap>();

export function slotMapOf(topology: Topology): SlotMap {
  let map = maps.get(topology);
  if (!map) maps.set(topology, (map = new SlotMap(topology.slots, topology.groups.length)));
  return map;
}

// The contiguous helpers below stay until every caller routes by SlotMap (issue 10, routing helper).

/** First slot of shard `shard` of `shards`: floor(i*16384/N); the range ends before the next start. */
export function shardStart(shard: number, shards: number): number {
  return Math.floor((shard * SLOT_COUNT) / shards);
}

/** Slot range [first, last] owned by `shard`. */
export function shardRange(shard: number, shards: number): [number, number] {
  return [shardStart(shard, shards), shardStart(shard + 1, shards) - 1];
}

/** The shard owning `slot`. */
export function shardOfSlot(slot: number, shards: number): number {
  // The estimate is within one of the answer: correct it against the exact range starts.
  let shard = Math.min(shards - 1, Math.floor((slot * shards) / SLOT_COUNT));
  while (shard + 1 < shards && shardStart(shard + 1, shards) <= slot) shard++;
  while (shard > 0 && shardStart(shard, shards) > slot) shard--;
  return shard;
}
