// The collections bench's commands as RESP batches (ASCII only, built as one string per batch), with the
// replies a load must produce, so both the core and redis-server are checked byte for byte.
import { seededRandom } from "./slot-sample";

/** Commands per batch for the timed ops, as the engine suite sends them. */
export const BATCH = 1000;
/** Elements per command when loading collections for the memory figures. */
const PER_COMMAND = 100;
const enc = new TextEncoder();

export const digits12 = (i: number) => String(i).padStart(12, "0");

function resp(args: readonly string[]): string {
  let out = `*${args.length}\r\n`;
  for (const arg of args) out += `$${arg.length}\r\n${arg}\r\n`;
  return out;
}

export interface Load {
  batches: Uint8Array[];
  /** The reply bytes each batch must produce, exactly. */
  replies: Uint8Array[];
}

export type Family = "hash" | "set" | "intset" | "zset" | "list";

/** The element a family stores for index i (a hash stores a field and its value). */
function elementArgs(family: Family, i: number): string[] {
  switch (family) {
    case "hash":
      return [`field:${digits12(i)}`, `val:${digits12(i)}`];
    case "set":
      return [`member:${digits12(i)}`];
    case "intset":
      return [String(i)];
    case "zset":
      return [String(i), `member:${digits12(i)}`];
    case "list":
      return [`element:${digits12(i)}`];
  }
}

const WRITE: Record<Family, string> = { hash: "HSET", set: "SADD", intset: "SADD", zset: "ZADD", list: "RPUSH" };

/**
 * `keys` collections of `elements / keys` elements each, PER_COMMAND elements per command, ten commands
 * per batch. Every command adds new elements only, so its reply is the count added (RPUSH: the length).
 */
export function loadCollections(family: Family, keys: number, elements: number): Load {
  const perKey = elements / keys;
  const commands: { text: string; reply: string }[] = [];
  for (let k = 0; k < keys; k++) {
    const key = keys === 1 ? `big:${family}` : `${family}:${k}`;
    for (let start = 0; start < perKey; start += PER_COMMAND) {
      const args = [WRITE[family], key];
      const end = Math.min(perKey, start + PER_COMMAND);
      for (let i = start; i < end; i++) args.push(...elementArgs(family, i));
      commands.push({ text: resp(args), reply: `:${family === "list" ? end : end - start}\r\n` });
    }
  }
  const load: Load = { batches: [], replies: [] };
  for (let c = 0; c < commands.length; c += 10) {
    const group = commands.slice(c, c + 10);
    load.batches.push(enc.encode(group.map((g) => g.text).join("")));
    load.replies.push(enc.encode(group.map((g) => g.reply).join("")));
  }
  return load;
}

/** A timed op: the core's batches and the same command for redis-benchmark (`__rand_int__` = 12 digits in [0, range)). */
export interface TimedOp {
  name: "ZADD" | "ZRANGEBYSCORE" | "LPUSH" | "LRANGE";
  /** The redis-benchmark command line; the core's batches are this command with seeded 12-digit numbers. */
  benchmark: string[];
  commands: number;
  range: number;
  batches: Uint8Array[];
}

/** The four ops over one sorted set and one list of up to `n` elements; reads run `n / 10` commands. */
export function timedOps(n: number): TimedOp[] {
  const ops: Omit<TimedOp, "batches">[] = [
    { name: "ZADD", benchmark: ["ZADD", "zbench", "__rand_int__", "member:__rand_int__"], commands: n, range: n },
    { name: "ZRANGEBYSCORE", benchmark: ["ZRANGEBYSCORE", "zbench", "__rand_int__", "+inf", "WITHSCORES", "LIMIT", "0", "10"], commands: n / 10, range: n },
    { name: "LPUSH", benchmark: ["LPUSH", "lbench", "element:__rand_int__"], commands: n, range: n },
    { name: "LRANGE", benchmark: ["LRANGE", "lbench", "0", "99"], commands: n / 10, range: n },
  ];
  return ops.map((op, index) => {
    const random = seededRandom(7919 * (index + 1));
    const batches: Uint8Array[] = [];
    for (let start = 0; start < op.commands; start += BATCH) {
      let text = "";
      for (let c = start; c < Math.min(op.commands, start + BATCH); c++) {
        text += resp(op.benchmark.map((arg) => arg.replaceAll("__rand_int__", () => digits12(Math.floor(random() * op.range)))));
      }
      batches.push(enc.encode(text));
    }
    return { ...op, batches };
  });
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
