import { describe, expect, it } from "vitest";
import { assignRange, contiguousAssignment } from "../../../shards/coordinator/slots";
import { reconcile, type Topology } from "../../../shards/coordinator/topology";
import { SlotMap, shardOfSlot, slotMapOf } from "../../../worker/routing/slot-map";

const settings = { shards: 4, replicas: 0, mode: "async" as const, failAfter: 1, probeMs: 1 };

describe("SlotMap", () => {
  it("routes the version-0 assignment as the contiguous split", () => {
    const map = new SlotMap(contiguousAssignment(4), 4);
    for (const slot of [0, 4095, 4096, 8191, 8192, 12287, 12288, 16383]) expect(map.ownerOf(slot)).toBe(shardOfSlot(slot, 4));
    expect(map.rangesOf(1)).toEqual([[4096, 8191]]);
  });

  it("gives a fifth group the slots moved to it, and the source keeps the rest as two ranges", () => {
    const assignment = assignRange(contiguousAssignment(4), 100, 199, 4, 3);
    const map = new SlotMap(assignment, 5);
    expect(map.ownerOf(150)).toBe(4);
    expect(map.ownerOf(99)).toBe(0);
    expect(map.rangesOf(0)).toEqual([[0, 99], [200, 4095]]);
    expect(map.route(4)).toEqual({ version: 3, owned: [[100, 199]] });
  });

  it("is built once per topology object", () => {
    const topology = reconcile(undefined, settings);
    expect(slotMapOf(topology)).toBe(slotMapOf(topology));
  });
});

describe("reconcile with slots", () => {
  it("follows the configured shard count while no move was published", () => {
    const topology = reconcile(reconcile(undefined, settings), { ...settings, shards: 6 });
    expect(topology.groups).toHaveLength(6);
    expect(topology.slots).toEqual(contiguousAssignment(6));
    expect(topology.moves).toEqual([]);
  });

  it("keeps the stored groups and slots once a move was published", () => {
    const start = reconcile(undefined, settings);
    const moved: Topology = {
      ...start,
      groups: [...start.groups, { primary: "shard-4", replicas: [], epoch: 0 }],
      slots: assignRange(start.slots, 0, 9, 4, 1),
    };
    const topology = reconcile(moved, { ...settings, shards: 2 });
    expect(topology.groups).toHaveLength(5);
    expect(topology.slots).toBe(moved.slots);
    expect(topology.version).toBe(moved.version);
  });
});
