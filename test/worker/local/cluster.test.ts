// CLUSTER NODES text from Topology values: Redis's line format, slot fields, the running move's
// MIGRATING/IMPORTING brackets, draining groups and members the coordinator failed.
import { describe, expect, it } from "vitest";
import { clusterNodesText, nodeId } from "../../../worker/local/cluster";
import type { MemberHealth } from "../../../shards/coordinator/coordinator";
import { projected } from "../../../shards/coordinator/scaling/plan";
import { moveSlots, removeShard } from "../../../shards/coordinator/scaling/requests";
import { SLOT_COUNT } from "../../../shards/coordinator/slots";
import { reconcile, type Topology } from "../../../shards/coordinator/topology";

const start = (shards: number, replicas: number): Topology => reconcile(undefined, { shards, replicas, mode: "async", failAfter: 3, probeMs: 1000 });
const queued = (outcome: ReturnType<typeof moveSlots>): Topology => {
  if ("refused" in outcome) throw new Error(outcome.refused);
  return outcome.topology;
};

/** Each line's fields, in Redis's order. */
function parse(text: string) {
  expect(text.endsWith("\n")).toBe(true);
  return text.slice(0, -1).split("\n").map((line) => {
    const [id, address, flags, master, pingSent, pongRecv, epoch, link, ...slots] = line.split(" ");
    return { id: id!, address: address!, flags: flags!, master: master!, pingSent, pongRecv, epoch: Number(epoch), link, slots };
  });
}

/** Every slot an owned-slot field covers (brackets are moves, not ownership). */
function owned(slots: readonly string[]): number[] {
  return slots.filter((field) => !field.startsWith("[")).flatMap((field) => {
    const [first, last = first] = field.split("-").map(Number);
    return Array.from({ length: last! - first! + 1 }, (_, i) => first! + i);
  });
}

describe("CLUSTER NODES text", () => {
  it("lists each primary as master owning its ranges, then its replicas as slave of it", () => {
    const nodes = parse(clusterNodesText(start(3, 2), {}, "127.0.0.1", 8787));
    expect(nodes).toHaveLength(9);
    expect(nodes.map((n) => n.flags)).toEqual(["master", "slave", "slave", "master", "slave", "slave", "master", "slave", "slave"]);
    expect(nodes[0]).toMatchObject({ id: nodeId("shard-0"), address: "127.0.0.1:8787@0", master: "-", pingSent: "0", pongRecv: "0", epoch: 0, link: "connected", slots: ["0-5460"] });
    expect(nodes[4]).toMatchObject({ id: nodeId("shard-1-replica-0"), master: nodeId("shard-1"), slots: [] });
    expect(nodes[6]!.slots).toEqual(["10922-16383"]);
    expect(new Set(nodes.map((n) => n.id)).size).toBe(9);
    for (const node of nodes) expect(node.id).toMatch(/^[0-9a-f]{40}$/);
  });

  it("covers every slot exactly once, single slots printed alone", () => {
    let topology = queued(moveSlots(start(2, 0), 7, 7, 1));
    topology = { ...topology, slots: projected(topology.slots, topology.moves), moves: [] };
    const nodes = parse(clusterNodesText(topology, {}, "127.0.0.1", 1));
    expect(nodes.map((n) => n.slots)).toEqual([["0-6", "8-8191"], ["7", "8192-16383"]]);
    const slots = nodes.flatMap((n) => owned(n.slots)).sort((a, b) => a - b);
    expect(slots).toEqual(Array.from({ length: SLOT_COUNT }, (_, i) => i));
  });

  it("prints the group's epoch on the primary and its replicas", () => {
    const base = start(2, 1);
    const promoted: Topology = { ...base, groups: [base.groups[0]!, { primary: "shard-1-replica-0", replicas: ["shard-1"], epoch: 3 }] };
    const nodes = parse(clusterNodesText(promoted, {}, "h", 1));
    expect(nodes.map((n) => [n.id, n.flags, n.epoch])).toEqual([
      [nodeId("shard-0"), "master", 0],
      [nodeId("shard-0-replica-0"), "slave", 0],
      [nodeId("shard-1-replica-0"), "master", 3],
      [nodeId("shard-1"), "slave", 3],
    ]);
    expect(nodes[3]!.master).toBe(nodeId("shard-1-replica-0"));
  });

  it("marks the running move MIGRATING on its source and IMPORTING on its target, one bracket per slot", () => {
    // Two moves queued: 10..12 from 0 to 2 runs first; 5500..5501 from 1 to 0 has not started.
    const topology = queued(moveSlots(queued(moveSlots(start(3, 1), 10, 12, 2)), 5500, 5501, 0));
    expect(topology.moves).toHaveLength(2);
    const nodes = parse(clusterNodesText(topology, {}, "127.0.0.1", 1));
    const [source, , other, , target] = nodes;
    expect(source!.slots).toEqual(["0-5460", ...[10, 11, 12].map((slot) => `[${slot}->-${nodeId("shard-2")}]`)]);
    expect(target!.slots).toEqual(["10922-16383", ...[10, 11, 12].map((slot) => `[${slot}-<-${nodeId("shard-0")}]`)]);
    // Shard 1 is the next move's source, not yet migrating; slots stay with their owners until moved.
    expect(other!.slots).toEqual(["5461-10921"]);
    expect(nodes.filter((n) => n.flags === "slave").every((n) => n.slots.length === 0)).toBe(true);
  });

  it("keeps a draining group listed, with the slots it still owns and none once they have moved", () => {
    const removing = queued(removeShard(start(3, 0), 1));
    const during = parse(clusterNodesText(removing, {}, "h", 1));
    expect(during).toHaveLength(3);
    expect(owned(during[1]!.slots)).toHaveLength(5461);
    const done: Topology = { ...removing, slots: projected(removing.slots, removing.moves), moves: [] };
    const after = parse(clusterNodesText(done, {}, "h", 1));
    expect(after.map((n) => n.flags)).toEqual(["master", "master", "master"]);
    expect(after[1]!.slots).toEqual([]);
    expect(after.flatMap((n) => owned(n.slots))).toHaveLength(SLOT_COUNT);
  });

  it("flags members the coordinator failed or suspects", () => {
    const health: Record<string, MemberHealth> = {
      "shard-0": { state: "failed", failures: 3, since: 1 },
      "shard-1-replica-0": { state: "suspect", failures: 1, since: 1 },
      "shard-1": { state: "ok", failures: 0, since: 1 },
    };
    const nodes = parse(clusterNodesText(start(2, 1), health, "h", 1));
    expect(nodes.map((n) => [n.flags, n.link])).toEqual([
      ["master,fail", "disconnected"],
      ["slave", "connected"],
      ["master", "connected"],
      ["slave,fail?", "connected"],
    ]);
  });
});
