// What a batch tells its shard about routing: the slots the gateway believes the group owns, and the
// assignment version that belief comes from (the shard refuses keys it no longer owns at a later version).
import type { SlotRanges } from "../coordinator/slots";

export interface Route {
  readonly version: number;
  readonly owned: SlotRanges;
}
