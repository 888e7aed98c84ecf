// Slot ownership: which group (shard) owns each of Redis Cluster's 16384 hash slots, kept as sorted
// ranges, and the in-progress moves. Pure: the coordinator, the gateway and the shards share it.

export const SLOT_COUNT = 16384;

/** Inclusive, sorted, disjoint. */
export type SlotRanges = readonly (readonly [first: number, last: number])[];

export interface OwnedRange {
  readonly first: number;
  readonly last: number;
  readonly group: number;
}

export interface SlotAssignment {
  /**
   * Bumped by every ownership change. 0: never changed, the ranges are the contiguous split of
   * EDGESLOT_SHARDS. Batches carry the version they were routed by; a shard whose ownership changed
   * at a later version checks their keys against what it owns now (shards/slots/).
   */
  readonly version: number;
  /** Covers all 16384 slots, sorted by `first`. */
  readonly ranges: readonly OwnedRange[];
}

/** A move in progress (shown by CLUSTER SHARDS/NODES and INFO; resumed by the coordinator). */
export interface SlotMove {
  readonly first: number;
  readonly last: number;
  readonly from: number;
  readonly to: number;
  /** The assignment version the move publishes; the source freezes the range at it. */
  readonly version: number;
}

/** Group `group` of `groups` in the contiguous split: [floor(g*16384/N), floor((g+1)*16384/N) - 1]. */
export function contiguousRange(group: number, groups: number): [number, number] {
  const start = (g: number) => Math.floor((g * SLOT_COUNT) / groups);
  return [start(group), start(group + 1) - 1];
}

/** The assignment every cluster starts with: `groups` contiguous ranges, version 0. */
export function contiguousAssignment(groups: number): SlotAssignment {
  return {
    version: 0,
    ranges: Array.from({ length: groups }, (_, group) => {
      const [first, last] = contiguousRange(group, groups);
      return { first, last, group };
    }),
  };
}

/** The owner of every slot, for O(1) routing. */
export function ownerTable(assignment: SlotAssignment): Uint16Array {
  const owners = new Uint16Array(SLOT_COUNT);
  for (const { first, last, group } of assignment.ranges) owners.fill(group, first, last + 1);
  return owners;
}

/** The slots `group` owns, merged into maximal ranges. */
export function rangesOf(assignment: SlotAssignment, group: number): SlotRanges {
  return mergeRanges(assignment.ranges.filter((range) => range.group === group).map((range) => [range.first, range.last] as const));
}

/** The assignment with [first, last] owned by `group` at `version`; neighbouring ranges of one owner merge. */
export function assignRange(assignment: SlotAssignment, first: number, last: number, group: number, version: number): SlotAssignment {
  const owners = ownerTable(assignment);
  owners.fill(group, first, last + 1);
  return { version, ranges: rangesFromTable(owners) };
}

export function rangesFromTable(owners: Uint16Array): OwnedRange[] {
  const ranges: OwnedRange[] = [];
  let first = 0;
  for (let slot = 1; slot <= SLOT_COUNT; slot++) {
    if (slot === SLOT_COUNT || owners[slot] !== owners[first]) {
      ranges.push({ first, last: slot - 1, group: owners[first]! });
      first = slot;
    }
  }
  return ranges;
}

/** Sorted, with touching or overlapping ranges joined. */
export function mergeRanges(ranges: readonly (readonly [number, number])[]): SlotRanges {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [first, last] of sorted) {
    const previous = merged[merged.length - 1];
    if (previous && first <= previous[1] + 1) previous[1] = Math.max(previous[1], last);
    else merged.push([first, last]);
  }
  return merged;
}

export function inRanges(ranges: SlotRanges, slot: number): boolean {
  for (const [first, last] of ranges) {
    if (slot < first) return false;
    if (slot <= last) return true;
  }
  return false;
}

export function slotCount(ranges: SlotRanges): number {
  return ranges.reduce((sum, [first, last]) => sum + last - first + 1, 0);
}
