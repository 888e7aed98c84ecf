// Scale-out planning (shards/coordinator/scaling/): even distribution after adding shards, rebalancing
// by memory, removing a shard, moving a range, and steps bounded in size.
import { describe, expect, it } from "vitest";
import { pickHot } from "../../shards/coordinator/coordinator";
import { MAX_STEP_SLOTS, apportion, planByMemory, planEven, planRange, planSplit, projected, slotCounts } from "../../shards/coordinator/scaling/plan";
import { addShards, moveSlots, rebalance, removeShard } from "../../shards/coordinator/scaling/requests";
import { SLOT_COUNT, assignRange, contiguousAssignment, type SlotAssignment, type SlotMove } from "../../shards/coordinator/slots";
import { reconcile, type ClusterSettings, type Topology } from "../../shards/coordinator/topology";

const SETTINGS: ClusterSettings = { shards: 3, replicas: 1, mode: "async", failAfter: 3, probeMs: 1000 };
const start = (shards = 3): Topology => reconcile(undefined, { ...SETTINGS, shards });

/** Every move is within bounds, from the slot's owner at its turn, and not a no-op. */
function checkMoves(assignment: SlotAssignment, moves: readonly SlotMove[]): SlotAssignment {
  let slots = assignment;
  for (const move of moves) {
    expect(move.last - move.first + 1).toBeLessThanOrEqual(MAX_STEP_SLOTS);
    expect(move.first).toBeLessThanOrEqual(move.last);
    expect(move.from).not.toBe(move.to);
    const owners = slots.ranges.filter((r) => r.last >= move.first && r.first <= move.last).map((r) => r.group);
    expect(new Set(owners)).toEqual(new Set([move.from]));
    slots = assignRange(slots, move.first, move.last, move.to, slots.version);
  }
  return slots;
}

describe("slot planning", () => {
  it("apportions exactly the total, in proportion", () => {
    expect(apportion([1, 1, 1])).toEqual([5462, 5461, 5461]);
    expect(apportion([1, 0, 3], 8)).toEqual([2, 0, 6]);
    expect(apportion([1, 1, 1]).reduce((a, b) => a + b)).toBe(SLOT_COUNT);
  });

  it("adding shards moves slots until every shard owns an even share", () => {
    const outcome = addShards(start(3), 1, 2);
    if ("refused" in outcome) throw new Error(outcome.refused);
    expect(outcome.topology.groups.map((g) => g.primary)).toEqual(["shard-0", "shard-1", "shard-2", "shard-3", "shard-4"]);
    expect(outcome.topology.groups[4]!.replicas).toEqual(["shard-4-replica-0"]);
    const after = checkMoves(contiguousAssignment(3), outcome.topology.moves);
    const counts = slotCounts(after, 5);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    expect(counts.reduce((a, b) => a + b)).toBe(SLOT_COUNT);
    // Only what the new shards need moves: 2/5 of the slots.
    expect(outcome.topology.moves.reduce((n, m) => n + m.last - m.first + 1, 0)).toBe(counts[3]! + counts[4]!);
    expect(outcome.queued).toBe(outcome.topology.moves.length);
  });

  it("rebalancing by memory gives a dense shard fewer slots", () => {
    const slots = contiguousAssignment(2);
    // Shard 0 holds three times shard 1's bytes in the same number of slots.
    const moves = planByMemory(slots, [false, false], [3_000_000, 1_000_000]);
    const counts = slotCounts(checkMoves(slots, moves), 2);
    expect(counts[0]).toBe(4096);
    expect(counts[1]).toBe(12288);
    expect(moves.every((m) => m.from === 0 && m.to === 1)).toBe(true);
  });

  it("rebalancing by slots evens out a skewed assignment, and by memory needs the shards' memory", () => {
    const skewed: Topology = { ...start(2), slots: assignRange(contiguousAssignment(2), 0, 12000, 0, 3) };
    const outcome = rebalance(skewed, "slots");
    if ("refused" in outcome) throw new Error(outcome.refused);
    expect(slotCounts(checkMoves(skewed.slots, outcome.topology.moves), 2)).toEqual([8192, 8192]);
    expect(rebalance(skewed, "memory")).toEqual({ refused: "ERR the shards' memory is unknown" });
  });

  it("removing a shard moves all its slots to the others evenly and marks it draining", () => {
    const outcome = removeShard(start(4), 1);
    if ("refused" in outcome) throw new Error(outcome.refused);
    expect(outcome.topology.groups[1]!.draining).toBe(true);
    const counts = slotCounts(checkMoves(contiguousAssignment(4), outcome.topology.moves), 4);
    expect(counts[1]).toBe(0);
    expect(counts).toEqual([5462, 0, 5461, 5461]);
    expect(outcome.topology.moves.every((m) => m.from === 1)).toBe(true);
  });

  it("queued requests plan against the assignment after the queued moves", () => {
    const added = addShards(start(2), 1, 1);
    if ("refused" in added) throw new Error(added.refused);
    const removed = removeShard(added.topology, 0);
    if ("refused" in removed) throw new Error(removed.refused);
    const after = checkMoves(contiguousAssignment(2), removed.topology.moves);
    expect(slotCounts(after, 3)).toEqual([0, 8192, 8192]);
    expect(projected(contiguousAssignment(2), removed.topology.moves).ranges).toEqual(after.ranges);
  });

  it("a range moves in steps of at most MAX_STEP_SLOTS, one per source, skipping what the target owns", () => {
    const slots = contiguousAssignment(4);
    const moves = planRange(slots, 4000, 8500, 1);
    checkMoves(slots, moves);
    expect(moves.map((m) => m.from)).toEqual([...new Set(moves.map((m) => m.from))].flatMap((from) => moves.filter((m) => m.from === from).map(() => from)));
    expect(new Set(moves.map((m) => m.from))).toEqual(new Set([0, 2]));
    expect(moves.reduce((n, m) => n + m.last - m.first + 1, 0)).toBe(4096 - 4000 + (8500 - 8192 + 1));
    expect(moves.some((m) => m.first <= 5000 && m.last >= 5000)).toBe(false);
  });

  it("a split gives a new shard about half of a shard's slots", () => {
    const slots = contiguousAssignment(2);
    const counts = slotCounts(checkMoves(slots, planSplit(slots, 3, 1, 2)), 3);
    expect(counts).toEqual([8192, 4096, 4096]);
  });

  it("planEven leaves an even assignment alone", () => {
    expect(planEven(contiguousAssignment(5), [false, false, false, false, false])).toEqual([]);
  });

  it("refuses bad requests with Redis-style errors", () => {
    const topology = start(2);
    expect(moveSlots(topology, 0, 16384, 1)).toEqual({ refused: "ERR Invalid or out of range slot" });
    expect(moveSlots(topology, -1, 5, 1)).toEqual({ refused: "ERR Invalid or out of range slot" });
    expect(moveSlots(topology, 9, 5, 1)).toEqual({ refused: "ERR start slot number 9 is greater than end slot number 5" });
    expect(moveSlots(topology, 0, 5, 2)).toEqual({ refused: "ERR no shard 2: shards are 0 to 1" });
    expect(removeShard(topology, 7)).toEqual({ refused: "ERR no shard 7: shards are 0 to 1" });
    expect(addShards(topology, 1, 0)).toEqual({ refused: "ERR the number of shards to add must be a positive integer" });
    const removed = removeShard(topology, 0);
    if ("refused" in removed) throw new Error(removed.refused);
    expect(removeShard(removed.topology, 0)).toEqual({ refused: "ERR shard 0 is already being removed" });
    expect(removeShard(removed.topology, 1)).toEqual({ refused: "ERR shard 1 is the last shard: there is nowhere to move its slots" });
    expect(moveSlots(removed.topology, 0, 5, 0)).toEqual({ refused: "ERR shard 0 is being removed: it takes no slots" });
  });

  it("reconcile keeps added groups once moves are queued, and follows EDGESLOT_SHARDS before", () => {
    expect(reconcile(start(3), { ...SETTINGS, shards: 5 }).groups).toHaveLength(5);
    expect(reconcile(start(3), { ...SETTINGS, shards: 5 }).slots).toEqual(contiguousAssignment(5));
    const added = addShards(start(3), 1, 1);
    if ("refused" in added) throw new Error(added.refused);
    expect(reconcile(added.topology, SETTINGS).groups).toHaveLength(4);
    const published: Topology = { ...added.topology, moves: [], slots: { ...added.topology.slots, version: 9 } };
    const again = reconcile(published, { ...SETTINGS, shards: 2, replicas: 2 });
    expect(again.groups).toHaveLength(4);
    expect(again.groups[3]!.replicas).toEqual(["shard-3-replica-0", "shard-3-replica-1"]);
    expect(again.slots.version).toBe(9);
  });

  it("auto-split picks the fullest shard past its memory share, else the busiest past the rate factor", () => {
    const auto = { memoryShare: 0.5, maxMemory: 1000, rateFactor: 3, checkMs: 1000 };
    expect(pickHot([{ usedMemory: 400 }, { usedMemory: 600 }, { usedMemory: 700 }], [1, 1, 1], auto)).toBe(2);
    expect(pickHot([{ usedMemory: 400 }, { usedMemory: 100 }, null], [10, 2, 4], auto)).toBe(0);
    // 10 is not above 3 × the mean of 2 and 4.
    expect(pickHot([{ usedMemory: 400 }, { usedMemory: 100 }, null], [10, 4, 6], auto)).toBeNull();
    expect(pickHot([{ usedMemory: 400 }], [100], auto)).toBeNull();
    expect(pickHot([{ usedMemory: 900 }, { usedMemory: 1 }], [null, null], { ...auto, memoryShare: 0 })).toBeNull();
  });
});
