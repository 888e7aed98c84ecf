// Internal commands the shard sends its own core (never reachable from clients: they need the
// core's internal flag, which only the shard sets, and they are absent from the command table).
import { encodeCommands } from "../../worker/wire/resp";

export function internalCommand(...args: (string | Uint8Array)[]): Uint8Array {
  return encodeCommands([args]);
}
