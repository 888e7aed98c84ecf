// The coordinator object's scaling: requests queue steps durably and wake the alarm, the stored
// topology keeps added groups whatever EDGESLOT_SHARDS says, and the alarm resumes a stored step at its
// phase (publishing it once) before reserving the next steps' versions.
import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Coordinator } from "../../shards/coordinator/coordinator";
import type { StepState } from "../../shards/coordinator/scaling/steps";
import type { ClusterSettings } from "../../shards/coordinator/topology";

const SETTINGS: ClusterSettings = { shards: 4, replicas: 0, mode: "async", failAfter: 3, probeMs: 300 };
const coordinator = () => env.COORDINATOR.get(env.COORDINATOR.idFromName("coordinator"));

describe("coordinator scaling", () => {
  // Storage outlives a test in this pool: each starts from a fresh coordinator.
  beforeEach(async () => {
    await runInDurableObject(coordinator(), (_: Coordinator, state) => state.storage.deleteAll());
    await evictDurableObject(coordinator());
  });
  // No alarm may outlive a test.
  afterEach(() => runInDurableObject(coordinator(), (_: Coordinator, state) => state.storage.deleteAlarm()));

  it("queues the steps of an add, shows them in the topology, and keeps the added groups", async () => {
    const answer = await coordinator().addShards(SETTINGS, 2);
    if (!("queued" in answer)) throw new Error(answer.refused);
    const topology = await coordinator().topology(SETTINGS);
    expect(topology.groups.map((g) => g.primary)).toEqual(["shard-0", "shard-1", "shard-2", "shard-3", "shard-4", "shard-5"]);
    expect(topology.moves).toHaveLength(answer.queued);
    expect(topology.slots.version).toBe(0);
    expect(await runInDurableObject(coordinator(), (_: Coordinator, state) => state.storage.getAlarm())).not.toBeNull();
    // The configured count no longer decides once moves are queued.
    expect((await coordinator().topology({ ...SETTINGS, shards: 2 })).groups).toHaveLength(6);
    expect(await coordinator().removeShard(SETTINGS, 6)).toEqual({ refused: "ERR no shard 6: shards are 0 to 5" });
    expect(await coordinator().moveSlots(SETTINGS, 0, 10, 5)).toEqual({ queued: 1 });
  });

  it("resumes a stored step at its phase from the alarm, then reserves the next version above it", async () => {
    await coordinator().addShards(SETTINGS, 1);
    const before = await coordinator().topology(SETTINGS);
    const move = { ...before.moves[0]!, version: 5 };
    // A coordinator that died after the source dropped the range: only publishing is left.
    await runInDurableObject(coordinator(), async (_: Coordinator, state) => {
      await state.storage.put("step", { move, phase: "dropped" } satisfies StepState);
      await state.storage.put("reservedSlotVersion", 5);
    });
    // One step per alarm: the first publishes the stored step, each later one runs the next queued step.
    expect(await runDurableObjectAlarm(coordinator())).toBe(true);
    expect((await coordinator().topology(SETTINGS)).slots.version).toBe(5);
    for (let i = 0; i < before.moves.length + 2 && (await coordinator().topology(SETTINGS)).moves.length > 0; i++) await runDurableObjectAlarm(coordinator());
    const after = await coordinator().topology(SETTINGS);
    // The stored step published at its version, then the alarms ran every other queued step against
    // the (empty) shards, each reserving the version after the last: none reused 5 or below.
    expect(after.slots.ranges.find((r) => r.first <= move.first && move.last <= r.last)?.group).toBe(move.to);
    expect(after.moves).toEqual([]);
    expect(after.slots.version).toBe(5 + before.moves.length - 1);
    const reserved = await runInDurableObject(coordinator(), (_: Coordinator, state) => state.storage.get<number>("reservedSlotVersion"));
    expect(reserved).toBe(after.slots.version);
  });
});
