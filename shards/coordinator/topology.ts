// The cluster's shape as the coordinator keeps it: for each shard (slot range), the member that leads,
// the members that replicate it, and the epoch at which that lead began.
import type { ReplicationMode } from "../replication/messages";
import { contiguousAssignment, type SlotAssignment, type SlotMove } from "./slots";

export interface GroupTopology {
  readonly primary: string;
  readonly replicas: readonly string[];
  /** Bumped by every promotion in this group; batches carry it, so a replaced primary refuses them. */
  readonly epoch: number;
  /** Removed (CLUSTER REMOVESHARD): owns no slots and takes none; groups are only ever appended. */
  readonly draining?: boolean;
}

export interface Topology {
  /** Bumped by every change anywhere: the gateway's cached copy is current while versions match. */
  readonly version: number;
  readonly groups: readonly GroupTopology[];
  /** Which group owns each slot; `slots.version` 0 until the first move. */
  readonly slots: SlotAssignment;
  /** Queued slot moves, the running one first (scaling/). */
  readonly moves: readonly SlotMove[];
}

/** Auto-rebalance thresholds (EDGESLOT_AUTOSPLIT_*): a group past either is split in two. */
export interface AutoSplitSettings {
  /** A group using more than this share of `maxMemory` is split (0: memory never splits). */
  readonly memoryShare: number;
  /** Bytes a group may hold (EDGESLOT_MAXMEMORY). */
  readonly maxMemory: number;
  /** A group running more than this many times the mean command rate of the others is split (0: off). */
  readonly rateFactor: number;
  /** How often the coordinator polls the primaries. */
  readonly checkMs: number;
}

/** What the gateway's configuration says, sent with every coordinator call (the coordinator has no
 * vars of its own to disagree with). */
export interface ClusterSettings {
  readonly shards: number;
  readonly replicas: number;
  readonly mode: ReplicationMode;
  /** Failed calls to a primary before the coordinator probes it, and fails it over if the probe fails. */
  readonly failAfter: number;
  /** How long a probe or a fence may take before its member counts as unreachable. */
  readonly probeMs: number;
  /** Groups an automatic split may grow the cluster to (EDGESLOT_MAX_SHARDS, default 64). */
  readonly maxShards?: number;
  /** Absent: no automatic splitting. */
  readonly autoSplit?: AutoSplitSettings;
}

/** The members of shard `shard`: the object named for the shard, and its numbered replicas. */
export function memberNames(shard: number, replicas: number): string[] {
  return [`shard-${shard}`, ...Array.from({ length: replicas }, (_, j) => `shard-${shard}-replica-${j}`)];
}

/**
 * The stored topology brought to the configured shard and replica counts: a new shard starts led by
 * its own object at epoch 0; a group keeps its primary whatever the count, and gains or loses
 * replicas from the end of its member list. Once slots have moved or are queued to (`slots.version > 0`,
 * `moves`) the stored
 * groups and slots are the truth and the configured shard count is ignored.
 */
export function reconcile(stored: Topology | undefined, settings: ClusterSettings): Topology {
  // Groups added or removed by moves not yet run count too, before the first move publishes.
  const moved = stored?.slots !== undefined && (stored.slots.version > 0 || (stored.moves?.length ?? 0) > 0);
  const count = moved ? stored.groups.length : settings.shards;
  let changed = stored === undefined || stored.groups.length !== count || stored.slots === undefined || stored.moves === undefined;
  const groups = Array.from({ length: count }, (_, shard): GroupTopology => {
    const names = memberNames(shard, settings.replicas);
    const group = stored?.groups[shard];
    if (!group) return { primary: names[0]!, replicas: names.slice(1), epoch: 0 };
    const replicas = names.filter((name) => name !== group.primary).slice(0, settings.replicas);
    if (replicas.join() !== group.replicas.join()) changed = true;
    return { ...group, replicas };
  });
  const slots = moved ? stored.slots : contiguousAssignment(count);
  return { version: (stored?.version ?? 0) + (changed ? 1 : 0), groups, slots, moves: stored?.moves ?? [] };
}
