// The gateway's copy of the coordinator's topology: fetched once per isolate, refreshed when a shard
// answers that its epoch moved on (the MOVED of failover) and after a failure the coordinator handled.
import { COORDINATOR_NAME, type MemberHealth, type ScalingAnswer } from "../../shards/coordinator/coordinator";
import type { ClusterControl, ScalingControl } from "../local/context";
import { reconcile, type ClusterSettings, type GroupTopology, type Topology } from "../../shards/coordinator/topology";
import type { Route } from "../../shards/slots/route";
import { MovedError } from "./moved";
import { slotMapOf, type SlotMap } from "./slot-map";

/** How long a request waits for the coordinator to publish the slot map a shard named (a move's
 * step publishes within milliseconds of the shard learning it). */
const MOVED_WAIT_MS = 10_000;

/** Per isolate, per configuration (tests run several configurations in one isolate). */
const cache = new Map<string, Topology>();

export class TopologyClient implements ClusterControl, ScalingControl {
  private readonly key: string;

  constructor(
    private readonly namespace: Env["COORDINATOR"],
    readonly settings: ClusterSettings,
  ) {
    this.key = `${settings.shards}/${settings.replicas}`;
  }

  /** The cached topology, or the coordinator's on an isolate's first call. */
  async current(): Promise<Topology> {
    return cache.get(this.key) ?? this.refresh();
  }

  /** What is known without a call: the cached topology, else the one every cluster starts with. */
  peek(): Topology {
    return cache.get(this.key) ?? reconcile(undefined, this.settings);
  }

  /** The slot map of the cached topology (current() has been awaited for the request). */
  slotMap(): SlotMap {
    return slotMapOf(this.peek());
  }

  /** What a batch to `shard` carries: the slot map's version and the shard's slots in it. */
  route(shard: number): Route {
    return this.slotMap().route(shard);
  }

  /**
   * A shard refused a batch because its slots changed at `version`: refreshes until the topology
   * holds that version, and answers the error that makes the request plan the batch again.
   */
  async movedTo(version: number): Promise<MovedError> {
    const until = Date.now() + MOVED_WAIT_MS;
    for (let wait = 5; (await this.refresh()).slots.version < version; wait = Math.min(wait * 2, 200)) {
      if (Date.now() > until) throw new Error(`slots moving (version ${version} not published in ${MOVED_WAIT_MS} ms), try again`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    return new MovedError(version);
  }

  async group(shard: number): Promise<GroupTopology> {
    return (await this.current()).groups[shard]!;
  }

  async refresh(): Promise<Topology> {
    return this.keep(await this.coordinator().topology(this.settings));
  }

  /** Tells the coordinator a call to `member` failed; answers the topology after its verdict. */
  async reportFailure(shard: number, group: GroupTopology, reason: string): Promise<Topology> {
    return this.keep(await this.coordinator().reportFailure(this.settings, shard, group.epoch, group.primary, reason));
  }

  /** The coordinator is the truth: its answer replaces the copy (an older answer arriving late only
   * costs one more stale reply and refresh). */
  health(): Promise<Record<string, MemberHealth>> {
    return this.coordinator().health(this.settings);
  }

  async failover(shard: number, planned: boolean): Promise<{ primary: string; epoch: number } | { refused: string }> {
    const outcome = await this.coordinator().failover(this.settings, shard, planned);
    if (!("refused" in outcome)) await this.refresh();
    return outcome;
  }

  // Scaling requests answer at once; the moves publish as they run, and the gateway learns each from a
  // shard's { moved } answer or its next refresh.
  addShards(count: number): Promise<ScalingAnswer> {
    return this.coordinator().addShards(this.settings, count);
  }

  removeShard(group: number): Promise<ScalingAnswer> {
    return this.coordinator().removeShard(this.settings, group);
  }

  moveSlots(first: number, last: number, to: number): Promise<ScalingAnswer> {
    return this.coordinator().moveSlots(this.settings, first, last, to);
  }

  rebalance(by: "slots" | "memory"): Promise<ScalingAnswer> {
    return this.coordinator().rebalance(this.settings, by);
  }

  private keep(topology: Topology): Topology {
    cache.set(this.key, topology);
    return topology;
  }

  private coordinator() {
    return this.namespace.get(this.namespace.idFromName(COORDINATOR_NAME));
  }
}
