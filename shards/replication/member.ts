// A shard object's place in its group, kept in storage: the newest epoch it has heard of (fencing),
// the lineage of its log (which epoch wrote which offsets), and whether its log may have diverged from
// its primary's, so that only a snapshot can bring it back.

/** The epochs a log's entries were written under: entry `from` onwards belongs to `epoch` (until the
 * next element). A primary's history is its replicas' history: that is how they prove their logs are
 * prefixes of the primary's. */
export type Lineage = readonly { readonly epoch: number; readonly from: number }[];

export interface MemberState {
  /** The newest epoch heard of: a gateway batch or a push from an older one is refused. */
  readonly epoch: number;
  readonly lineage: Lineage;
  /** The log may hold entries its primary's lacks (a deposed primary, or a replica ahead of the one
   * promoted): it serves nothing and takes only a snapshot. */
  readonly resync: boolean;
}

/** Lineages keep the last few epochs; a log older than all of them is re-sent whole (always safe). */
const LINEAGE_KEPT = 16;

export const FIRST_MEMBER_STATE: MemberState = { epoch: 0, lineage: [{ epoch: 0, from: 1 }], resync: false };

export function loadMemberState(sql: SqlStorage): MemberState {
  const row = sql.exec<{ value: string }>("SELECT value FROM log_meta WHERE name = 'member'").toArray()[0];
  return row ? (JSON.parse(row.value) as MemberState) : FIRST_MEMBER_STATE;
}

export function storeMemberState(sql: SqlStorage, state: MemberState): void {
  sql.exec("INSERT OR REPLACE INTO log_meta (name, value) VALUES ('member', ?)", JSON.stringify(state));
}

/** The epoch this log's newest entries were written under. */
export const lineageEpoch = (lineage: Lineage): number => lineage[lineage.length - 1]!.epoch;

/** A lineage extended by a promotion at `epoch` of a log whose head is `head`. */
export function promoted(lineage: Lineage, epoch: number, head: number): Lineage {
  return [...lineage, { epoch, from: head + 1 }].slice(-LINEAGE_KEPT);
}

/**
 * Whether a log with lineage `mine` and head `head` is a prefix of the log with lineage `theirs`:
 * its last epoch appears in theirs, and it holds no entry past where theirs moved on from that epoch.
 * Equal last epochs always are (one primary per epoch writes them).
 */
export function isPrefixOf(mine: Lineage, head: number, theirs: Lineage): boolean {
  const epoch = lineageEpoch(mine);
  const at = theirs.findIndex((step) => step.epoch === epoch);
  if (at < 0) return false;
  const next = theirs[at + 1];
  return next === undefined || head < next.from;
}
