// Fault injection mid-migration with real shards: the coordinator stops at each phase of a slot move (as
// if it crashed), and the coordinator, the source or the target is restarted or made to fail there;
// clients keep writing to the moving range meanwhile. After recovery every key has exactly one owner,
// the owner of its slot in the published map, holding its last acknowledged value.
import { evictDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import type { StepFault } from "../../shards/coordinator/scaling/step-faults";
import { ownerTable, rangesOf } from "../../shards/coordinator/slots";
import { coordinator, keysIn, member, MoveHarness, sleep, type Keys } from "./moves";

const cluster = new MoveHarness({ vars: { EDGESLOT_SHARDS: "2", EDGESLOT_REPLICAS: "0" } });

interface Scenario {
  readonly name: string;
  readonly range: [number, number];
  readonly fault: StepFault;
  /** What happens while the move is stopped. */
  readonly meanwhile: (move: { source: string; target: string }) => Promise<void>;
  /** Client writes to the range may fail while a shard fails; elsewhere none may. */
  readonly errorsAllowed?: boolean;
}

const evict = (name: string) => evictDurableObject(member(name));
const evictCoordinator = () => evictDurableObject(coordinator());

const SCENARIOS: Scenario[] = [
  { name: "the coordinator restarts after freezing", range: [0, 199], fault: { at: "phase:frozen" }, meanwhile: () => evictCoordinator() },
  {
    name: "the target and the coordinator restart mid-copy",
    range: [300, 499],
    fault: { at: "slotsImport", nth: 2, exportBytes: 512 },
    meanwhile: async ({ target }) => {
      await evict(target);
      await evictCoordinator();
    },
  },
  { name: "the source restarts before the commit", range: [600, 799], fault: { at: "slotsCommit" }, meanwhile: ({ source }) => evict(source) },
  {
    name: "source, target and coordinator restart after the commit, before the drop",
    range: [900, 1099],
    fault: { at: "phase:committed" },
    meanwhile: async ({ source, target }) => {
      await evict(source);
      await evict(target);
      await evictCoordinator();
    },
  },
  { name: "the coordinator restarts after the drop, before publishing", range: [1200, 1399], fault: { at: "phase:dropped" }, meanwhile: () => evictCoordinator() },
  {
    name: "the source fails for a while after freezing",
    range: [1500, 1699],
    fault: { at: "slotsExport" },
    errorsAllowed: true,
    meanwhile: async ({ source }) => {
      await member(source).testFault("fail");
      await sleep(2_500);
      await member(source).testFault("clear");
    },
  },
  {
    name: "the target fails for a while mid-copy",
    range: [1800, 1999],
    fault: { at: "slotsImport", nth: 2, exportBytes: 512 },
    errorsAllowed: true,
    meanwhile: async ({ target }) => {
      await member(target).testFault("fail");
      await sleep(2_500);
      await member(target).testFault("clear");
    },
  },
  // Back to the first shard: the range's old home must take it again, a stale copy nowhere.
  { name: "a range moved before goes back, the coordinator restarting after freezing", range: [900, 1099], fault: { at: "phase:frozen" }, meanwhile: () => evictCoordinator() },
];

it("a move stopped at any phase, with members restarted or failing there, ends with every key on exactly one owner holding its last acknowledged value", { timeout: 300_000 }, async () => {
  const all = new Map<number, Keys>();
  for (const { range } of SCENARIOS) if (!all.has(range[0])) all.set(range[0], keysIn(range[0], range[1], 45, `f${range[0]}`));
  // Keys outside every moving range, on both shards.
  const bystanders = [...keysIn(5000, 8191, 20, "b0"), ...keysIn(8192, 16383, 20, "b1")];
  for (const keys of [...all.values(), bystanders]) await cluster.writeAll(keys, "v0");
  await cluster.checkOwnership();

  for (const [n, scenario] of SCENARIOS.entries()) {
    const keys = all.get(scenario.range[0])!;
    const before = await cluster.topology();
    const from = ownerTable(before.slots)[scenario.range[0]]!;
    const to = 1 - from;
    await cluster.moveUntilFault(scenario.range[0], scenario.range[1], to, scenario.fault);

    // Stopped mid-move: clients write to the range (they wait in the gateway) and elsewhere (served now).
    const value = `v${n + 1}`;
    const inRange = cluster.writeEach(keys, value);
    expect(await cluster.writeEach(bystanders, value), scenario.name).toBe(0);
    await scenario.meanwhile({ source: before.groups[from]!.primary, target: before.groups[to]!.primary });

    const after = await cluster.settled();
    const failed = await inRange;
    if (!scenario.errorsAllowed) expect(failed, scenario.name).toBe(0);
    expect(rangesOf(after.slots, to).some(([a, b]) => a <= scenario.range[0] && scenario.range[1] <= b), scenario.name).toBe(true);
    await cluster.checkOwnership();
  }
});
