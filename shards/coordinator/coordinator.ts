// The coordinator: one Durable Object holding the topology (each shard's primary, replicas and epoch)
// and the health of every member; it confirms failures reported by gateways, runs failovers one at a
// time per shard, and publishes the result. See README.md beside this file.
import { DurableObject } from "cloudflare:workers";
import type { Shard } from "../shard";
import { failover, within, type FailoverOutcome } from "./failover";
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

type CoordinatorBindings = { SHARD: DurableObjectNamespace<Shard> };

export class Coordinator extends DurableObject<CoordinatorBindings> {
  /** One failover at a time per shard; reports arriving meanwhile wait for its outcome. */
  private running = new Map<number, Promise<FailoverOutcome>>();
  /** Settings of the last call, for the alarm's probes. */
  private settings: ClusterSettings | null = null;

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
    if (!Number.isInteger(shard) || shard < 0 || shard >= settings.shards) return { refused: `ERR no shard ${shard}: shards are 0 to ${settings.shards - 1}` };
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

  /** Failed members are probed until they answer again. */
  async alarm(): Promise<void> {
    const health = (await this.ctx.storage.get<Record<string, MemberHealth>>("health")) ?? {};
    const failed = Object.entries(health).filter(([, h]) => h.state === "failed");
    const probeMs = this.settings?.probeMs ?? 2_000;
    const answers = await Promise.all(failed.map(([name]) => within(this.member(name).memberStatus(), probeMs)));
    let stillFailed = false;
    failed.forEach(([name], i) => {
      if (answers[i]) health[name] = { state: "ok", failures: 0, since: Date.now() };
      else stillFailed = true;
    });
    await this.ctx.storage.put("health", health);
    if (stillFailed) await this.ctx.storage.setAlarm(Date.now() + REPROBE_MS);
  }

  private async runFailover(settings: ClusterSettings, shard: number, planned: boolean): Promise<FailoverOutcome> {
    const topology = await this.load(settings);
    const group = topology.groups[shard]!;
    if (group.replicas.length === 0) return { refused: `ERR shard ${shard} has no replicas (EDGESLOT_REPLICAS is 0)` };
    const nextEpoch = (floor = 0) => this.reserveEpoch(shard, Math.max(group.epoch, floor));
    const epoch = await nextEpoch();
    const outcome = await failover({ shard, group, epoch, nextEpoch, mode: settings.mode, planned, timeoutMs: settings.probeMs, member: (name) => this.member(name) });
    if (!outcome.group) return outcome;
    const groups = topology.groups.map((g, i) => (i === shard ? outcome.group : g));
    await this.ctx.storage.put("topology", { ...topology, version: topology.version + 1, groups } satisfies Topology);
    if (outcome.group.primary === group.primary) return outcome;
    if (!planned) {
      await this.setHealth(group.primary, { state: "failed", failures: 0, since: Date.now(), reason: "failed over" });
      await this.ctx.storage.setAlarm(Date.now() + REPROBE_MS);
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
    this.settings = settings;
    const stored = await this.ctx.storage.get<Topology>("topology");
    const topology = reconcile(stored, settings);
    if (topology.version !== stored?.version) await this.ctx.storage.put("topology", topology);
    return topology;
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
