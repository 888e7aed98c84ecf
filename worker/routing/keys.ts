// Key positions of a command, read from its table entry's key spec (never listed per command).
import type { KeySpec } from "../../shards/commands";
import type { Command } from "./command";

/** Argument indices holding keys. A malformed tail (MSET with a key and no value) yields the
 * complete groups only; the shard answers the arity error itself. */
export function keyIndices(keys: KeySpec, command: Command): number[] {
  switch (keys.kind) {
    case "none":
      return [];
    case "range": {
      const last = keys.last < 0 ? command.length + keys.last : Math.min(keys.last, command.length - 1);
      const out: number[] = [];
      // With an open end (`last` < 0) a group must be complete: MSET k1 v1 k2 has one key group.
      const complete = keys.last < 0 ? command.length - keys.step : last;
      for (let i = keys.first; i <= Math.min(last, complete); i += keys.step) out.push(i);
      return out;
    }
    case "numkeys": {
      const count = Number(new TextDecoder().decode(command[keys.numkeysAt]));
      if (!Number.isSafeInteger(count) || count < 0) return [];
      const out: number[] = [];
      for (let i = 0; i < count && keys.firstAfter + i < command.length; i++) out.push(keys.firstAfter + i);
      return out;
    }
  }
}
