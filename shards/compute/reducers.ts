// MAPREDUCE's reducers: how map values fold into one partial (on a shard), how partials fold together
// (at the gateway, across shards and across resumed calls), the partial's wire form (a RESP reply,
// also carried in the cursor) and the final reply. Numbers stay exact integers (bigint) while every
// input is an integer; one double among them makes the result a double, replied as Redis 7.0 formats
// scores (`%.17g`).
import { keyId } from "../../worker/wire/bytes";
import { formatArgNumber } from "../scripting/conversions";
import { type Reply, ReplyError } from "../../worker/wire/resp";
import type { Reducer } from "./options";

type Num = { readonly int: bigint } | { readonly float: number };

const enc = new TextEncoder();
const dec = new TextDecoder();
const INT = /^-?[0-9]{1,19}$/;
const FLOAT = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/;
const INT64_MAX = (1n << 63n) - 1n;

/** A map value as a number: an integer reply or integer text stays exact; other number text is a double. */
function toNum(value: Reply): Num | null {
  if (typeof value === "number") return Number.isInteger(value) ? { int: BigInt(value) } : { float: value };
  if (typeof value === "bigint") return { int: value };
  if (!(value instanceof Uint8Array)) return null;
  const t = dec.decode(value);
  if (INT.test(t) && BigInt(t) <= INT64_MAX && BigInt(t) >= -INT64_MAX - 1n) return { int: BigInt(t) };
  if (FLOAT.test(t)) return { float: Number(t) };
  if (/^[+-]?inf$/i.test(t)) return { float: t.startsWith("-") ? -Infinity : Infinity };
  return null;
}

const asNumber = (n: Num) => ("int" in n ? Number(n.int) : n.float);
function compare(a: Num, b: Num): number {
  if ("int" in a && "int" in b) return a.int < b.int ? -1 : a.int > b.int ? 1 : 0;
  return asNumber(a) - asNumber(b);
}

/** Integers reply as integers (numbers when safe); doubles as `%.17g` text. */
function numReply(n: Num): Reply {
  if ("float" in n) return enc.encode(formatArgNumber(n.float));
  if (n.int > INT64_MAX || n.int < -INT64_MAX - 1n) return enc.encode(formatArgNumber(Number(n.int)));
  return Number.isSafeInteger(Number(n.int)) ? Number(n.int) : n.int;
}
/** A Num in the wire form: integer replies for integers, `f<text>` bulk strings for doubles. */
const numWire = (n: Num): Reply => ("int" in n ? n.int : enc.encode(`f${formatArgNumber(n.float)}`));
function numFromWire(reply: Reply): Num {
  if (typeof reply === "number" || typeof reply === "bigint") return { int: BigInt(reply) };
  const t = dec.decode(reply as Uint8Array);
  return { float: t === "finf" ? Infinity : t === "f-inf" ? -Infinity : Number(t.slice(1)) };
}

/** A running sum: exact over integers, a double beside it once a double appears. */
class Sum {
  int = 0n;
  float: number | null = null;
  add(n: Num): void {
    if ("int" in n) this.int += n.int;
    else this.float = (this.float ?? 0) + n.float;
  }
  merge(other: Sum): void {
    this.int += other.int;
    if (other.float !== null) this.float = (this.float ?? 0) + other.float;
  }
  get value(): Num {
    return this.float === null ? { int: this.int } : { float: Number(this.int) + this.float };
  }
  wire(): Reply {
    return [this.int, this.float === null ? null : enc.encode(formatArgNumber(this.float))];
  }
  static fromWire(reply: Reply): Sum {
    const [int, float] = reply as Reply[];
    const sum = new Sum();
    sum.int = BigInt(int as number | bigint);
    sum.float = float === null ? null : Number(dec.decode(float as Uint8Array));
    return sum;
  }
}

const keyOrder = (a: Uint8Array, b: Uint8Array) => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
};

/** Runs the REDUCE script over values (its ARGV) where the partial is folded. */
export type LuaReduce = (values: Uint8Array[]) => Reply;

export class Partial {
  private count = 0;
  private sum = new Sum();
  private best: Num | null = null;
  private values: Reply[] = [];
  private top: { key: Uint8Array; n: Num }[] = [];
  private groups = new Map<string, { group: Uint8Array; sum: Sum }>();

  constructor(
    private readonly reducer: Reducer,
    private readonly lua?: LuaReduce,
  ) {}

  /** Folds one map value of `key` (never nil); an error for a value the reducer cannot take. */
  add(key: Uint8Array, value: Reply): ReplyError | undefined {
    const kind = this.reducer.kind;
    this.count++;
    if (kind === "count") return;
    if (kind === "collect") {
      this.values.push(value);
      return;
    }
    if (kind === "reduce") {
      if (!(value instanceof Uint8Array) && typeof value !== "number" && typeof value !== "bigint") {
        return new ReplyError(`ERR MAPREDUCE REDUCE takes strings or numbers: the map script returned another reply for key '${dec.decode(key)}'`);
      }
      this.values.push(value);
      return;
    }
    if (kind === "groupby") {
      const pair = Array.isArray(value) && value.length === 2 ? value : null;
      const group = pair && (pair[0] instanceof Uint8Array ? pair[0] : typeof pair[0] === "number" || typeof pair[0] === "bigint" ? enc.encode(String(pair[0])) : null);
      const n = pair && toNum(pair[1]!);
      if (!group || !n) return new ReplyError(`ERR MAPREDUCE GROUPBY needs {group, number} from the map script, got another reply for key '${dec.decode(key)}'`);
      this.groupSum(group).add(n);
      return;
    }
    const n = toNum(value);
    if (!n) return new ReplyError(`ERR MAPREDUCE ${kind.toUpperCase()} needs numbers: the map script returned a non-number for key '${dec.decode(key)}'`);
    if (kind === "sum" || kind === "avg") this.sum.add(n);
    else if (kind === "min" || kind === "max") this.keepBest(n);
    else this.offerTop(key, n);
  }

  /** The partial as a RESP reply: what a shard answers and what a cursor carries. */
  wire(): Reply {
    switch (this.reducer.kind) {
      case "count":
        return this.count;
      case "sum":
        return this.sum.wire();
      case "avg":
        return [...(this.sum.wire() as Reply[]), this.count];
      case "min":
      case "max":
        return this.best === null ? null : numWire(this.best);
      case "collect":
        return this.values;
      case "topk":
        return this.top.flatMap(({ key, n }) => [key, numWire(n)]);
      case "groupby":
        return [...this.groups.values()].flatMap(({ group, sum }) => [group, sum.wire()]);
      case "reduce":
        return this.reduced();
    }
  }

  /** Folds another partial's wire form into this one. */
  merge(wire: Reply): void {
    switch (this.reducer.kind) {
      case "count":
        this.count += Number(wire);
        return;
      case "sum":
        this.sum.merge(Sum.fromWire(wire));
        return;
      case "avg": {
        const [int, float, count] = wire as Reply[];
        this.sum.merge(Sum.fromWire([int!, float!]));
        this.count += Number(count);
        return;
      }
      case "min":
      case "max":
        if (wire !== null) this.keepBest(numFromWire(wire));
        return;
      case "collect":
        this.values.push(...(wire as Reply[]));
        return;
      case "topk": {
        const flat = wire as Reply[];
        for (let i = 0; i < flat.length; i += 2) this.offerTop(flat[i] as Uint8Array, numFromWire(flat[i + 1]!));
        return;
      }
      case "groupby": {
        const flat = wire as Reply[];
        for (let i = 0; i < flat.length; i += 2) this.groupSum(flat[i] as Uint8Array).merge(Sum.fromWire(flat[i + 1]!));
        return;
      }
      case "reduce":
        if (wire !== null) this.values.push(wire);
        return;
    }
  }

  /** The final reply. */
  result(): Reply {
    switch (this.reducer.kind) {
      case "count":
        return this.count;
      case "sum":
        return numReply(this.sum.value);
      case "avg":
        return this.count === 0 ? null : enc.encode(formatArgNumber(asNumber(this.sum.value) / this.count));
      case "min":
      case "max":
        return this.best === null ? null : numReply(this.best);
      case "collect":
        return this.values;
      case "topk":
        return this.top.flatMap(({ key, n }) => [key, numReply(n)]);
      case "groupby":
        return [...this.groups.values()].sort((a, b) => keyOrder(a.group, b.group)).flatMap(({ group, sum }) => [group, numReply(sum.value)]);
      case "reduce":
        return this.reduced();
    }
  }

  /** REDUCE: the script over the values held, unless one value (or none) is left to fold. */
  private reduced(): Reply {
    if (this.values.length <= 1) return this.values[0] ?? null;
    const argv = this.values.map((v) => (v instanceof Uint8Array ? v : enc.encode(String(v))));
    const reply = this.lua!(argv);
    // The folded value replaces its inputs, so a later fold (another chunk, the gateway) feeds it back in.
    this.values = reply === null || reply instanceof ReplyError ? [] : [reply];
    return reply;
  }

  private keepBest(n: Num): void {
    const sign = this.reducer.kind === "min" ? -1 : 1;
    if (this.best === null || compare(n, this.best) * sign > 0) this.best = n;
  }

  /** Highest values first, ties by key bytes ascending; only k kept. */
  private offerTop(key: Uint8Array, n: Num): void {
    const k = this.reducer.kind === "topk" ? this.reducer.k : 0;
    const last = this.top[k - 1];
    if (last && (compare(n, last.n) || keyOrder(last.key, key)) < 0) return;
    this.top.push({ key, n });
    this.top.sort((a, b) => compare(b.n, a.n) || keyOrder(a.key, b.key));
    if (this.top.length > k) this.top.length = k;
  }

  private groupSum(group: Uint8Array): Sum {
    const id = keyId(group);
    let entry = this.groups.get(id);
    if (!entry) this.groups.set(id, (entry = { group, sum: new Sum() }));
    return entry.sum;
  }
}
