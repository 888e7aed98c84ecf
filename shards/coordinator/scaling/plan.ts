// Scale-out planning, pure: which slot ranges move where so that groups reach a desired number of
// slots (even, weighted by memory, a removed group emptied, a hot group halved), cut into bounded steps.
import { SLOT_COUNT, assignRange, ownerTable, type SlotAssignment, type SlotMove } from "../slots";

/** Slots per step: the source stops serving a step's range while its keys are copied, so a step is
 * kept small enough to copy in well under the gateway's retry budget. */
export const MAX_STEP_SLOTS = 128;

/** The assignment once `moves` have run, in order (queued moves are planned against it). */
export function projected(assignment: SlotAssignment, moves: readonly SlotMove[]): SlotAssignment {
  return moves.reduce((slots, move) => assignRange(slots, move.first, move.last, move.to, slots.version), assignment);
}

/** Slots owned per group, indexed by group, for `groups` groups. */
export function slotCounts(assignment: SlotAssignment, groups: number): number[] {
  const counts = new Array<number>(groups).fill(0);
  for (const { first, last, group } of assignment.ranges) counts[group] = (counts[group] ?? 0) + last - first + 1;
  return counts;
}

/** `total` split among `weights` in proportion, whole numbers summing to `total` (largest remainder;
 * ties go to the group holding more now, `held`, so an even split that is already there moves nothing). */
export function apportion(weights: readonly number[], total = SLOT_COUNT, held: readonly number[] = []): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (w * total) / sum);
  const whole = exact.map(Math.floor);
  let left = total - whole.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || (held[b[1]] ?? 0) - (held[a[1]] ?? 0) || a[1] - b[1]);
  for (const [, i] of order) {
    if (left === 0) break;
    if (weights[i]! > 0) {
      whole[i]!++;
      left--;
    }
  }
  return whole;
}

/**
 * Moves bringing each group g to `desired[g]` slots (summing to 16384): a group above its share gives
 * its highest slots away, to groups below theirs in index order, so groups keep few, long ranges.
 * Every move spans at most MAX_STEP_SLOTS slots of one source. Versions are 0 until a move runs.
 */
export function movesToward(assignment: SlotAssignment, desired: readonly number[]): SlotMove[] {
  const owners = ownerTable(assignment);
  const counts = slotCounts(assignment, desired.length);
  const deficits = desired.map((want, g) => Math.max(0, want - (counts[g] ?? 0)));
  const receivers = deficits.map((_, g) => g).filter((g) => deficits[g]! > 0);
  const target = new Int32Array(SLOT_COUNT).fill(-1);
  let r = 0;
  for (let g = 0; g < desired.length; g++) {
    let surplus = (counts[g] ?? 0) - desired[g]!;
    for (let slot = SLOT_COUNT - 1; slot >= 0 && surplus > 0; slot--) {
      if (owners[slot] !== g) continue;
      while (r < receivers.length && deficits[receivers[r]!] === 0) r++;
      const to = receivers[r];
      if (to === undefined) break;
      target[slot] = to;
      deficits[to]!--;
      surplus--;
    }
  }
  return runs(owners, target);
}

/** Consecutive slots with one source and one target, as moves of at most MAX_STEP_SLOTS. */
function runs(owners: Uint16Array, target: Int32Array): SlotMove[] {
  const moves: SlotMove[] = [];
  let slot = 0;
  while (slot < SLOT_COUNT) {
    const to = target[slot]!;
    if (to < 0) {
      slot++;
      continue;
    }
    const from = owners[slot]!;
    let last = slot;
    while (last + 1 < SLOT_COUNT && last - slot + 1 < MAX_STEP_SLOTS && target[last + 1] === to && owners[last + 1] === from) last++;
    moves.push({ first: slot, last, from, to, version: 0 });
    slot = last + 1;
  }
  return moves;
}

/** Even by slot count over the groups not draining (`draining[g]`); draining groups end with none. */
export function planEven(assignment: SlotAssignment, draining: readonly boolean[]): SlotMove[] {
  return movesToward(assignment, apportion(draining.map((d) => (d ? 0 : 1)), SLOT_COUNT, slotCounts(assignment, draining.length)));
}

/**
 * Even by memory: each group's slots are assumed to hold its memory evenly (its density, bytes per
 * slot), and a group gets slots in inverse proportion to its density, so every group would hold about
 * the same. A group with no slots or no memory counts at the cluster's mean density.
 */
export function planByMemory(assignment: SlotAssignment, draining: readonly boolean[], usedMemory: readonly number[]): SlotMove[] {
  const counts = slotCounts(assignment, draining.length);
  const total = usedMemory.reduce((a, b) => a + b, 0);
  const mean = total > 0 ? total / SLOT_COUNT : 1;
  const weights = draining.map((d, g) => {
    if (d) return 0;
    const density = counts[g]! > 0 && usedMemory[g]! > 0 ? usedMemory[g]! / counts[g]! : mean;
    return 1 / density;
  });
  return movesToward(assignment, apportion(weights, SLOT_COUNT, counts));
}

/** About half of `group`'s slots to `to` (a new, empty group). */
export function planSplit(assignment: SlotAssignment, groups: number, group: number, to: number): SlotMove[] {
  const desired = slotCounts(assignment, groups);
  const half = Math.floor(desired[group]! / 2);
  desired[group]! -= half;
  desired[to] = (desired[to] ?? 0) + half;
  return movesToward(assignment, desired);
}

/** [first, last] to `to`, one move per run of another owner, each at most MAX_STEP_SLOTS. */
export function planRange(assignment: SlotAssignment, first: number, last: number, to: number): SlotMove[] {
  const owners = ownerTable(assignment);
  const target = new Int32Array(SLOT_COUNT).fill(-1);
  for (let slot = first; slot <= last; slot++) if (owners[slot] !== to) target[slot] = to;
  return runs(owners, target);
}
