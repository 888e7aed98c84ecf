// The coordinator's step runner (shards/coordinator/scaling/steps.ts) against in-memory shards: keys
// end on the owner of their slot after any sequence of moves, a crash at any phase rolls forward, and
// each step's version is reserved above everything published or reserved.
import { describe, expect, it } from "vitest";
import { addShards, removeShard } from "../../shards/coordinator/scaling/requests";
import { runStep, type ScalingStore, type SlotMember, type StepState } from "../../shards/coordinator/scaling/steps";
import { SLOT_COUNT, inRanges, mergeRanges, ownerTable, rangesOf, type SlotMove, type SlotRanges } from "../../shards/coordinator/slots";
import { reconcile, type Topology } from "../../shards/coordinator/topology";

/** One shard as the migration methods see it: keys by slot, ownership state once a move touched it. */
class FakeShard implements SlotMember {
  keys = new Map<string, number>();
  state: { version: number; owned: SlotRanges; frozen: SlotMove[] } | null = null;
  busy = 0;

  owns(slot: number, initial: SlotRanges): boolean {
    return inRanges(this.state?.owned ?? initial, slot);
  }
  async slotsFreeze(move: SlotMove, owned: SlotRanges) {
    if (this.busy > 0) {
      this.busy--;
      return { busy: true as const };
    }
    this.state ??= { version: 0, owned, frozen: [] };
    if (!this.state.frozen.some((m) => m.version === move.version)) this.state.frozen.push(move);
    return { frozen: true as const, keys: [...this.keys.values()].filter((slot) => slot >= move.first && slot <= move.last).length };
  }
  async slotsExport(move: SlotMove, cursor: string, _maxBytes: number) {
    if (!this.state?.frozen.some((m) => m.version === move.version)) throw new Error("ERR range not frozen");
    const inRange = [...this.keys].filter(([, slot]) => slot >= move.first && slot <= move.last).sort();
    const from = Number(cursor);
    // Two keys per chunk, so ranges take several round trips.
    const part = inRange.slice(from, from + 2);
    const next = from + 2 >= inRange.length ? "0" : String(from + 2);
    return { chunk: new TextEncoder().encode(JSON.stringify(part)).buffer as ArrayBuffer, cursor: next };
  }
  async slotsImport(move: SlotMove, chunk: ArrayBuffer) {
    if (this.state && mergeRanges(this.state.owned).some(([a, b]) => a <= move.first && move.last <= b)) throw new Error("ERR range owned");
    for (const [key, slot] of JSON.parse(new TextDecoder().decode(chunk)) as [string, number][]) this.keys.set(key, slot);
  }
  async slotsClearImport(move: SlotMove) {
    for (const [key, slot] of this.keys) if (slot >= move.first && slot <= move.last && !(this.state && inRanges(this.state.owned, slot))) this.keys.delete(key);
  }
  async slotsCommit(move: SlotMove, owned: SlotRanges) {
    if (this.state && this.state.version >= move.version) return;
    this.state = { version: move.version, owned: mergeRanges([...owned, [move.first, move.last]]), frozen: this.state?.frozen ?? [] };
  }
  async slotsDrop(move: SlotMove) {
    for (const [key, slot] of this.keys) if (slot >= move.first && slot <= move.last) this.keys.delete(key);
    if (!this.state) return;
    const owned = this.state.owned.flatMap(([a, b]): [number, number][] => [
      ...(a < move.first ? [[a, Math.min(b, move.first - 1)] as [number, number]] : []),
      ...(b > move.last ? [[Math.max(a, move.last + 1), b] as [number, number]] : []),
    ]);
    this.state = { version: Math.max(this.state.version, move.version), owned, frozen: this.state.frozen.filter((m) => m.version !== move.version) };
  }
  async slotsState() {
    return this.state && { version: this.state.version, owned: this.state.owned.map(([a, b]) => [a, b] as [number, number]), frozen: this.state.frozen };
  }
}

const SETTINGS = { shards: 2, replicas: 0, mode: "async", failAfter: 3, probeMs: 1000 } as const;

class Cluster implements ScalingStore {
  shards = new Map<string, FakeShard>();
  stored: Topology = reconcile(undefined, SETTINGS);
  saved: StepState | null = null;
  reservedVersion = 0;
  /** Member calls before the one that throws (Infinity: none). */
  failAfter = Infinity;
  /** The failing call runs first and then throws (the coordinator stopped before storing its phase). */
  crashAfterCall = false;
  calls = 0;
  /** Every published slot version, in order. */
  published: number[] = [];

  constructor() {
    for (let i = 0; i < 400; i++) {
      const slot = (i * 41) % SLOT_COUNT;
      this.shard(this.owner(slot)).keys.set(`key${i}`, slot);
    }
  }
  owner(slot: number) {
    return this.stored.groups[ownerTable(this.stored.slots)[slot]!]!.primary;
  }
  shard(name: string) {
    if (!this.shards.has(name)) this.shards.set(name, new FakeShard());
    return this.shards.get(name)!;
  }
  member = (name: string): SlotMember => {
    const shard = this.shard(name);
    return new Proxy(shard, {
      get: (target, prop) => {
        const value = Reflect.get(target, prop) as unknown;
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          const crash = this.calls++ === this.failAfter;
          if (crash && !this.crashAfterCall) throw new Error(`crash at call ${this.failAfter}`);
          const answer = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (crash) return Promise.resolve(answer).then(() => Promise.reject(new Error(`crash after call ${this.failAfter}`)));
          return answer;
        };
      },
    });
  };
  async topology() {
    return this.stored;
  }
  async update(change: (t: Topology) => Topology) {
    const before = this.stored.slots.version;
    this.stored = change(this.stored);
    if (this.stored.slots.version !== before) this.published.push(this.stored.slots.version);
    return this.stored;
  }
  async step() {
    return this.saved;
  }
  async setStep(step: StepState | null) {
    this.saved = step && structuredClone(step);
  }
  async reserved() {
    return this.reservedVersion;
  }
  async setReserved(version: number) {
    this.reservedVersion = version;
  }
  queue(outcome: { topology: Topology } | { refused: string }) {
    if ("refused" in outcome) throw new Error(outcome.refused);
    this.stored = outcome.topology;
  }
  /** Runs every queued step; a crash leaves the step stored and the next call resumes it. */
  async drain(pause = async () => {}) {
    let crashes = 0;
    for (let guard = 0; guard < 10_000; guard++) {
      try {
        const outcome = await runStep({ store: this, member: this.member, pause, busyTries: 3 });
        if (outcome === "idle") return crashes;
      } catch {
        crashes++;
      }
    }
    throw new Error("steps never finished");
  }
  /** Every key is on exactly the primary owning its slot, and shards agree with the published slots. */
  check(keys = 400) {
    const owners = ownerTable(this.stored.slots);
    let count = 0;
    for (const [name, shard] of this.shards) {
      const group = this.stored.groups.findIndex((g) => g.primary === name);
      for (const slot of shard.keys.values()) expect(owners[slot]).toBe(group);
      count += shard.keys.size;
      if (shard.state) expect(mergeRanges(shard.state.owned)).toEqual(rangesOf(this.stored.slots, group));
      if (shard.state) expect(shard.state.frozen).toEqual([]);
    }
    expect(count).toBe(keys);
    expect(this.stored.moves).toEqual([]);
    expect(this.saved).toBeNull();
  }
}

describe("slot move steps", () => {
  it("moves keys to the owner of their slot through adds and removes, one published version per step", async () => {
    const cluster = new Cluster();
    cluster.queue(addShards(cluster.stored, 0, 2));
    const steps = cluster.stored.moves.length;
    expect(await cluster.drain()).toBe(0);
    cluster.check();
    expect(cluster.published).toEqual(Array.from({ length: steps }, (_, i) => i + 1));
    cluster.queue(removeShard(cluster.stored, 0));
    cluster.queue(addShards(cluster.stored, 0, 1));
    await cluster.drain();
    cluster.check();
    expect(rangesOf(cluster.stored.slots, 0)).toEqual([]);
    expect(cluster.stored.groups).toHaveLength(5);
    // Versions only grow.
    expect(cluster.published).toEqual([...cluster.published].sort((a, b) => a - b));
  });

  it.each([false, true])("rolls forward after a crash at any member call of a step (after the call ran: %s)", async (after) => {
    const reference = new Cluster();
    reference.queue(addShards(reference.stored, 0, 1));
    reference.stored = { ...reference.stored, moves: reference.stored.moves.slice(0, 2) };
    await reference.drain();
    const total = reference.calls;
    expect(total).toBeGreaterThan(8);
    for (let k = 0; k < total; k++) {
      const cluster = new Cluster();
      cluster.queue(addShards(cluster.stored, 0, 1));
      cluster.stored = { ...cluster.stored, moves: cluster.stored.moves.slice(0, 2) };
      cluster.failAfter = k;
      cluster.crashAfterCall = after;
      expect(await cluster.drain()).toBe(1);
      expect(cluster.stored.slots).toEqual(reference.stored.slots);
      // Each step publishes once, at the version it froze at, even when resumed.
      expect(cluster.published).toEqual([1, 2]);
      cluster.check();
    }
  });

  it("reserves each step's version above everything published or reserved, before the freeze", async () => {
    const cluster = new Cluster();
    cluster.queue(addShards(cluster.stored, 0, 1));
    // An earlier step reserved 7 and died before publishing anything.
    cluster.reservedVersion = 7;
    cluster.failAfter = 0;
    await expect(runStep({ store: cluster, member: cluster.member })).rejects.toThrow("crash");
    expect(cluster.saved).toMatchObject({ phase: "reserved", move: { version: 8 } });
    expect(cluster.reservedVersion).toBe(8);
    expect(cluster.stored.moves[0]!.version).toBe(8);
    expect(await runStep({ store: cluster, member: cluster.member })).toBe("done");
    expect(cluster.stored.slots.version).toBe(8);
    expect(await runStep({ store: cluster, member: cluster.member })).toBe("done");
    expect(cluster.stored.slots.version).toBe(9);
  });

  it("waits while the source is busy, and answers busy past its tries without moving anything", async () => {
    const cluster = new Cluster();
    cluster.queue(addShards(cluster.stored, 0, 1));
    const source = cluster.shard(cluster.stored.groups[cluster.stored.moves[0]!.from]!.primary);
    source.busy = 5;
    let paused = 0;
    const pause = async () => void paused++;
    expect(await runStep({ store: cluster, member: cluster.member, pause, busyTries: 3 })).toBe("busy");
    expect(cluster.saved?.phase).toBe("reserved");
    expect(cluster.stored.slots.version).toBe(0);
    expect(await runStep({ store: cluster, member: cluster.member, pause, busyTries: 3 })).toBe("done");
    expect(paused).toBe(4);
    await cluster.drain();
    cluster.check();
  });

  it("replans a queued move whose source does not own its range, before freezing anything", async () => {
    const cluster = new Cluster();
    // Slots 8000..8300 span shards 0 and 1; the queued move claims all come from shard 0.
    cluster.queue({ topology: { ...cluster.stored, moves: [{ first: 8000, last: 8300, from: 0, to: 1, version: 0 }] } });
    expect(await runStep({ store: cluster, member: cluster.member })).toBe("done");
    expect(cluster.stored.moves).toEqual([{ first: 8000, last: 8127, from: 0, to: 1, version: 0 }, { first: 8128, last: 8191, from: 0, to: 1, version: 0 }]);
    expect(cluster.calls).toBe(0);
    await cluster.drain();
    cluster.check();
    expect(rangesOf(cluster.stored.slots, 1)).toEqual([[8000, 16383]]);
  });
});
