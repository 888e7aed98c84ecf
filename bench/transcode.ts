// Gateway transcode: commands/s for an Upstash JSON pipeline → per-shard RESP batches (with slots) →
// the JSON response body, transcode.wasm (worker/wire/transcode.ts) vs the TS path the gateway runs today.
import { type Command } from "../worker/routing/command";
import { shardOfSlot } from "../worker/routing/slot-map";
import { resultJson } from "../worker/wire/json";
import { parseCommandsBody } from "../worker/wire/request";
import { decodeReplies, encodeCommands, encodeReply, type Reply, Status } from "../worker/wire/resp";
import { renderReplies, transcodeCommands, transcodeRequest } from "../worker/wire/transcode";
import { rate, ratio, table, type Section } from "./report";
import { keySlotOfBytes } from "./slot-ts";
import type { BenchContext, Suite } from "./suite";
import { measureRates, type RateCase } from "./timing";

const COMMANDS = 1_000;
const SHARDS = 4;
const GOAL = 2;

export const transcodeSuite: Suite = { id: "transcode", run: runTranscode };

/** A seeded generator (mulberry32), so every run times the same pipeline. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEXTS = ["plain ascii value", "naïve café", "日本語のテキスト", "emoji 😀🎉 pair", 'quote " and \\ and\nnewline', "tab\tand \u0001 control"];

interface Workload {
  body: Uint8Array;
  /** The replies a shard would send, one RESP buffer per shard, for the batches the TS path builds. */
  shardReplies: Uint8Array[];
  /** Bytes of binary values (GET replies), for the notes. */
  binaryValues: number;
}

/**
 * 1,000 commands, a quarter each of SET/GET/HSET/INCR, as @upstash/redis sends them (JSON.stringify).
 * Values are unicode text, and "binary after base64": random bytes sent as the base64 text a client
 * puts in JSON, whose GET replies are the bytes themselves (rendered as U+FFFD-replaced text, or as
 * base64 under Upstash-Encoding: base64).
 */
function workload(): Workload {
  const next = random(8);
  const commands: (string | number)[][] = [];
  const replies: Reply[] = [];
  let binaryValues = 0;
  for (let i = 0; i < COMMANDS; i++) {
    const key = `key:${Math.floor(next() * 1e6).toString().padStart(8, "0")}${i % 10 === 0 ? "{user:7}" : ""}`;
    const pick = Math.floor(next() * 4);
    const binary = new Uint8Array(16 + Math.floor(next() * 32)).map(() => Math.floor(next() * 256));
    const base64 = btoa(String.fromCharCode(...binary));
    const text = TEXTS[Math.floor(next() * TEXTS.length)]!;
    if (pick === 0) {
      commands.push(["SET", key, i % 3 === 0 ? base64 : text]);
      replies.push(new Status("OK"));
    } else if (pick === 1) {
      commands.push(["GET", key]);
      replies.push(i % 2 === 0 ? binary : new TextEncoder().encode(text));
      if (i % 2 === 0) binaryValues++;
    } else if (pick === 2) {
      commands.push(["HSET", key, "field😀", text, "n", -12.5e3]);
      replies.push(2);
    } else {
      commands.push(["INCR", key]);
      replies.push(i % 7 === 0 ? 9007199254740993n : i);
    }
  }
  const body = new TextEncoder().encode(JSON.stringify(commands));
  // Replies grouped per shard exactly as the TS path groups the commands.
  const perShard: number[][] = Array.from({ length: SHARDS }, () => []);
  for (const command of parseCommandsBody(body).map((cmd, i) => ({ cmd, i }))) {
    perShard[shardOfSlot(keySlotOfBytes(command.cmd[1]!), SHARDS)]!.push(...encodeReply(replies[command.i]!));
  }
  return { body, shardReplies: perShard.map((bytes) => new Uint8Array(bytes)), binaryValues };
}

const encoder = new TextEncoder();

/** The gateway's TS path: JSON.parse (reviver keeping number text) + TextEncoder per argument, TS CRC16, RESP per shard; then RESP → Reply values → JSON.stringify. */
function tsPath(body: Uint8Array, shardReplies: readonly Uint8Array[], asBase64: boolean): { batches: Uint8Array[]; json: Uint8Array } {
  return tsFrom(parseCommandsBody(body), shardReplies, asBase64);
}

const utf8 = new TextDecoder();

/**
 * A leaner TS path, a lower bound for any TS rewrite: JSON.parse without the reviver (numbers lose
 * their source text, so 2^63-1 or 1e3 would not survive: not shippable) and no shape checks.
 */
function tsLeanPath(body: Uint8Array, shardReplies: readonly Uint8Array[], asBase64: boolean): { batches: Uint8Array[]; json: Uint8Array } {
  const parsed = JSON.parse(utf8.decode(body)) as (string | number)[][];
  const commands = parsed.map((command) => command.map((arg) => encoder.encode(typeof arg === "string" ? arg : String(arg))));
  return tsFrom(commands, shardReplies, asBase64);
}

function tsFrom(commands: Command[], shardReplies: readonly Uint8Array[], asBase64: boolean): { batches: Uint8Array[]; json: Uint8Array } {
  const batches: Command[][] = Array.from({ length: SHARDS }, () => []);
  const where = new Array<number>(commands.length * 2);
  let keyless = -1;
  commands.forEach((command, i) => {
    const shard = command.length > 1 ? shardOfSlot(keySlotOfBytes(command[1]!), SHARDS) : -1;
    if (shard >= 0 && keyless < 0) keyless = shard;
    where[i * 2] = shard;
  });
  commands.forEach((command, i) => {
    const shard = where[i * 2]! < 0 ? Math.max(keyless, 0) : where[i * 2]!;
    where[i * 2] = shard;
    where[i * 2 + 1] = batches[shard]!.push(command) - 1;
  });
  const encoded = batches.map((batch) => encodeCommands(batch));
  const replies = shardReplies.map((bytes) => decodeReplies(bytes));
  const parts = new Array<string>(commands.length);
  for (let i = 0; i < commands.length; i++) parts[i] = resultJson(replies[where[i * 2]!]![where[i * 2 + 1]!]!, asBase64);
  return { batches: encoded, json: encoder.encode(`[${parts.join(",")}]`) };
}

function wasmPath(body: Uint8Array, shardReplies: readonly Uint8Array[], asBase64: boolean): { batches: Uint8Array[]; json: Uint8Array } {
  const request = transcodeRequest(body, true, SHARDS);
  if (!request) throw new Error("transcode.wasm refused the bench pipeline");
  const json = renderReplies(shardReplies, request.order, true, asBase64);
  if (!json) throw new Error("transcode.wasm refused the bench replies");
  return { batches: request.batches, json };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

async function runTranscode({ quick, log }: BenchContext): Promise<Section> {
  const { body, shardReplies, binaryValues } = workload();
  // Checked before timed: same batches, byte for byte, and the same JSON body, in both encodings.
  for (const asBase64 of [false, true]) {
    const ts = tsPath(body, shardReplies, asBase64);
    const wasm = wasmPath(body, shardReplies, asBase64);
    const lean = tsLeanPath(body, shardReplies, asBase64);
    if (!sameBytes(lean.json, ts.json) || lean.batches.some((batch, shard) => !sameBytes(batch, ts.batches[shard]!))) {
      throw new Error("transcode: the lean TS path differs from the gateway's");
    }
    ts.batches.forEach((batch, shard) => {
      if (!sameBytes(batch, wasm.batches[shard]!)) throw new Error(`transcode: shard ${shard}'s RESP batch differs from the TS path`);
    });
    if (!sameBytes(ts.json, wasm.json)) throw new Error(`transcode: the JSON body differs from the TS path (base64 ${asBase64})`);
  }

  // What the gateway's routes run today (the request parse only), checked argument for argument.
  const viaWasm = transcodeCommands(body, true);
  const viaTs = parseCommandsBody(body);
  if (!viaWasm || viaWasm.length !== viaTs.length || viaWasm.some((command, c) => command.length !== viaTs[c]!.length || command.some((arg, i) => !sameBytes(arg, viaTs[c]![i]!)))) {
    throw new Error("transcode: transcodeCommands differs from parseCommandsBody");
  }

  const options = quick ? { sampleMs: 40, samples: 3 } : { sampleMs: 200, samples: 9 };
  const caseOf = (path: typeof tsPath, asBase64: boolean): RateCase => ({
    opsPerIteration: COMMANDS,
    run: (iterations) => {
      let acc = 0;
      for (let i = 0; i < iterations; i++) acc += path(body, shardReplies, asBase64).json.length;
      return acc;
    },
  });
  const [wasmText, tsText, leanText, wasmBase64, tsBase64, leanBase64] = measureRates(
    [caseOf(wasmPath, false), caseOf(tsPath, false), caseOf(tsLeanPath, false), caseOf(wasmPath, true), caseOf(tsPath, true), caseOf(tsLeanPath, true)],
    options,
  );
  const parseCase = (parse: (body: Uint8Array) => readonly (readonly Uint8Array[])[] | null): RateCase => ({
    opsPerIteration: COMMANDS,
    run: (iterations) => {
      let acc = 0;
      for (let i = 0; i < iterations; i++) acc += parse(body)!.length;
      return acc;
    },
  });
  const [parseWasm, parseTs] = measureRates([parseCase((bytes) => transcodeCommands(bytes, true)), parseCase(parseCommandsBody)], options);
  log(`transcode: wasm ${rate(wasmText!)} vs ts ${rate(tsText!)} (lean ${rate(leanText!)}); base64: wasm ${rate(wasmBase64!)} vs ts ${rate(tsBase64!)} (lean ${rate(leanBase64!)})`);
  return {
    title: "Gateway transcode: JSON pipeline → per-shard RESP (with slots) → JSON, commands/s",
    lines: [
      ...table(
        ["path", "commands/s (text replies)", "vs TS", "commands/s (Upstash-Encoding: base64)", "vs TS"],
        [
          ["transcode.wasm via worker/wire/transcode.ts (body copied in, batches and body copied out)", rate(wasmText!), ratio(wasmText! / tsText!), rate(wasmBase64!), ratio(wasmBase64! / tsBase64!)],
          ["TS path as the gateway runs it: `parseCommandsBody` (JSON.parse + reviver + TextEncoder per argument), TS CRC16, `encodeCommands`; `decodeReplies` + `resultJson` (JSON.stringify) — baseline", rate(tsText!), ratio(1), rate(tsBase64!), ratio(1)],
          ["lean TS (JSON.parse without the reviver, no shape checks; not shippable: numbers lose their text), same RESP and JSON steps", rate(leanText!), ratio(leanText! / tsText!), rate(leanBase64!), ratio(leanBase64! / tsBase64!)],
        ],
      ),
      "",
      ...table(
        ["request parse only (what the gateway's routes run)", "commands/s", "vs TS"],
        [
          ["`transcodeCommands`: transcode.wasm, then one copy of the RESP and a subarray view per argument", rate(parseWasm!), ratio(parseWasm! / parseTs!)],
          ["`parseCommandsBody` (worker/wire/request.ts) — baseline", rate(parseTs!), ratio(1)],
        ],
      ),
      "",
      `- One pipeline of ${COMMANDS} commands (${body.length.toLocaleString("en")} bytes of JSON; SET/GET/HSET/INCR a quarter each, unicode text with ` +
        `escapes and surrogate pairs, base64 text of random bytes as SET values, a negative number in HSET), split over ${SHARDS} shards; ` +
        `${binaryValues} GET replies are random bytes (U+FFFD-replaced as text, or base64), some INCR replies exceed 2^53.`,
      "- Both paths start from the body bytes and end with the response body bytes; the shards' replies are fixed RESP buffers (no shard runs). " +
        "Before timing, both paths' per-shard batches are compared byte for byte and their JSON bodies for both encodings.",
      `- transcode.wasm vs the lean TS path: ${ratio(wasmText! / leanText!)} (text), ${ratio(wasmBase64! / leanBase64!)} (base64). ` +
        "Where the TS time goes: an object per argument (JSON.parse's string, then a TextEncoder Uint8Array), a Reply object per reply and a JS string per reply before the final UTF-8 encode; " +
        "the wasm path moves three buffers across the boundary per direction and allocates only the copies out.",
      `- Median of ${options.samples} interleaved samples of ≥ ${options.sampleMs} ms each, Node 22.`,
    ],
    targets: [
      { what: "gateway request parse commands/s (as wired into the routes), transcodeCommands vs parseCommandsBody", ratio: parseWasm! / parseTs!, goal: 1, higherIsBetter: true },
      { what: "gateway transcode commands/s, transcode.wasm vs the TS path (text replies)", ratio: wasmText! / tsText!, goal: GOAL, higherIsBetter: true },
      { what: "gateway transcode commands/s, transcode.wasm vs the TS path (base64 replies)", ratio: wasmBase64! / tsBase64!, goal: GOAL, higherIsBetter: true },
    ],
  };
}
