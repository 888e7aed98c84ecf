// The gateway's side of MAPREDUCE: send each shard its part (shards/compute/map-chunk.ts) in rounds,
// all shards of a round in parallel, fold their partials, and either go on until every shard is done
// (the plain command) or stop after one round (CURSOR) and answer `[cursor, result so far]`. The
// gateway keeps no state: a cursor carries each shard's resume position and the folded partial.
import { type Reply, ReplyError, ReplyReader, encodeReply } from "../../worker/wire/resp";
import { sha1hex } from "../scripting/cache";
import { ScriptCache } from "../scripting/cache";
import { ScriptRunner } from "../scripting/commands";
import { type MapReduce, parseMapReduce, shardCommand } from "./options";
import { Partial } from "./reducers";

/** What a run reports beside its reply (an asynchronous job's progress). */
export interface RoundProgress {
  keysMapped: number;
  shardsDone: number;
}

/** Runs one command on one shard (the gateway's ShardTransport, one-command batches). */
export type ShardCall = (shard: number, command: Uint8Array[]) => Promise<Reply>;

const enc = new TextEncoder();
const dec = new TextDecoder();
const INVALID_CURSOR = "ERR invalid cursor";

/** The isolate's Lua state for REDUCE scripts at the gateway (execution is synchronous, never shared mid-run). */
let reducer: ScriptRunner | null = null;
const gatewayReduce = (script: Uint8Array) => (values: Uint8Array[]) => (reducer ??= new ScriptRunner(new ScriptCache())).runReduce(script, values);

/**
 * `shards`: the shards to visit (all, or a tagged MATCH's owner); `total`: the shard count, which a
 * cursor is bound to along with the command.
 */
export async function runMapReduce(command: readonly Uint8Array[], shards: readonly number[], total: number, call: ShardCall, progress?: RoundProgress): Promise<Reply> {
  const mr = parseMapReduce(command, false);
  if (mr instanceof ReplyError) return mr;
  const partial = new Partial(mr.reducer, mr.reducer.kind === "reduce" ? gatewayReduce(mr.reducer.script) : undefined);
  const fingerprint = commandFingerprint(mr, total);
  // Each shard's resume position; -1 once it is done.
  let positions = new Map(shards.map((shard) => [shard, 0]));
  if (mr.cursor !== undefined && mr.cursor !== "0") {
    const resumed = readCursor(mr.cursor, fingerprint);
    if (!resumed) return new ReplyError(INVALID_CURSOR);
    positions = resumed.positions;
    partial.merge(resumed.partial);
  }
  do {
    const active = [...positions].filter(([, at]) => at >= 0);
    const replies = await Promise.all(active.map(([shard, at]) => call(shard, shardCommand(mr, at))));
    for (let i = 0; i < replies.length; i++) {
      const reply = replies[i]!;
      if (reply instanceof ReplyError) return reply;
      const [next, mapped, wire] = reply as [number, number, Reply];
      positions.set(active[i]![0], next);
      if (progress) progress.keysMapped += Number(mapped);
      partial.merge(wire);
    }
  } while (mr.cursor === undefined && [...positions.values()].some((at) => at >= 0));

  if (progress) progress.shardsDone = [...positions.values()].filter((at) => at < 0).length;
  if (mr.cursor === undefined) return partial.result();
  const done = [...positions.values()].every((at) => at < 0);
  // Folding may run the REDUCE script, whose error is the reply (not a cursor carrying it).
  const wire = done ? null : partial.wire();
  if (wire instanceof ReplyError) return wire;
  const cursor = done ? "0" : writeCursor(fingerprint, positions, wire);
  const result = partial.result();
  return result instanceof ReplyError ? result : [enc.encode(cursor), result];
}

/** What a cursor is bound to: the command without its cursor, and the shard count. */
function commandFingerprint(mr: MapReduce, total: number): string {
  const parts = [String(total), ...shardCommand(mr, 0).map((arg) => dec.decode(arg))];
  return sha1hex(enc.encode(JSON.stringify(parts))).slice(0, 16);
}

/** base64url of the RESP reply [fingerprint, [shard, position]…, partial]. */
function writeCursor(fingerprint: string, positions: Map<number, number>, wire: Reply): string {
  const bytes = Uint8Array.from(encodeReply([enc.encode(fingerprint), [...positions].flat(), wire]));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function readCursor(cursor: string, fingerprint: string): { positions: Map<number, number>; partial: Reply } | null {
  try {
    const binary = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    const [mark, flat, wire] = new ReplyReader(Uint8Array.from(binary, (c) => c.charCodeAt(0))).next() as [Uint8Array, number[], Reply];
    if (dec.decode(mark) !== fingerprint) return null;
    const positions = new Map<number, number>();
    for (let i = 0; i < flat.length; i += 2) positions.set(Number(flat[i]), Number(flat[i + 1]));
    return { positions, partial: wire };
  } catch {
    return null;
  }
}
