// A shard's stored slot ownership (absent until a move first touches it): the ranges it owns at a
// version, and the ranges it froze for a move. Kept in `log_meta.slots`; every change is also an
// effects-log entry (`__slots`) so replicas store it and a promoted replica serves the same slots.
import { inRanges, mergeRanges, type SlotMove, type SlotRanges } from "../coordinator/slots";
import { resolveCommand } from "../../worker/routing/command";
import { keySlot } from "../../worker/routing/key-slot";
import { keyIndices } from "../../worker/routing/keys";
import { decodeReplies, encodeCommands } from "../../worker/wire/resp";
import type { Route } from "./route";

export interface Ownership {
  readonly version: number;
  readonly owned: SlotRanges;
  /** Ranges this shard stopped serving for a move still under way (the source's side). */
  readonly frozen: readonly SlotMove[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const NAME = encoder.encode("__slots");

export function loadOwnership(sql: SqlStorage): Ownership | null {
  const row = sql.exec<{ value: string }>("SELECT value FROM log_meta WHERE name = 'slots'").toArray()[0];
  return row ? (JSON.parse(row.value) as Ownership) : null;
}

export function storeOwnership(sql: SqlStorage, state: Ownership): void {
  sql.exec("INSERT OR REPLACE INTO log_meta (name, value) VALUES ('slots', ?)", JSON.stringify(state));
}

/** The log entry carrying the whole state (replicas store it instead of running it). */
export function ownershipEntry(state: Ownership): Uint8Array {
  return encodeCommands([[NAME, encoder.encode(JSON.stringify(state))]]);
}

/** The state an entry carries, or null for an ordinary effects entry. */
export function readOwnershipEntry(effects: Uint8Array): Ownership | null {
  if (!isOwnershipEntry(effects)) return null;
  const [command] = decodeReplies(effects) as Uint8Array[][];
  return JSON.parse(decoder.decode(command![1])) as Ownership;
}

/** `*2\r\n$7\r\n__slots\r\n`: clients cannot send `__` names and the core never logs them. */
export function isOwnershipEntry(effects: Uint8Array): boolean {
  const header = "*2\r\n$7\r\n__slots\r\n";
  if (effects.length < header.length) return false;
  for (let i = 0; i < header.length; i++) if (effects[i] !== header.charCodeAt(i)) return false;
  return true;
}

/** The newest version this state speaks for: a gateway at it or later routes as the shard would. */
function knownVersion(state: Ownership): number {
  return state.frozen.reduce((version, move) => Math.max(version, move.version), state.version);
}

/**
 * The version a behind gateway must wait for when `batch` names a key of a slot this shard does not
 * serve, else null (run it). Fan-out and MAPREDUCE parts name no slot of their own: they always run.
 */
export function movedVersion(state: Ownership | null, route: Route | undefined, batch: Uint8Array): number | null {
  if (state === null || route === undefined || route.version >= knownVersion(state)) return null;
  for (const command of decodeReplies(batch) as Uint8Array[][]) {
    const spec = resolveCommand(command);
    if (!("split" in spec) || spec.split.kind === "fanout" || spec.split.kind === "compute") continue;
    for (const at of keyIndices(spec.keys, command)) {
      const slot = keySlot(command[at]!);
      if (inRanges(state.owned, slot)) continue;
      return state.frozen.find((move) => slot >= move.first && slot <= move.last)?.version ?? state.version;
    }
  }
  return null;
}

/** The version a behind gateway must wait for when a cross-shard transaction's `keys` include one of
 * a slot this shard does not serve, else null. */
export function movedKeysVersion(state: Ownership | null, route: Route | undefined, keys: readonly Uint8Array[]): number | null {
  if (state === null || route === undefined || route.version >= knownVersion(state)) return null;
  for (const key of keys) {
    const slot = keySlot(key);
    if (inRanges(state.owned, slot)) continue;
    return state.frozen.find((move) => slot >= move.first && slot <= move.last)?.version ?? state.version;
  }
  return null;
}

/** The slots scripts may touch: the stored ones when there are, else the gateway's. */
export function servedRanges(state: Ownership | null, route: Route | undefined): SlotRanges | undefined {
  return state ? state.owned : route?.owned;
}

/** `ranges` without [first, last]. */
export function withoutRange(ranges: SlotRanges, first: number, last: number): SlotRanges {
  const out: [number, number][] = [];
  for (const [a, b] of ranges) {
    if (b < first || a > last) out.push([a, b]);
    else {
      if (a < first) out.push([a, first - 1]);
      if (b > last) out.push([last + 1, b]);
    }
  }
  return out;
}

export function withRange(ranges: SlotRanges, first: number, last: number): SlotRanges {
  return mergeRanges([...ranges, [first, last]]);
}

/** Whether any slot of [first, last] is in `ranges`. */
export function overlaps(ranges: SlotRanges, first: number, last: number): boolean {
  return ranges.some(([a, b]) => a <= last && b >= first);
}
