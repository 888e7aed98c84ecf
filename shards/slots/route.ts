// What the gateway believes a group owns when it sends a batch: the assignment version it routed by,
// and that version's ranges for the group. The shard compares it with its stored ownership (ownership.ts).
import type { SlotRanges } from "../coordinator/slots";

export interface Route {
  readonly version: number;
  readonly owned: SlotRanges;
}
