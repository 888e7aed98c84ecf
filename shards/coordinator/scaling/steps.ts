// The step runner: moves one queued slot range from its source group to its target (reserve a version,
// freeze, copy, commit, drop, publish), persisting the phase so a restarted coordinator rolls forward.
import { assignRange, ownerTable, rangesOf, type SlotMove, type SlotRanges } from "../slots";
import { planRange } from "./plan";
import type { GroupTopology, Topology } from "../topology";

/** The shard methods a move calls on a group's primary (shards/shard.ts; all idempotent). */
export interface SlotMember {
  slotsFreeze(move: SlotMove, owned: SlotRanges): Promise<{ frozen: true; keys: number } | { busy: true }>;
  slotsExport(move: SlotMove, cursor: string, maxBytes: number): Promise<{ chunk: ArrayBuffer; cursor: string }>;
  slotsImport(move: SlotMove, chunk: ArrayBuffer): Promise<void>;
  slotsClearImport(move: SlotMove): Promise<void>;
  slotsCommit(move: SlotMove, owned: SlotRanges): Promise<void>;
  slotsDrop(move: SlotMove): Promise<void>;
  slotsState(): Promise<{ version: number; owned: [number, number][]; frozen: SlotMove[] } | null>;
}

/** How far the running step got. "reserved": W is stored, nothing asked yet; "frozen": the source
 * serves the range no more (the target's copy, if any, is not trusted); "committed": the target owns
 * it; "dropped": the source forgot it, only publishing is left. */
export type StepPhase = "reserved" | "frozen" | "committed" | "dropped";

export interface StepState {
  readonly move: SlotMove;
  readonly phase: StepPhase;
}

/** The coordinator's storage as the runner needs it (a Durable Object's, or a test's map). */
export interface ScalingStore {
  topology(): Promise<Topology>;
  /** Runs `change` on the stored topology with no other writer in between, stores and answers the result. */
  update(change: (topology: Topology) => Topology): Promise<Topology>;
  step(): Promise<StepState | null>;
  setStep(step: StepState | null): Promise<void>;
  /** The highest slot version ever reserved (0 if none). */
  reserved(): Promise<number>;
  setReserved(version: number): Promise<void>;
}

export interface StepRunner {
  readonly store: ScalingStore;
  readonly member: (name: string) => SlotMember;
  /** Bytes per export chunk; each chunk is one RPC each way, so it stays well under 32 MiB. */
  readonly maxBytes?: number;
  /** Freeze answers busy while a cross-shard transaction holds a key of the range: tries before giving up for now. */
  readonly busyTries?: number;
  readonly pause?: (ms: number) => Promise<void>;
}

export const EXPORT_BYTES = 4 * 1024 * 1024;

/** The topology with `current` as its first move. */
const withCurrent = (topology: Topology, current: SlotMove): Topology => ({ ...topology, version: topology.version + 1, moves: [current, ...topology.moves.slice(1)] });

/**
 * Runs the current step to its end (or starts the first queued one). Answers "idle" when nothing is
 * queued, "busy" when the source could not freeze yet (call again later), "done" after publishing.
 * Throws when a member fails; calling again resumes at the stored phase.
 */
export async function runStep(runner: StepRunner): Promise<"idle" | "busy" | "done"> {
  const { store } = runner;
  let step = await store.step();
  if (!step) {
    const queued = (await store.topology()).moves[0];
    if (!queued) return "idle";
    // Above everything published or reserved, stored before any member hears of it: a step that
    // failed after freezing may have left a range frozen at a version nobody published.
    const topology = await store.topology();
    const version = Math.max(topology.slots.version, await store.reserved()) + 1;
    await store.setReserved(version);
    step = { move: { ...queued, version }, phase: "reserved" };
    await store.setStep(step);
    const move = step.move;
    await store.update((t) => withCurrent(t, move));
  }
  const { move } = step;
  const primary = async (group: number): Promise<[GroupTopology, SlotMember]> => {
    const g = (await store.topology()).groups[group]!;
    return [g, runner.member(g.primary)];
  };
  if (step.phase === "reserved") {
    const slots = (await store.topology()).slots;
    const owners = ownerTable(slots).subarray(move.first, move.last + 1);
    if (owners.some((owner) => owner !== move.from)) {
      // Planned against an assignment that did not come to be (nothing froze yet, so nothing is lost):
      // the range goes to its target from whoever owns it now, as fresh steps.
      const again = planRange(slots, move.first, move.last, move.to);
      await store.update((topology) => ({ ...topology, version: topology.version + 1, moves: [...again, ...topology.moves.slice(1)] }));
      await store.setStep(null);
      return "done";
    }
    const [, source] = await primary(move.from);
    const tries = runner.busyTries ?? 20;
    for (let attempt = 0; ; attempt++) {
      const answer = await source.slotsFreeze(move, rangesOf(slots, move.from));
      if ("frozen" in answer) break;
      if (attempt + 1 >= tries) return "busy";
      await (runner.pause ?? sleep)(Math.min(500, 10 * 2 ** attempt));
    }
    step = { move, phase: "frozen" };
    await store.setStep(step);
  }
  if (step.phase === "frozen") {
    const [, source] = await primary(move.from);
    const [, target] = await primary(move.to);
    // The target may have committed just before the coordinator stopped: it then refuses imports into
    // a range it owns, and its copy is complete.
    const state = await target.slotsState();
    const committed = state !== null && state.version >= move.version && state.owned.some(([first, last]) => first <= move.first && move.last <= last);
    if (!committed) {
      // A copy left by an interrupted attempt may miss keys or hold ones since dropped: start afresh.
      await target.slotsClearImport(move);
      let cursor = "0";
      do {
        const part = await source.slotsExport(move, cursor, runner.maxBytes ?? EXPORT_BYTES);
        if (part.chunk.byteLength > 0) await target.slotsImport(move, part.chunk);
        cursor = part.cursor;
      } while (cursor !== "0");
      await target.slotsCommit(move, rangesOf((await store.topology()).slots, move.to));
    }
    step = { move, phase: "committed" };
    await store.setStep(step);
  }
  if (step.phase === "committed") {
    const [, source] = await primary(move.from);
    await source.slotsDrop(move);
    step = { move, phase: "dropped" };
    await store.setStep(step);
  }
  await store.update((topology) => {
    // Publishing twice (a crash after publishing, before forgetting the step) changes nothing.
    if (topology.slots.version >= move.version) return topology;
    const rest = topology.moves.filter((m, i) => !(i === 0 && m.first === move.first && m.last === move.last && m.from === move.from && m.to === move.to));
    return { ...topology, version: topology.version + 1, slots: assignRange(topology.slots, move.first, move.last, move.to, move.version), moves: rest };
  });
  await store.setStep(null);
  return "done";
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
