// The coordinator: one Durable Object holding the topology (each shard's primary, replicas and epoch)
// and the health of every member; it confirms failures reported by gateways, runs failovers one at a
// time per shard, and publishes the result; it also queues and runs slot moves (scaling/). See
// README.md beside this file.
import { DurableObject } from "cloudflare:workers";
import type { Shard } from "../shard";
import { failover, within, type FailoverOutcome } from "./failover";
import * as requests from "./scaling/requests";
import { StepFaults, type StepFault } from "./scaling/step-faults";
import { runStep, type ScalingStore, type SlotMember, type StepState } from "./scaling/steps";
import { reconcile, type ClusterSettings, type Topology } from "./topology";

/** The one coordinator object's name. */
export const COORDINATOR_NAME = "coordinator";

export interface MemberHealth {
  readonly state: "ok" | "suspect" | "failed";
  /** Failed calls reported since the member last answered. */
  readonly failures: number;
  /** When the state last changed (ms). */
  readonly since: number;
  readonly reason?: string;
}

/** How often failed members are probed again, so health shows when they come back. */
const REPROBE_MS = 5_000;

/** The shortest pause after a step. The pause is as long as the step itself: the copy and the drop
 * keep the source and target busy (locally, workerd's one thread for every object), and requests
 * queued behind them are served in the pause, at half the migration's speed. */
const STEP_PAUSE_MIN_MS = 25;
/** A step whose member failed is tried again after this long. */
const STEP_RETRY_MS = 2_000;

type CoordinatorBindings = { SHARD: DurableObjectNamespace<Shard>; EDGESLOT_TEST_FAULTS?: string };

/** What a primary's memberStatus adds for scaling (shards/shard.ts). */
interface ShardLoad {
  readonly usedMemory: number;
  readonly commands: number;
}

export type ScalingAnswer = { queued: number } | { refused: string };

export class Coordinator extends DurableObject<CoordinatorBindings> {
  /** One failover at a time per shard; reports arriving meanwhile wait for its outcome. */
  private running = new Map<number, Promise<FailoverOutcome>>();
  /** Settings of the last call, for the alarm's probes. */
  private settings: ClusterSettings | null = null;
  /** Topology writes (failover, scaling, reconcile) one at a time, each on the latest stored copy. */
  private writing: Promise<unknown> = Promise.resolve();
  /** Each group's command count when last polled, for its rate. */
  private rates = new Map<number, { commands: number; at: number }>();
  /** The test hook that stops a slot move as if this object crashed (EDGESLOT_TEST_FAULTS only). */
  private readonly stepFaults = new StepFaults(this.env.EDGESLOT_TEST_FAULTS === "1");

  async topology(settings: ClusterSettings): Promise<Topology> {
    return this.load(settings);
  }

  async health(settings: ClusterSettings): Promise<Record<string, MemberHealth>> {
    await this.load(settings);
    return (await this.ctx.storage.get<Record<string, MemberHealth>>("health")) ?? {};
  }

  /**
   * A gateway's call to `member`, the primary of `shard` at `epoch` as it knew it, failed. Past
   * `failAfter` reports the coordinator probes the member itself: one that answers as primary stays
   * (the failure may have been the caller's); one that does not is failed over.
   */
  async reportFailure(settings: ClusterSettings, shard: number, epoch: number, member: string, reason: string): Promise<Topology> {
    const topology = await this.load(settings);
    const group = topology.groups[shard];
    if (!group || group.primary !== member || group.epoch !== epoch) return topology;
    const health = await this.healthOf(member);
    const failures = health.failures + 1;
    await this.setHealth(member, { state: "suspect", failures, since: health.state === "suspect" ? health.since : Date.now(), reason });
    if (failures < settings.failAfter) return topology;
    const probe = await within(this.member(member).memberStatus(), settings.probeMs);
    if (probe && probe.role === "primary" && probe.epoch === epoch) {
      await this.setHealth(member, { state: "ok", failures: 0, since: Date.now() });
      return topology;
    }
    await this.failover(settings, shard, false);
    return this.load(settings);
  }

  /** CLUSTER FAILOVER and the admin route: planned unless `force`. Answers the new primary or why not. */
  async failover(settings: ClusterSettings, shard: number, planned: boolean): Promise<{ primary: string; epoch: number } | { refused: string }> {
    const count = (await this.load(settings)).groups.length;
    if (!Number.isInteger(shard) || shard < 0 || shard >= count) return { refused: `ERR no shard ${shard}: shards are 0 to ${count - 1}` };
    const running = this.running.get(shard);
    const answer = (outcome: FailoverOutcome) => (outcome.refused !== undefined || !outcome.group ? { refused: outcome.refused ?? "ERR failover failed" } : { primary: outcome.group.primary, epoch: outcome.group.epoch });
    if (running) return answer(await running);
    const attempt = this.runFailover(settings, shard, planned);
    this.running.set(shard, attempt);
    try {
      return answer(await attempt);
    } finally {
      this.running.delete(shard);
    }
  }

  /** `count` new shards; slots move until every shard owns an even share. Answers at once. */
  async addShards(settings: ClusterSettings, count: number): Promise<ScalingAnswer> {
    return this.request(settings, (topology) => requests.addShards(topology, settings.replicas, count));
  }

  /** Moves every slot of `group` to the others; the group stays listed, draining. */
  async removeShard(settings: ClusterSettings, group: number): Promise<ScalingAnswer> {
    return this.request(settings, (topology) => requests.removeShard(topology, group));
  }

  async moveSlots(settings: ClusterSettings, first: number, last: number, to: number): Promise<ScalingAnswer> {
    return this.request(settings, (topology) => requests.moveSlots(topology, first, last, to));
  }

  async rebalance(settings: ClusterSettings, by: "slots" | "memory"): Promise<ScalingAnswer> {
    if (by === "slots") return this.request(settings, (topology) => requests.rebalance(topology, "slots"));
    const topology = await this.load(settings);
    const loads = await this.loads(topology, settings.probeMs);
    const missing = loads.findIndex((load, g) => load === null && !topology.groups[g]!.draining);
    if (missing >= 0) return { refused: `ERR shard ${missing} did not report its memory` };
    return this.request(settings, (current) => requests.rebalance(current, "memory", loads.map((load) => load?.usedMemory ?? 0)));
  }

  /** Failed members are probed until they answer again; queued slot moves run; with auto-split on,
   * the primaries' load is checked. */
  async alarm(): Promise<void> {
    const now = Date.now();
    const next: number[] = [];
    const health = (await this.ctx.storage.get<Record<string, MemberHealth>>("health")) ?? {};
    const failed = Object.entries(health).filter(([, h]) => h.state === "failed");
    const settings = (this.settings ??= (await this.ctx.storage.get<ClusterSettings>("settings")) ?? null);
    const probeMs = settings?.probeMs ?? 2_000;
    const answers = await Promise.all(failed.map(([name]) => within(this.member(name).memberStatus(), probeMs)));
    let stillFailed = false;
    failed.forEach(([name], i) => {
      if (answers[i]) health[name] = { state: "ok", failures: 0, since: Date.now() };
      else stillFailed = true;
    });
    if (failed.length > 0) await this.ctx.storage.put("health", health);
    if (stillFailed) next.push(now + REPROBE_MS);
    // No settings: no call ever came, so nothing is queued either.
    const stepStarted = Date.now();
    const steps = settings ? await this.runStep() : "idle";
    // The next step in a fresh alarm, after a pause as long as this one: calls that waited during it
    // (gateways refreshing the slot map after MOVED) are answered in between, and requests queued
    // behind the copy get the shards back.
    if (steps === "done") next.push(Date.now() + Math.max(STEP_PAUSE_MIN_MS, Date.now() - stepStarted));
    if (steps === "busy" || steps === "failed") next.push(Date.now() + STEP_RETRY_MS);
    if (settings?.autoSplit) {
      // Rates are measured between two checks while nothing moves: a baseline from before a move
      // would average the load that led to it into the first check after it, and split again.
      if (steps === "idle") await this.autoSplit(settings);
      else this.rates.clear();
      next.push(Date.now() + settings.autoSplit.checkMs);
    }
    if (next.length > 0) await this.ctx.storage.setAlarm(Math.min(...next));
  }

  /** Arms (or, with null, disarms) a slot-move fault; answers how many armed faults have fired. */
  async testStepFault(fault: StepFault | null | undefined): Promise<{ fired: number }> {
    if (fault !== undefined) this.stepFaults.arm(fault);
    return { fired: this.stepFaults.fired };
  }

  private async runFailover(settings: ClusterSettings, shard: number, planned: boolean): Promise<FailoverOutcome> {
    const topology = await this.load(settings);
    const group = topology.groups[shard]!;
    if (group.replicas.length === 0) return { refused: `ERR shard ${shard} has no replicas (EDGESLOT_REPLICAS is 0)` };
    const nextEpoch = (floor = 0) => this.reserveEpoch(shard, Math.max(group.epoch, floor));
    const epoch = await nextEpoch();
    const outcome = await failover({ shard, group, epoch, nextEpoch, mode: settings.mode, planned, timeoutMs: settings.probeMs, member: (name) => this.member(name) });
    if (!outcome.group) return outcome;
    // On the stored copy as it is now: a slot move may have published while the failover ran.
    await this.update((current) => ({ ...current, version: current.version + 1, groups: current.groups.map((g, i) => (i === shard ? { ...g, ...outcome.group } : g)) }));
    if (outcome.group.primary === group.primary) return outcome;
    if (!planned) {
      await this.setHealth(group.primary, { state: "failed", failures: 0, since: Date.now(), reason: "failed over" });
      await this.wake(Date.now() + REPROBE_MS);
    }
    await this.setHealth(outcome.group.primary, { state: "ok", failures: 0, since: Date.now() });
    console.log(`shard ${shard}: ${outcome.group.primary} leads at epoch ${outcome.group.epoch} (was ${group.primary}, ${planned ? "planned" : "failed"})`);
    return outcome;
  }

  /** A fresh epoch for shard `shard` above `floor`, stored before any member hears of it: no two
   * attempts share one. */
  private async reserveEpoch(shard: number, floor: number): Promise<number> {
    const attempts = (await this.ctx.storage.get<Record<number, number>>("attempts")) ?? {};
    const epoch = Math.max(floor, attempts[shard] ?? 0) + 1;
    await this.ctx.storage.put("attempts", { ...attempts, [shard]: epoch });
    return epoch;
  }

  private async load(settings: ClusterSettings): Promise<Topology> {
    if (JSON.stringify(settings) !== JSON.stringify(this.settings)) {
      // Kept for the alarm, which runs with no caller to say them.
      this.settings = settings;
      await this.ctx.storage.put("settings", settings);
      if (settings.autoSplit) await this.wake(Date.now() + settings.autoSplit.checkMs);
    }
    const stored = await this.ctx.storage.get<Topology>("topology");
    const topology = reconcile(stored, settings);
    if (topology.version === stored?.version) return topology;
    return this.update((current) => reconcile(current, settings));
  }

  /** Runs `change` on the stored topology with no other writer in between; stores a changed result. */
  private update(change: (topology: Topology) => Topology): Promise<Topology> {
    const write = this.writing.then(async () => {
      const stored = await this.ctx.storage.get<Topology>("topology");
      const current = reconcile(stored, this.settings!);
      const changed = change(current);
      if (changed !== stored) await this.ctx.storage.put("topology", changed);
      return changed;
    });
    this.writing = write.catch(() => undefined);
    return write;
  }

  /** A scaling request checked and queued on the current topology; the step loop starts at once. */
  private async request(settings: ClusterSettings, plan: (topology: Topology) => requests.Queued): Promise<ScalingAnswer> {
    await this.load(settings);
    let refused: string | null = null;
    let queued = 0;
    await this.update((topology) => {
      const outcome = plan(topology);
      if ("refused" in outcome) {
        refused = outcome.refused;
        return topology;
      }
      queued = outcome.queued;
      return outcome.topology;
    });
    if (refused !== null) return { refused };
    if (queued > 0) await this.wake(Date.now());
    return { queued };
  }

  /** An alarm at `at`, unless one is due sooner. */
  private async wake(at: number): Promise<void> {
    const due = await this.ctx.storage.getAlarm();
    if (due === null || due > at) await this.ctx.storage.setAlarm(at);
  }

  /**
   * One queued step (or the stored one, resumed at its phase). One per alarm, because during a move
   * gateways wait on the topology (MOVED): measured under `npm start`, a loop of steps in one alarm
   * kept every topology call waiting until the loop ended (20 s, its budget then), also with the loop
   * detached from the handler; between alarms they are answered.
   */
  private async runStep(): Promise<"idle" | "busy" | "done" | "failed"> {
    const faults = this.stepFaults;
    try {
      return await runStep({
        store: faults.store(this.scalingStore()),
        member: (name) => faults.member(this.member(name) as unknown as SlotMember),
        maxBytes: faults.exportBytes,
      });
    } catch (error) {
      // Rolled forward on the next alarm: every phase is idempotent, and the stored phase says where to resume.
      console.log(`slot move: ${error instanceof Error ? error.message : String(error)}; retrying in ${STEP_RETRY_MS} ms`);
      return "failed";
    }
  }

  private scalingStore(): ScalingStore {
    const storage = this.ctx.storage;
    return {
      topology: async () => reconcile(await storage.get<Topology>("topology"), this.settings!),
      update: (change) => this.update(change),
      step: async () => (await storage.get<StepState>("step")) ?? null,
      setStep: async (step) => void (step ? await storage.put("step", step) : await storage.delete("step")),
      reserved: async () => (await storage.get<number>("reservedSlotVersion")) ?? 0,
      setReserved: (version) => storage.put("reservedSlotVersion", version),
    };
  }

  /** Each group's primary's load, null where it did not answer (draining groups are not asked). */
  private async loads(topology: Topology, probeMs: number): Promise<(ShardLoad | null)[]> {
    return Promise.all(
      topology.groups.map(async (group) => {
        if (group.draining) return null;
        const status = (await within(this.member(group.primary).memberStatus(), probeMs)) as Partial<ShardLoad> | null;
        return status && typeof status.usedMemory === "number" ? { usedMemory: status.usedMemory, commands: status.commands ?? 0 } : null;
      }),
    );
  }

  /** Splits the hottest group past a threshold: one split per check, none while moves are queued. */
  private async autoSplit(settings: ClusterSettings): Promise<void> {
    const auto = settings.autoSplit!;
    const topology = await this.load(settings);
    if (topology.moves.length > 0) return;
    const now = Date.now();
    const loads = await this.loads(topology, settings.probeMs);
    const rates = loads.map((load, g) => {
      if (!load) return null;
      const previous = this.rates.get(g);
      this.rates.set(g, { commands: load.commands, at: now });
      if (!previous || load.commands < previous.commands || now <= previous.at) return null;
      return (load.commands - previous.commands) / (now - previous.at);
    });
    const hot = pickHot(loads, rates, auto);
    if (hot === null) return;
    const outcome = await this.request(settings, (current) => requests.split(current, settings.replicas, hot, settings.maxShards ?? requests.DEFAULT_MAX_SHARDS));
    if ("queued" in outcome) console.log(`shard ${hot} is hot: splitting it (${outcome.queued} steps)`);
  }

  private async healthOf(member: string): Promise<MemberHealth> {
    const health = (await this.ctx.storage.get<Record<string, MemberHealth>>("health")) ?? {};
    return health[member] ?? { state: "ok", failures: 0, since: 0 };
  }

  private async setHealth(member: string, value: MemberHealth): Promise<void> {
    const health = (await this.ctx.storage.get<Record<string, MemberHealth>>("health")) ?? {};
    health[member] = value;
    await this.ctx.storage.put("health", health);
  }

  private member(name: string) {
    return this.env.SHARD.get(this.env.SHARD.idFromName(name));
  }
}

/** The group to split: past its memory share (the fullest first), else past `rateFactor` times the mean
 * rate of the others. Null when none is. */
export function pickHot(loads: readonly ({ usedMemory: number } | null)[], rates: readonly (number | null)[], auto: NonNullable<ClusterSettings["autoSplit"]>): number | null {
  let hot: number | null = null;
  loads.forEach((load, g) => {
    if (load && auto.memoryShare > 0 && load.usedMemory > auto.memoryShare * auto.maxMemory && (hot === null || load.usedMemory > loads[hot]!.usedMemory)) hot = g;
  });
  if (hot !== null || auto.rateFactor <= 0) return hot;
  let best = 0;
  rates.forEach((rate, g) => {
    const others = rates.filter((r, i): r is number => i !== g && r !== null);
    if (rate === null || others.length === 0) return;
    const mean = others.reduce((a, b) => a + b, 0) / others.length;
    if (mean > 0 && rate > auto.rateFactor * mean && rate > best) {
      best = rate;
      hot = g;
    }
  });
  return hot;
}
