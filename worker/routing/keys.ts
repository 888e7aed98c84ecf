// Key positions of a command, read from its table entry's key spec (never listed per command).
import type { KeySpec } from "../../shards/commands";
import type { Command } from "./command";

/** Argument indices holding keys, as Redis's legacy key spec reads them: every `step`-th argument from
 * `first` to `last`, so `MSETNX k1 v1 k2` names k1 and k2 (Redis Cluster checks their slots before
 * the command counts its pairs). */
export function keyIndices(keys: KeySpec, command: Command): number[] {
  switch (keys.kind) {
    case "none":
      return [];
    case "range": {
      const last = keys.last < 0 ? command.length + keys.last : Math.min(keys.last, command.length - 1);
      const out: number[] = [];
      for (let i = keys.first; i <= last; i += keys.step) out.push(i);
      return out;
    }
    case "numkeys": {
      const text = new TextDecoder().decode(command[keys.numkeysAt]);
      const out: number[] = keys.destination !== undefined && keys.destination < command.length ? [keys.destination] : [];
      // As Redis's key specs: a count that is not a canonical integer (string2l), or runs past the arguments,
      // names no keys (the destination, a spec of its own, still counts), so the command itself answers its error.
      if (!/^(0|[1-9]\d{0,17})$/.test(text)) return out;
      const count = Number(text);
      if (keys.firstAfter + count > command.length) return out;
      for (let i = 0; i < count; i++) out.push(keys.firstAfter + i);
      return out;
    }
  }
}
