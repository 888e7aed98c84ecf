// MAPREDUCE's arguments, read the same way by the gateway (which adds CURSOR) and by a shard (which
// gets FROM, its own resume position): `MAPREDUCE <map> <reducer> [MATCH p] [TYPE t] [COUNT n]
// [WRITE] [CURSOR c] [ARGS arg …]`, reducer one of SUM COUNT MIN MAX AVG COLLECT GROUPBY,
// `TOPK n` or `REDUCE <script>`.
import { ReplyError } from "../../worker/wire/resp";

export type Reducer =
  | { readonly kind: "sum" | "count" | "min" | "max" | "avg" | "collect" | "groupby" }
  | { readonly kind: "topk"; readonly k: number }
  | { readonly kind: "reduce"; readonly script: Uint8Array };

export interface MapReduce {
  readonly map: Uint8Array;
  readonly reducer: Reducer;
  readonly match?: Uint8Array;
  readonly type?: Uint8Array;
  /** Keys each shard maps per call at most (and the SCAN page size). */
  readonly count: number;
  readonly write: boolean;
  /** The gateway's resume token (CURSOR); "0" starts a resumable run. */
  readonly cursor?: string;
  /** A shard's resume position (internal, set by the gateway). */
  readonly from?: number;
  readonly args: readonly Uint8Array[];
}

/** Keys a shard maps per call when COUNT is not given. */
export const DEFAULT_COUNT = 1000;
const SYNTAX = "ERR syntax error";
const SIMPLE = new Set(["sum", "count", "min", "max", "avg", "collect", "groupby"]);
const text = (arg: Uint8Array) => new TextDecoder().decode(arg);

export function parseMapReduce(command: readonly Uint8Array[], internal: boolean): MapReduce | ReplyError {
  if (command.length < 3) return new ReplyError("ERR wrong number of arguments for 'mapreduce' command");
  const map = command[1]!;
  const name = text(command[2]!).toLowerCase();
  let i = 3;
  let reducer: Reducer;
  if (SIMPLE.has(name)) reducer = { kind: name as "sum" };
  else if (name === "topk" || name === "reduce") {
    if (i >= command.length) return new ReplyError(SYNTAX);
    const arg = command[i++]!;
    if (name === "reduce") reducer = { kind: "reduce", script: arg };
    else {
      const k = positiveInteger(arg);
      if (k === null) return new ReplyError("ERR TOPK needs a positive integer");
      reducer = { kind: "topk", k };
    }
  } else return new ReplyError(`ERR unknown reducer '${text(command[2]!)}': use SUM, COUNT, MIN, MAX, AVG, COLLECT, TOPK n, GROUPBY or REDUCE <script>`);

  const out: { -readonly [K in keyof MapReduce]: MapReduce[K] } = { map, reducer, count: DEFAULT_COUNT, write: false, args: [] };
  while (i < command.length) {
    const option = text(command[i]!).toLowerCase();
    if (option === "args") {
      out.args = command.slice(i + 1);
      break;
    }
    if (option === "write") {
      out.write = true;
      i++;
      continue;
    }
    if (i + 1 >= command.length) return new ReplyError(SYNTAX);
    const value = command[i + 1]!;
    if (option === "match") out.match = value;
    else if (option === "type") out.type = value;
    else if (option === "count") {
      const n = positiveInteger(value);
      if (n === null) return new ReplyError(SYNTAX);
      out.count = n;
    } else if (option === "cursor" && !internal) out.cursor = text(value);
    else if (option === "from" && internal) {
      const n = positiveInteger(value, true);
      if (n === null) return new ReplyError(SYNTAX);
      out.from = n;
    } else return new ReplyError(SYNTAX);
    i += 2;
  }
  return out;
}

/** Whether a MAPREDUCE may write (WRITE): the sync token must then change. */
export function mapReduceWrites(command: readonly Uint8Array[]): boolean {
  const parsed = parseMapReduce(command, false);
  return !(parsed instanceof ReplyError) && parsed.write;
}

/** The command a shard runs: the client's, rebuilt without CURSOR, plus FROM (ARGS last, as it takes the rest). */
export function shardCommand(mr: MapReduce, from: number): Uint8Array[] {
  return rebuild(mr, "FROM", String(from));
}

/** The client's command resumed at `cursor` (what an asynchronous job sends each round). */
export function resumeCommand(mr: MapReduce, cursor: string): Uint8Array[] {
  return rebuild(mr, "CURSOR", cursor);
}

function rebuild(mr: MapReduce, option: string, value: string): Uint8Array[] {
  const enc = (s: string) => new TextEncoder().encode(s);
  const out = [enc("MAPREDUCE"), mr.map, enc(mr.reducer.kind.toUpperCase())];
  if (mr.reducer.kind === "topk") out.push(enc(String(mr.reducer.k)));
  if (mr.reducer.kind === "reduce") out.push(mr.reducer.script);
  if (mr.match) out.push(enc("MATCH"), mr.match);
  if (mr.type) out.push(enc("TYPE"), mr.type);
  out.push(enc("COUNT"), enc(String(mr.count)));
  if (mr.write) out.push(enc("WRITE"));
  out.push(enc(option), enc(value));
  if (mr.args.length) out.push(enc("ARGS"), ...mr.args);
  return out;
}

function positiveInteger(arg: Uint8Array, zeroOk = false): number | null {
  const t = text(arg);
  if (!/^[0-9]{1,15}$/.test(t)) return null;
  const n = Number(t);
  return n > 0 || (zeroOk && n === 0) ? n : null;
}
