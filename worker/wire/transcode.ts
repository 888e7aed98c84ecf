// Host side of transcode.wasm: request body bytes → per-shard RESP batches (with each command's
// slot), and the shards' RESP replies → the JSON response body, copying only whole buffers.
// `null` from either means "take the TS path" (request.ts, json.ts): the module hands back every
// input it would not treat exactly as they do, so errors keep their texts from one place.
import transcodeModule from "../../wasm/build/transcode.wasm";
import type { Command } from "../routing/command";
import { carryEncoding } from "./resp";

interface TranscodeExports {
  memory: WebAssembly.Memory;
  input(size: number): number;
  parseRequest(len: number, pipeline: number): number;
  commandTable(): number;
  partition(shards: number): number;
  order(): number;
  replyInput(commands: number, size: number): number;
  replyShards(shards: number): number;
  render(pipeline: number, asBase64: number): number;
  json(): number;
}

/** Bytes per command in `commandTable()`: u32 RESP start, end, i32 slot, u32 argc, shard, index. */
const ENTRY_WORDS = 6;

export interface TranscodedRequest {
  /** One RESP batch per shard (empty when the shard has nothing to do), each in request order. */
  readonly batches: Uint8Array[];
  /** Commands per shard batch. */
  readonly counts: number[];
  /** Per command: the slot of its argument 1 (its key for single-key commands), -1 with no argument 1. */
  readonly slots: Int32Array;
  /** Per command: its reply's index among the shards' replies concatenated in shard order. */
  readonly order: Uint32Array;
}

// One instance per isolate: instantiation is synchronous (workerd forbids compiling at run time).
let exportsCache: TranscodeExports | undefined;

function wasm(): TranscodeExports {
  return (exportsCache ??= new WebAssembly.Instance(transcodeModule, {}).exports as unknown as TranscodeExports);
}

/**
 * Parses a command body (`pipeline` false: one command; true: an array of them) and splits it over
 * `shards` shards, or `null` when the TS path must decide (invalid or unusual input).
 */
export function transcodeRequest(body: Uint8Array, pipeline: boolean, shards: number): TranscodedRequest | null {
  const x = wasm();
  const ptr = x.input(body.length);
  new Uint8Array(x.memory.buffer, ptr, body.length).set(body);
  const count = x.parseRequest(body.length, pipeline ? 1 : 0);
  if (count < 0) return null;
  const tablePtr = x.commandTable();
  const shardTable = x.partition(shards);
  // Views only after the last call that may grow memory.
  const memory = x.memory.buffer;
  const table = new Int32Array(memory, tablePtr, count * ENTRY_WORDS);
  const slots = new Int32Array(count);
  for (let c = 0; c < count; c++) slots[c] = table[c * ENTRY_WORDS + 2]!;
  const rows = new Uint32Array(memory, shardTable, shards * 4);
  const batches: Uint8Array[] = [];
  const counts: number[] = [];
  for (let s = 0; s < shards; s++) {
    batches.push(new Uint8Array(memory.slice(rows[s * 4]!, rows[s * 4 + 1]!)));
    counts.push(rows[s * 4 + 2]!);
  }
  const order = new Uint32Array(memory.slice(x.order(), x.order() + count * 4));
  return { batches, counts, slots, order };
}

/**
 * The JSON body for replies `shardReplies` (one RESP buffer per shard, in shard order) to the
 * commands of `order` (`TranscodedRequest.order`): `[{"result":…},…]` for a pipeline, else one
 * `{"result":…}` / `{"error":…}`. `counts`, when given, is the number of commands each shard was
 * sent, and a shard that answered another number of replies is refused. `null`: render with json.ts
 * instead.
 */
export function renderReplies(shardReplies: readonly Uint8Array[], order: Uint32Array, pipeline: boolean, asBase64: boolean, counts?: readonly number[]): Uint8Array | null {
  const x = wasm();
  let size = 0;
  for (const replies of shardReplies) size += replies.length;
  const ptr = x.replyInput(order.length, size);
  if (counts) {
    const table = x.replyShards(shardReplies.length);
    const words = new Uint32Array(x.memory.buffer, table, shardReplies.length * 2);
    shardReplies.forEach((replies, shard) => {
      words[shard * 2] = counts[shard]!;
      words[shard * 2 + 1] = replies.length;
    });
  }
  const memory = new Uint8Array(x.memory.buffer);
  memory.set(new Uint8Array(order.buffer, order.byteOffset, order.byteLength), ptr);
  let at = ptr + order.length * 4;
  for (const replies of shardReplies) {
    memory.set(replies, at);
    at += replies.length;
  }
  const len = x.render(pipeline ? 1 : 0, asBase64 ? 1 : 0);
  if (len < 0) return null;
  const start = x.json();
  return new Uint8Array(x.memory.buffer.slice(start, start + len));
}

/**
 * A command body parsed by transcode.wasm into commands whose arguments are views into one copy of
 * its RESP (no JS string per argument), or `null`: parse it with request.ts (every error comes from
 * there). What the gateway's routes use today: the planner and the shards' transport still take
 * `Command[]`, so the per-shard batches of `transcodeRequest` are not yet used by them.
 */
export function transcodeCommands(body: Uint8Array, pipeline: boolean): Command[] | null {
  const x = wasm();
  const ptr = x.input(body.length);
  new Uint8Array(x.memory.buffer, ptr, body.length).set(body);
  const count = x.parseRequest(body.length, pipeline ? 1 : 0);
  if (count < 0) return null;
  const memory = x.memory.buffer;
  const table = new Uint32Array(memory, x.commandTable(), count * ENTRY_WORDS);
  const start = table[0]!;
  const resp = new Uint8Array(memory.slice(start, table[(count - 1) * ENTRY_WORDS + 1]!));
  const commands: Command[] = new Array(count);
  let at = 0;
  for (let c = 0; c < count; c++) {
    const argc = table[c * ENTRY_WORDS + 3]!;
    at = table[c * ENTRY_WORDS]! - start;
    const end = table[c * ENTRY_WORDS + 1]! - start;
    while (resp[at] !== 0x0a) at++; // past `*argc\r\n`
    at++;
    const args: Uint8Array[] = new Array(argc);
    for (let i = 0; i < argc; i++) {
      let len = 0;
      for (at++; resp[at] !== 0x0d; at++) len = len * 10 + resp[at]! - 0x30; // `$len`
      at += 2;
      args[i] = resp.subarray(at, at + len);
      at += len + 2;
    }
    commands[c] = args;
    carryEncoding(args, resp.subarray(table[c * ENTRY_WORDS]! - start, end));
  }
  return commands;
}
