// The gateway's copy of the coordinator's topology: fetched once per isolate, refreshed when a shard
// answers that its epoch moved on (the MOVED of failover) and after a failure the coordinator handled.
import { COORDINATOR_NAME, type MemberHealth, type ScalingAnswer } from "../../shards/coordinator/coordinator";
import type { ClusterControl, ScalingControl } from "../local/context";
import { reconcile, type ClusterSettings, type GroupTopology, type Topology } from "../../shards/coordinator/topology";

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
