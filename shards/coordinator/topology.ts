// The cluster's shape as the coordinator keeps it: for each shard (slot range), the member that leads,
// the members that replicate it, and the epoch at which that lead began.
import type { ReplicationMode } from "../replication/messages";
import { contiguousAssignment, type SlotAssignment, type SlotMove } from "./slots";

export interface GroupTopology {
  readonly primary: string;
  readonly replicas: readonly string[];
  /** Bumped by every promotion in this group; batches carry it, so a replaced primary refuses them. */
  readonly epoch: number;
  /** Removed: kept so group indices stay stable, owns no slots. */
  readonly draining?: boolean;
}

export interface Topology {
  /** Bumped by every change anywhere: the gateway's cached copy is current while versions match. */
  readonly version: number;
  readonly groups: readonly GroupTopology[];
  /** Which group owns each slot; version 0 is the contiguous split of the configured shard count. */
  readonly slots: SlotAssignment;
  /** Queued and current slot moves, current first. */
  readonly moves: readonly SlotMove[];
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
}

/** The members of shard `shard`: the object named for the shard, and its numbered replicas. */
export function memberNames(shard: number, replicas: number): string[] {
  return [`shard-${shard}`, ...Array.from({ length: replicas }, (_, j) => `shard-${shard}-replica-${j}`)];
}

/**
 * The stored topology brought to the configured shard and replica counts: a new shard starts led by
 * its own object at epoch 0; a group keeps its primary whatever the count, and gains or loses
 * replicas from the end of its member list.
 */
export function reconcile(stored: Topology | undefined, settings: ClusterSettings): Topology {
  // Once a move published a version, the stored groups and slots are the truth: the shard count is ignored.
  const moved = (stored?.slots?.version ?? 0) > 0;
  const count = moved ? stored!.groups.length : settings.shards;
  let changed = stored === undefined || stored.groups.length !== count || stored.slots === undefined;
  const groups = Array.from({ length: count }, (_, shard): GroupTopology => {
    const names = memberNames(shard, settings.replicas);
    const group = stored?.groups[shard];
    if (!group) return { primary: names[0]!, replicas: names.slice(1), epoch: 0 };
    const replicas = names.filter((name) => name !== group.primary).slice(0, settings.replicas);
    if (replicas.join() !== group.replicas.join()) changed = true;
    return { ...group, replicas };
  });
  const slots = moved ? stored!.slots : contiguousAssignment(count);
  const moves = moved ? (stored!.moves ?? []) : [];
  return { version: (stored?.version ?? 0) + (changed ? 1 : 0), groups, slots, moves };
}
