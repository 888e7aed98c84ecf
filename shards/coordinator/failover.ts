// Promotion of a replica, in the order that keeps sync mode's promise (no acknowledged write lost)
// and fences the replaced primary: fence every member at the new epoch, choose the replica holding the
// most of the current epoch's log, promote it, and only then publish the new topology.
import type { MemberStatus } from "../shard";
import type { ReplicationMode } from "../replication/messages";
import type { GroupTopology } from "./topology";

/** The coordinator's reach into one member (a Shard stub, or a test double). */
export interface MemberLink {
  fence(epoch: number): Promise<MemberStatus>;
  promote(epoch: number, replicas: readonly string[], shard: number, mode: ReplicationMode): Promise<MemberStatus>;
  memberStatus(): Promise<MemberStatus>;
}

export interface FailoverRequest {
  readonly shard: number;
  readonly group: GroupTopology;
  /** The epoch to fence and promote at: above the group's, and above any earlier attempt's (one that
   * failed after promoting may have left a member leading an epoch nobody published). */
  readonly epoch: number;
  /** Another fresh epoch above `floor`: for a planned failover that gives the lead back to the old
   * primary, or when a member has heard of a higher epoch than the coordinator reserved. */
  readonly nextEpoch: (floor?: number) => Promise<number>;
  readonly mode: ReplicationMode;
  /** Planned (CLUSTER FAILOVER without FORCE): the primary is reachable, stops writing first, and a
   * replica catches up with all it wrote, so nothing is lost even in async mode. */
  readonly planned: boolean;
  readonly timeoutMs: number;
  readonly member: (name: string) => MemberLink;
}

/** A new group to publish (with `refused` set when it is the old primary leading again after a planned
 * failover could not finish), or a refusal that changed nothing anyone needs to learn. */
export type FailoverOutcome = { readonly group: GroupTopology; readonly head: number; readonly refused?: string } | { readonly refused: string; readonly group?: undefined };

const POLL_MS = 25;

export async function failover(request: FailoverRequest): Promise<FailoverOutcome> {
  const { group, shard, timeoutMs, member, epoch } = request;
  if (!request.planned) {
    const outcome = await promoteBest(request, 0);
    // A primary that answered its fence was alive and stopped writing: rather than leave the shard
    // fenced with nobody leading, it leads again (the failover was refused, say, in sync mode while
    // its only replica could not answer).
    return outcome.group || !outcome.primaryAnswered ? outcome : leadAgain(request, outcome.refused);
  }
  const old = await within(member(group.primary).fence(epoch), timeoutMs);
  if (!old) return { refused: `ERR shard ${shard}'s primary ${group.primary} did not answer; use CLUSTER FAILOVER FORCE` };
  const reason = (await caughtUp(request, old.head)) ? null : `ERR no replica of shard ${shard} caught up with its primary in ${timeoutMs} ms`;
  if (reason) return leadAgain(request, reason);
  const outcome = await promoteBest(request, old.head);
  return outcome.group ? outcome : leadAgain(request, outcome.refused);
}

/** The fenced primary still holds everything: it leads again rather than leave the shard without a
 * primary, at an epoch above this attempt's (a replica whose promotion timed out may still lead
 * `epoch`; it is then replaced, and resyncs). */
async function leadAgain(request: FailoverRequest, refused: string): Promise<FailoverOutcome> {
  const { group, shard, timeoutMs, member } = request;
  const again = await request.nextEpoch();
  const back = await within(member(group.primary).promote(again, group.replicas, shard, request.mode), timeoutMs);
  if (!back) return { refused: `${refused}; and ${group.primary} did not take its lead back` };
  return { group: { ...group, epoch: again }, head: back.head, refused };
}

/** A promotion, or why not and whether the old primary answered its fence. */
type Promotion = Extract<FailoverOutcome, { head: number }> | { readonly refused: string; readonly group?: undefined; readonly primaryAnswered: boolean };

/** Fences every replica (and, unplanned, the old primary) and promotes the one holding the most. */
async function promoteBest(request: FailoverRequest, mustReach: number): Promise<Promotion> {
  const { group, shard, timeoutMs, member } = request;
  let epoch = request.epoch;
  // Fenced replicas refuse the old primary's pushes, so the heads they answer are final for its epoch.
  const fence = () =>
    Promise.all([
      Promise.all(group.replicas.map((name) => within(member(name).fence(epoch), timeoutMs))),
      request.planned ? null : within(member(group.primary).fence(epoch), timeoutMs),
    ]);
  let [statuses, primary] = await fence();
  // A member that heard of a higher epoch (the coordinator's storage was reset, say) would refuse a
  // promotion at this one: take one above everything heard, once.
  const heard = Math.max(...statuses.map((status) => status?.epoch ?? 0));
  if (heard > epoch) {
    epoch = await request.nextEpoch(heard);
    [statuses, primary] = await fence();
  }
  const refuse = (refused: string) => ({ refused, primaryAnswered: primary !== null });
  const unanswered = group.replicas.filter((_, j) => statuses[j] === null);
  // Sync mode acknowledged each write once one replica held it: a replica that cannot answer may hold
  // the only copy, so promoting another could lose it. Waiting is the price of that promise.
  if (request.mode === "sync" && unanswered.length > 0) {
    return refuse(`ERR shard ${shard} cannot fail over in sync mode while ${unanswered.join(", ")} cannot answer`);
  }
  let best: { name: string; head: number } | null = null;
  group.replicas.forEach((name, j) => {
    const status = statuses[j];
    // Only a log of the current epoch (or one an unpublished attempt promoted from it), not diverged,
    // can be a prefix of everything acknowledged.
    if (!status || status.resync || status.logEpoch < group.epoch || status.head < mustReach) return;
    if (!best || status.head > best.head) best = { name, head: status.head };
  });
  if (best === null) return refuse(`ERR shard ${shard} has no replica that can take over`);
  const chosen: { name: string; head: number } = best;
  const replicas = [...group.replicas.filter((name) => name !== chosen.name), group.primary];
  const promoted = await within(member(chosen.name).promote(epoch, replicas, shard, request.mode), timeoutMs);
  if (!promoted) return refuse(`ERR shard ${shard}'s replica ${chosen.name} did not take over in ${timeoutMs} ms`);
  return { group: { primary: chosen.name, replicas, epoch }, head: promoted.head };
}

/** Planned failover: waits until some replica holds everything the fenced primary wrote. */
async function caughtUp(request: FailoverRequest, head: number): Promise<boolean> {
  const deadline = Date.now() + request.timeoutMs;
  while (Date.now() < deadline) {
    const statuses = await Promise.all(request.group.replicas.map((name) => within(request.member(name).memberStatus(), request.timeoutMs)));
    if (statuses.some((status) => status && status.head >= head && !status.resync)) return true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return false;
}

/** The call's answer, or null if it failed or took longer than `ms`. */
export async function within<T>(call: Promise<T>, ms: number): Promise<T | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  try {
    return await Promise.race([call.catch(() => null), late]);
  } finally {
    clearTimeout(timer);
  }
}
