// Engine ops/s of the WebAssembly core alone in Node (no Durable Object, no persistence): the upper bound.
import { performance } from "node:perf_hooks";
import { Core } from "../wasm/host";
import { decodeReplies, Status } from "../worker/wire/resp";
import { seededRandom } from "./slot-sample";
import { compileWasm } from "./wasm-module";
import { batchIndexes, encodeBatch, expectedReplyBytes, type EngineOp } from "./workload";

export interface EnginePhases {
  opsPerSecond: Record<EngineOp, number>;
  /** core.usedMemory() / keys after the SET phase (only SET's keys exist then). */
  bytesPerKey: number;
}

export const ENGINE_OPS: readonly EngineOp[] = ["SET", "GET", "INCR"];

export function runCoreEngine(keys: number, batchSize: number, log: (line: string) => void): EnginePhases {
  const module = compileWasm("wasm/build/core.wasm");
  let core = new Core(module);
  const batches = keys / batchSize;
  const opsPerSecond = {} as Record<EngineOp, number>;
  let bytesPerKey = 0;
  for (const op of ENGINE_OPS) {
    const random = seededRandom(op.length * 7919);
    // INCR's counters get a fresh core, as they get a fresh shard (SET's keys plus the counters would pass
    // a shard's maxmemory); redis-benchmark runs INCR on a server that still holds its SET keys.
    if (op === "INCR") core = new Core(module);
    let seconds = 0;
    for (let b = 0; b < batches; b++) {
      const indexes = batchIndexes(op, b, batchSize, keys, random);
      const batch = encodeBatch(op, indexes);
      const start = performance.now();
      const { replies, count } = core.execute(batch, Date.now());
      seconds += (performance.now() - start) / 1000;
      checkReplies(op, b, indexes, count, replies);
    }
    opsPerSecond[op] = keys / seconds;
    log(`core ${op}: ${(keys / seconds / 1e6).toFixed(2)} M ops/s`);
    if (op === "SET") {
      if (core.keyCount() !== keys) throw new Error(`core holds ${core.keyCount()} keys after the SET phase, want ${keys}`);
      bytesPerKey = core.usedMemory() / keys;
    }
  }
  return { opsPerSecond, bytesPerKey };
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
  decoded.forEach((reply, i) => {
    const ok =
      op === "SET"
        ? reply instanceof Status && reply.text === "OK"
        : op === "GET"
          ? reply instanceof Uint8Array && new TextDecoder().decode(reply) === `val:${String(indexes[i]).padStart(12, "0")}`
          : typeof reply === "number" && reply >= 1;
    if (!ok) throw new Error(`${op} batch 0, command ${i}: unexpected reply ${String(reply)}`);
  });
}
