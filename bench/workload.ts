// The engine workload as RESP batches, in redis-benchmark's shapes (12-digit `__rand_int__`s), written
// straight into bytes so generating a batch costs next to nothing.

export type EngineOp = "SET" | "GET" | "INCR" | "HSET" | "ZADD";

const DIGITS = 12;
/**
 * HSET's value: redis-benchmark's `hset` test sends one fixed `-d`-byte value with every command; 16
 * bytes, not an integer, so both sides keep it as text.
 */
export const HSET_VALUE = "xxxxxxxxxxxxxxxx";

/**
 * One command as text between 12-digit numbers: `M` is the command's index (key, field or member),
 * `S` ZADD's score, drawn independently as redis-benchmark expands each `__rand_int__` on its own.
 * SET/GET/INCR use 16-byte keys (`key:`/`ctr:` + 12 digits), SET 16-byte values; HSET and ZADD are
 * redis-benchmark's built-in tests, one key and `element:<12 digits>` fields/members.
 */
const TEMPLATES: Record<EngineOp, readonly (string | "M" | "S")[]> = {
  SET: ["*3\r\n$3\r\nSET\r\n$16\r\nkey:", "M", "\r\n$16\r\nval:", "M", "\r\n"],
  GET: ["*2\r\n$3\r\nGET\r\n$16\r\nkey:", "M", "\r\n"],
  INCR: ["*2\r\n$4\r\nINCR\r\n$16\r\nctr:", "M", "\r\n"],
  HSET: ["*4\r\n$4\r\nHSET\r\n$6\r\nmyhash\r\n$20\r\nelement:", "M", `\r\n$16\r\n${HSET_VALUE}\r\n`],
  ZADD: ["*4\r\n$4\r\nZADD\r\n$6\r\nmyzset\r\n$12\r\n", "S", "\r\n$20\r\nelement:", "M", "\r\n"],
};

/** The ops that write one key's fields or members, drawn from a member space of their own. */
export const COLLECTION_OPS: readonly EngineOp[] = ["HSET", "ZADD"];

/** A batch's numbers: one index per command, and ZADD's scores (null for the other ops). */
export interface EngineBatch {
  indexes: Uint32Array;
  scores: Uint32Array | null;
}

const encoder = new TextEncoder();
const compiled = new Map<EngineOp, (Uint8Array | "M" | "S")[]>();

function template(op: EngineOp): (Uint8Array | "M" | "S")[] {
  let parts = compiled.get(op);
  if (!parts) {
    parts = TEMPLATES[op].map((part) => (part === "M" || part === "S" ? part : encoder.encode(part)));
    compiled.set(op, parts);
  }
  return parts;
}

/** Encodes one command per index (ZADD also takes the score at the same position in `scores`). */
export function encodeBatch(op: EngineOp, indexes: ArrayLike<number>, scores: ArrayLike<number> | null = null): Uint8Array {
  const parts = template(op);
  if (parts.includes("S") && (scores === null || scores.length !== indexes.length)) throw new Error(`${op} needs one score per command`);
  const size = parts.reduce((sum, part) => sum + (typeof part === "string" ? DIGITS : part.length), 0);
  const out = new Uint8Array(size * indexes.length);
  let pos = 0;
  for (let i = 0; i < indexes.length; i++) {
    for (const part of parts) {
      if (part === "M") pos = writeDigits(out, pos, indexes[i]);
      else if (part === "S") pos = writeDigits(out, pos, scores![i]);
      else {
        out.set(part, pos);
        pos += part.length;
      }
    }
  }
  return out;
}

/** The reply bytes a batch must produce when every command succeeds with a fixed-size reply. */
export function expectedReplyBytes(op: EngineOp, commands: number): number | null {
  if (op === "SET") return 5 * commands; // +OK\r\n
  if (op === "GET") return (5 + 16 + 2) * commands; // $16\r\n<value>\r\n
  if (op === "HSET" || op === "ZADD") return 4 * commands; // :1\r\n (added) or :0\r\n (updated)
  return null; // INCR's integers vary in width
}

function writeDigits(out: Uint8Array, pos: number, value: number): number {
  for (let d = DIGITS - 1; d >= 0; d--) {
    out[pos + d] = 48 + (value % 10);
    value = Math.floor(value / 10);
  }
  return pos + DIGITS;
}

/**
 * Batch `b` of `size` commands: sequential indexes for SET (a growing keyspace), seeded-random below
 * `keyspace` otherwise (redis-benchmark's `-r`); ZADD draws a score the same way after each member.
 */
export function nextBatch(op: EngineOp, batch: number, size: number, keyspace: number, random: () => number): EngineBatch {
  const indexes = new Uint32Array(size);
  const scores = op === "ZADD" ? new Uint32Array(size) : null;
  for (let i = 0; i < size; i++) {
    indexes[i] = op === "SET" ? batch * size + i : Math.floor(random() * keyspace);
    if (scores) scores[i] = Math.floor(random() * keyspace);
  }
  return { indexes, scores };
}

/** Each op's own random stream (SET/GET/INCR keep the seeds earlier runs used). */
export function opSeed(op: EngineOp): number {
  return (op === "HSET" ? 5 : op === "ZADD" ? 6 : op.length) * 7919;
}
