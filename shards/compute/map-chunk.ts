// One shard's part of a MAPREDUCE call: walk its keys from a resume position with the core's SCAN,
// run the map script once per key, fold the values with the reducer, answer one partial:
// `[next position (-1 when done), keys mapped, partial]`. Work per call is bounded by COUNT keys and
// by an instruction budget, so a call never runs long whatever the keyspace holds.
import { type Reply, ReplyError } from "../../worker/wire/resp";
import type { ScriptHost, ScriptRunner } from "../scripting/commands";
import { parseMapReduce } from "./options";
import { Partial } from "./reducers";
import { cursorAt, DONE, keyPosition, positionOf } from "./scan-position";

/** Lua instructions one call may spend over all its map runs (one script's budget, ~0.2 s). */
export const CHUNK_INSTRUCTIONS = 10_000_000;
/** SCAN pages one call may read, so a MATCH that selects few keys still ends the call. */
const MAX_PAGES = 64;

const enc = new TextEncoder();
const dec = new TextDecoder();

export function isComputeCommand(name: string): boolean {
  return name === "mapreduce";
}

/** `keySeed`: the shard core's keyspace seed, which places keys in SCAN order. */
export function runMapChunk(command: Uint8Array[], scripts: ScriptRunner, host: ScriptHost, keySeed?: number): Reply {
  const mr = parseMapReduce(command, true);
  if (mr instanceof ReplyError) return mr;
  const reducer = mr.reducer;
  const partial = new Partial(reducer, reducer.kind === "reduce" ? (values) => scripts.runReduce(reducer.script, values) : undefined);
  let position = mr.from ?? 0;
  let mapped = 0;
  let instructions = 0;
  let lastAt = -1;
  const scanOptions: Uint8Array[] = [enc.encode("COUNT"), enc.encode(String(mr.count))];
  if (mr.match) scanOptions.push(enc.encode("MATCH"), mr.match);
  if (mr.type) scanOptions.push(enc.encode("TYPE"), mr.type);

  pages: for (let page = 0; page < MAX_PAGES && position < DONE; page++) {
    const reply = host.call([enc.encode("SCAN"), enc.encode(String(cursorAt(position))), ...scanOptions]);
    if (reply instanceof ReplyError) return reply;
    const [cursor, keys] = reply as [Uint8Array, Uint8Array[]];
    const end = positionOf(Number(dec.decode(cursor)));
    // In position order, so the call can stop between any two keys and resume exactly there.
    const ahead = keys.map((key) => ({ key, at: keyPosition(key, keySeed) })).filter(({ at }) => at >= position);
    ahead.sort((a, b) => a.at - b.at);
    for (const { key, at } of ahead) {
      // Never between two keys of one position (a 32-bit hash collision): the resume would repeat one.
      if ((mapped >= mr.count || instructions >= CHUNK_INSTRUCTIONS) && at !== lastAt) {
        position = at;
        break pages;
      }
      const value = scripts.runMap(mr.map, key, mr.args as Uint8Array[], mr.write, host);
      instructions += scripts.lastRunInstructions;
      mapped++;
      lastAt = at;
      if (value instanceof ReplyError) return value;
      if (value === null) continue;
      const refused = partial.add(key, value);
      if (refused) return refused;
    }
    position = Math.max(position, end);
    if (mapped >= mr.count) break;
  }
  const wire = partial.wire();
  if (wire instanceof ReplyError) return wire;
  return [position >= DONE ? -1 : position, mapped, wire];
}
