// The engine workload as RESP batches: 16-byte keys (`key:` or `ctr:` + 12 digits, redis-benchmark's
// shape) and 16-byte values, written straight into bytes so generating a batch costs next to nothing.

export type EngineOp = "SET" | "GET" | "INCR";

const PREFIX: Record<EngineOp, string> = { SET: "key:", GET: "key:", INCR: "ctr:" };
const KEY_BYTES = 16;
const DIGITS = 12;

/** Bytes of one command: `*N\r\n$L\r\nNAME\r\n$16\r\n<key>\r\n` [+ `$16\r\n<value>\r\n`]. */
function commandHead(op: EngineOp): Uint8Array {
  const argc = op === "SET" ? 3 : 2;
  return new TextEncoder().encode(`*${argc}\r\n$${op.length}\r\n${op}\r\n$${KEY_BYTES}\r\n${PREFIX[op]}`);
}

/** Encodes one command per index: SET key:i val:i, GET key:i, INCR ctr:i. */
export function encodeBatch(op: EngineOp, indexes: ArrayLike<number>): Uint8Array {
  const head = commandHead(op);
  const size = head.length + DIGITS + 2 + (op === "SET" ? 5 + KEY_BYTES + 2 : 0);
  const out = new Uint8Array(size * indexes.length);
  let pos = 0;
  for (let i = 0; i < indexes.length; i++) {
    out.set(head, pos);
    pos = writeDigits(out, pos + head.length, indexes[i]);
    out[pos++] = 13;
    out[pos++] = 10;
    if (op === "SET") {
      // `$16\r\nval:<12 digits>\r\n`: not an integer, so Redis keeps it a string just like we do.
      out.set([36, 49, 54, 13, 10, 118, 97, 108, 58], pos);
      pos = writeDigits(out, pos + 9, indexes[i]);
      out[pos++] = 13;
      out[pos++] = 10;
    }
  }
  return out;
}

/** The reply bytes a batch must produce when every command succeeds with a fixed-size reply. */
export function expectedReplyBytes(op: EngineOp, commands: number): number | null {
  if (op === "SET") return 5 * commands; // +OK\r\n
  if (op === "GET") return (5 + 16 + 2) * commands; // $16\r\n<value>\r\n
  return null; // INCR's integers vary in width
}

function writeDigits(out: Uint8Array, pos: number, value: number): number {
  for (let d = DIGITS - 1; d >= 0; d--) {
    out[pos + d] = 48 + (value % 10);
    value = Math.floor(value / 10);
  }
  return pos + DIGITS;
}

/** Batch `b` of `size` indexes for an op: sequential for SET (a growing keyspace), seeded-random otherwise. */
export function batchIndexes(op: EngineOp, batch: number, size: number, keyspace: number, random: () => number): Uint32Array {
  const indexes = new Uint32Array(size);
  for (let i = 0; i < size; i++) indexes[i] = op === "SET" ? batch * size + i : Math.floor(random() * keyspace);
  return indexes;
}
