// Engine ops/s of the WebAssembly core alone in Node (no Durable Object, no persistence): the upper bound.
import { performance } from "node:perf_hooks";
import { Core } from "../wasm/host";
import { decodeReplies, Status } from "../worker/wire/resp";
import { seededRandom } from "./slot-sample";
import { compileWasm } from "./wasm-module";
import { COLLECTION_OPS, encodeBatch, expectedReplyBytes, nextBatch, opSeed, type EngineOp } from "./workload";

export interface EnginePhases {
  opsPerSecond: Record<EngineOp, number>;
  /** core.usedMemory() / keys after the SET phase (only SET's keys exist then). */
  bytesPerKey: number;
  /** HSET's and ZADD's one key: its fields or members, and the core's usedMemory() once they are written. */
  collections: Partial<Record<EngineOp, { elements: number; usedMemory: number }>>;
}

/**
 * HSET's fields and ZADD's members come from the same range as the other ops' keys (redis-benchmark's
 * one `-r`): 1,000,000 commands leave ~632,000 distinct elements in one key, which the core holds in
 * ~37 MiB (hash) and ~39 MiB (sorted set), measured: under half the shard's 96 MiB maxmemory.
 */
export const ENGINE_OPS: readonly EngineOp[] = ["SET", "GET", "INCR", "HSET", "ZADD"];

export function runCoreEngine(keys: number, batchSize: number, log: (line: string) => void): EnginePhases {
  const module = compileWasm("wasm/build/core.wasm");
  let core = new Core(module);
  const batches = keys / batchSize;
  const opsPerSecond = {} as Record<EngineOp, number>;
  const collections: EnginePhases["collections"] = {};
  let bytesPerKey = 0;
  for (const op of ENGINE_OPS) {
    const random = seededRandom(opSeed(op));
    // INCR's counters get a fresh core, as they get a fresh shard (SET's keys plus the counters would pass
    // a shard's maxmemory); redis-benchmark runs INCR on a server that still holds its SET keys. HSET's
    // and ZADD's keys get one each too, as they get their own shards.
    if (op === "INCR" || COLLECTION_OPS.includes(op)) core = new Core(module);
    const seen = new ElementsSeen(keys);
    let seconds = 0;
    for (let b = 0; b < batches; b++) {
      const batch = nextBatch(op, b, batchSize, keys, random);
      const body = encodeBatch(op, batch.indexes, batch.scores);
      const start = performance.now();
      const { replies, count } = core.execute(body, Date.now());
      seconds += (performance.now() - start) / 1000;
      checkReplies(op, b, batch.indexes, count, replies);
      seen.add(batch.indexes);
    }
    opsPerSecond[op] = keys / seconds;
    log(`core ${op}: ${(keys / seconds / 1e6).toFixed(2)} M ops/s`);
    if (op === "SET") {
      if (core.keyCount() !== keys) throw new Error(`core holds ${core.keyCount()} keys after the SET phase, want ${keys}`);
      bytesPerKey = core.usedMemory() / keys;
    }
    if (COLLECTION_OPS.includes(op)) {
      checkCardinality(op, core.execute(cardinalityCommand(op), Date.now()).replies, seen.count);
      collections[op] = { elements: seen.count, usedMemory: core.usedMemory() };
    }
  }
  return { opsPerSecond, bytesPerKey, collections };
}

/** Which indexes a phase has written, so HLEN/ZCARD afterwards can be checked exactly. */
export class ElementsSeen {
  private readonly marks: Uint8Array;
  count = 0;

  constructor(space: number) {
    this.marks = new Uint8Array(space);
  }

  add(indexes: Uint32Array): void {
    for (const index of indexes) {
      if (this.marks[index] === 0) this.count++;
      this.marks[index] = 1;
    }
  }
}

/** HLEN myhash / ZCARD myzset: the one key HSET / ZADD write. */
export function cardinalityCommand(op: EngineOp): Uint8Array {
  return new TextEncoder().encode(op === "HSET" ? "*2\r\n$4\r\nHLEN\r\n$6\r\nmyhash\r\n" : "*2\r\n$5\r\nZCARD\r\n$6\r\nmyzset\r\n");
}

export function checkCardinality(op: EngineOp, reply: Uint8Array, want: number): void {
  const text = new TextDecoder().decode(reply);
  if (text !== `:${want}\r\n`) throw new Error(`${op}: the key holds ${JSON.stringify(text)} elements, want ${want}`);
}

/** Every batch's replies are checked: cheaply by size, and the first batch of each op value by value. */
export function checkReplies(op: EngineOp, batch: number, indexes: Uint32Array, count: number, replies: Uint8Array): void {
  const size = indexes.length;
  if (count !== size) throw new Error(`${op} batch ${batch}: executed ${count} of ${size} commands`);
  const want = expectedReplyBytes(op, size);
  if (want !== null && replies.length !== want) {
    throw new Error(`${op} batch ${batch}: ${replies.length} reply bytes, want ${want}: ${new TextDecoder().decode(replies.subarray(0, 120))}`);
  }
  if (batch !== 0) return;
  const decoded = decodeReplies(replies);
  if (decoded.length !== size) throw new Error(`${op} batch 0: ${decoded.length} replies, want ${size}`);
  // HSET and ZADD start on an empty key: 1 for an element's first write in the batch, 0 after.
  const earlier = new Set<number>();
  decoded.forEach((reply, i) => {
    const first = !earlier.has(indexes[i]);
    earlier.add(indexes[i]);
    const ok =
      op === "SET"
        ? reply instanceof Status && reply.text === "OK"
        : op === "GET"
          ? reply instanceof Uint8Array && new TextDecoder().decode(reply) === `val:${String(indexes[i]).padStart(12, "0")}`
          : op === "INCR"
            ? typeof reply === "number" && reply >= 1
            : reply === (first ? 1 : 0);
    if (!ok) throw new Error(`${op} batch 0, command ${i}: unexpected reply ${String(reply)}`);
  });
}
