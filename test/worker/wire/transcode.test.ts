// transcode.wasm against the TS path it stands in for: random bodies give the same RESP batches and
// slots, random replies the same JSON bytes, and whatever the TS path refuses the module hands back.
import { describe, expect, it } from "vitest";
import { keySlot } from "../../../worker/routing/key-slot";
import { shardOfSlot } from "../../../worker/routing/slot-map";
import { resultJson } from "../../../worker/wire/json";
import { parseCommandBody, parseCommandsBody } from "../../../worker/wire/request";
import { batchBuffer, encodeCommands, encodeReply, type Reply, ReplyError, Status } from "../../../worker/wire/resp";
import { renderReplies, transcodeCommands, transcodeRequest } from "../../../worker/wire/transcode";
import { Random } from "../../compat/random";

const enc = new TextEncoder();
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

type Outcome = { error: string } | { batches: Uint8Array[]; slots: number[] };

/** The TS path: parse, slot of argument 1, per-shard batches with keyless commands on the first keyed shard. */
function tsTranscode(body: Uint8Array, pipeline: boolean, shards: number): Outcome {
  let commands: (readonly Uint8Array[])[];
  try {
    commands = pipeline ? parseCommandsBody(body) : [parseCommandBody(body)];
  } catch (error) {
    return { error: (error as Error).message };
  }
  const slots = commands.map((command) => (command.length > 1 ? keySlot(command[1]!) : -1));
  const keyed = slots.find((slot) => slot >= 0);
  const keyless = keyed === undefined ? 0 : shardOfSlot(keyed, shards);
  const batches: (readonly Uint8Array[])[][] = Array.from({ length: shards }, () => []);
  commands.forEach((command, i) => batches[slots[i]! < 0 ? keyless : shardOfSlot(slots[i]!, shards)]!.push(command));
  return { batches: batches.map((batch) => encodeCommands(batch)), slots };
}

function wasmTranscode(body: Uint8Array, pipeline: boolean, shards: number) {
  const result = transcodeRequest(body, pipeline, shards);
  return result && { batches: result.batches, slots: [...result.slots] };
}

function randomString(random: Random): string {
  const pieces = ["", "a", "key", "ü", "日本", "😀", "\ud83d\ude00", "\ud800", "\udfff", "\u0000", "\u001f", "\n", "\t", '"', "\\", "/", "\u2028", "\u007f", "{tag}", "{", "}"];
  let text = "";
  const n = random.int(0, 6);
  for (let i = 0; i < n; i++) text += random.chance(0.5) ? random.pick(pieces) : String.fromCharCode(random.int(0, 0xffff));
  return text;
}

/** A number's JSON source, written by hand so exponents, fractions and big integers keep their text. */
function randomNumber(random: Random): string {
  const digits = (n: number) => Array.from({ length: n }, () => random.int(0, 9)).join("");
  let text = random.chance(0.3) ? "-" : "";
  text += random.chance(0.2) ? "0" : `${random.int(1, 9)}${digits(random.int(0, 22))}`;
  if (random.chance(0.3)) text += `.${digits(random.int(1, 5))}`;
  if (random.chance(0.3)) text += `${random.pick(["e", "E"])}${random.pick(["", "+", "-"])}${digits(random.int(1, 3))}`;
  return text;
}

function randomCommandJson(random: Random): string {
  const args = [JSON.stringify(random.pick(["SET", "GET", "HSET", "INCR", "PING", "ECHO"]))];
  const n = random.int(0, 5);
  for (let i = 0; i < n; i++) args.push(random.chance(0.7) ? JSON.stringify(randomString(random)) : randomNumber(random));
  const space = () => random.pick(["", "", " ", "\n\t", "\r\n "]);
  return `[${space()}${args.join(`${space()},${space()}`)}${space()}]`;
}

function randomBodyJson(random: Random, pipeline: boolean): string {
  if (!pipeline) return randomCommandJson(random);
  return `[${Array.from({ length: random.int(1, 20) }, () => randomCommandJson(random)).join(",")}]`;
}

/** Bodies the TS path refuses or reads differently: truncations, stray bytes, wrong shapes, BOMs, bad UTF-8, deep nesting. */
function mutate(random: Random, body: Uint8Array): Uint8Array {
  const bytes = [...body];
  switch (random.int(0, 6)) {
    case 0:
      return body.subarray(0, random.int(0, body.length - 1));
    case 1:
      bytes.splice(random.int(0, bytes.length), 0, random.int(0, 255));
      return new Uint8Array(bytes);
    case 2:
      bytes[random.int(0, bytes.length - 1)] = random.pick([0x5b, 0x5d, 0x2c, 0x22, 0x5c, 0x7b, 0x30, 0x2d, 0xff, 0xc3, 0x80]);
      return new Uint8Array(bytes);
    case 3:
      return enc.encode(random.pick(["", " ", "{}", "null", "1", '"GET"', "[]", "[[]]", '[["GET","k"],[]]', '[1,["GET"]]', '["SET","k",true]', '["SET","k",null]', '["SET",{"a":1}]', '["a",01]', '["a",1.]', '["a",.5]', '["a",+1]', '["a",1e]', '["a","\\x"]', '["a","\\u12"]', '["a" "b"]', '["a",]', "[,]"]));
    case 4:
      return new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]);
    case 5:
      return enc.encode(`${"[".repeat(random.int(3, 5000))}"GET"${"]".repeat(random.int(0, 5000))}`);
    default:
      bytes.splice(random.int(0, bytes.length), 0, 0xed, 0xa0, 0x80); // an encoded surrogate: invalid UTF-8
      return new Uint8Array(bytes);
  }
}

describe("transcode.wasm request bodies against the TS path", () => {
  for (const seed of SEEDS) {
    it(`accepts every well-formed body and writes the TS path's batches and slots (seed ${seed})`, () => {
      const random = new Random(seed);
      for (let round = 0; round < 200; round++) {
        const pipeline = random.chance(0.6);
        const shards = random.pick([1, 2, 3, 4, 7, 16]);
        const body = enc.encode(randomBodyJson(random, pipeline));
        const ts = tsTranscode(body, pipeline, shards);
        expect(ts).not.toHaveProperty("error");
        expect(wasmTranscode(body, pipeline, shards), new TextDecoder().decode(body)).toEqual(ts);
        // What the routes use: the same arguments, as views.
        expect(transcodeCommands(body, pipeline)?.map((command) => command.map((arg) => [...arg]))).toEqual(
          (pipeline ? parseCommandsBody(body) : [parseCommandBody(body)]).map((command) => command.map((arg) => [...arg])),
        );
      }
    });

    it(`hands every body the TS path refuses or reads differently back to it (seed ${seed})`, () => {
      const random = new Random(seed);
      let refused = 0;
      for (let round = 0; round < 300; round++) {
        const pipeline = random.chance(0.6);
        const body = mutate(random, enc.encode(randomBodyJson(random, pipeline)));
        const ts = tsTranscode(body, pipeline, 4);
        const wasm = wasmTranscode(body, pipeline, 4);
        // The error texts come from the TS path alone: the module never accepts what it refuses.
        if ("error" in ts) {
          refused++;
          expect(wasm, new TextDecoder().decode(body)).toBeNull();
          expect(transcodeCommands(body, pipeline)).toBeNull();
        } else if (wasm) expect(wasm).toEqual(ts);
      }
      expect(refused).toBeGreaterThan(100);
    });
  }

  it("keeps numbers' source text and writes surrogate pairs as 4 UTF-8 bytes, lone ones as U+FFFD", () => {
    const body = enc.encode('["SET","k\\ud83d\\ude00\\ud800x",-12.5E+3,9223372036854775807,0.0]');
    const wasm = wasmTranscode(body, false, 1)!;
    expect(new TextDecoder().decode(wasm.batches[0])).toBe("*5\r\n$3\r\nSET\r\n$9\r\nk😀\ufffdx\r\n$8\r\n-12.5E+3\r\n$19\r\n9223372036854775807\r\n$3\r\n0.0\r\n");
    expect(wasm).toEqual(tsTranscode(body, false, 1));
  });

  it("transcodes a body of up to 1 MiB and hands larger ones to the TS path", () => {
    const value = "v😀".repeat(5_000);
    const near = enc.encode(JSON.stringify(Array.from({ length: 40 }, (_, i) => ["SET", `key:${i}`, value])));
    expect(near.length).toBeLessThan(2 ** 20);
    expect(wasmTranscode(near, true, 4)).toEqual(tsTranscode(near, true, 4));
    const tiny = enc.encode(`[${Array.from({ length: 2 ** 18 - 10 }, () => "[1]").join(",")}]`); // the most commands per byte
    expect(tiny.length).toBeLessThan(2 ** 20);
    expect(transcodeCommands(tiny, true)).toHaveLength(2 ** 18 - 10);
    const over = enc.encode(JSON.stringify(Array.from({ length: 60 }, (_, i) => ["SET", `key:${i}`, value])));
    expect(over.length).toBeGreaterThan(2 ** 20);
    expect(transcodeCommands(over, true)).toBeNull();
  });

  it("puts keyless commands on the first keyed command's shard, as the planner does", () => {
    const body = enc.encode('[["PING"],["GET","foo"],["GET","123456789"],["PING"]]'); // slots 12182 and 12739
    const result = transcodeRequest(body, true, 16)!;
    expect([...result.slots]).toEqual([-1, 12182, 12739, -1]);
    expect(result.counts[shardOfSlot(12182, 16)]).toBe(3);
    expect([...result.order]).toEqual([0, 1, 3, 2]);
  });
});

function randomBytes(random: Random): Uint8Array {
  const kind = random.int(0, 3);
  if (kind === 0) return enc.encode(randomString(random));
  if (kind === 1) return Uint8Array.from({ length: random.int(0, 12) }, () => random.int(0, 255));
  // Truncated and overlong sequences, encoded surrogates, bytes past U+10FFFF: the decoder's edge cases.
  if (kind === 2) return Uint8Array.from({ length: random.int(1, 6) }, () => random.pick([0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xa0, 0xed, 0x9f, 0xf0, 0x90, 0xf4, 0x8f, 0xf5, 0xff, 0x41]));
  return enc.encode(random.pick(["OK", "", "0", "hello world", "\"quoted\"", "a\u0000b"]));
}

function randomReply(random: Random, depth: number): Reply {
  switch (random.int(0, depth > 2 ? 5 : 6)) {
    case 0:
      return null;
    case 1:
      return randomBytes(random);
    case 2:
      return random.pick([0, 1, -1, 42, 2 ** 53 - 1, -(2 ** 53) + 1, 9007199254740993n, -9223372036854775808n, 9223372036854775807n]);
    case 3:
      return new Status(random.pick(["OK", "PONG", "QUEUED", "string", ""]));
    case 4:
      return new ReplyError(random.pick(["ERR wrong number of arguments for 'get' command", "WRONGTYPE Operation against a key holding the wrong kind of value", 'ERR "quoted" ü \u0001']));
    case 5:
      return randomBytes(random);
    default:
      return Array.from({ length: random.int(0, 4) }, () => randomReply(random, depth + 1));
  }
}

describe("transcode.wasm replies against json.ts", () => {
  for (const seed of SEEDS) {
    it(`renders random replies byte for byte as resultJson does, as text and as base64 (seed ${seed})`, () => {
      const random = new Random(seed);
      for (let round = 0; round < 100; round++) {
        const pipeline = random.chance(0.7);
        const shards = random.int(1, 5);
        const count = pipeline ? random.int(1, 30) : 1;
        const replies = Array.from({ length: count }, () => randomReply(random, 0));
        // Reply c sits in a random shard; `order` says where in the concatenation.
        const shardOf = replies.map(() => random.int(0, shards - 1));
        const perShard: number[][] = Array.from({ length: shards }, () => []);
        const indexes: number[][] = Array.from({ length: shards }, () => []);
        replies.forEach((reply, c) => {
          encodeReply(reply, perShard[shardOf[c]!]!);
          indexes[shardOf[c]!]!.push(c);
        });
        const order = new Uint32Array(count);
        let next = 0;
        for (const list of indexes) for (const c of list) order[c] = next++;
        const buffers = perShard.map((bytes) => new Uint8Array(bytes));
        for (const asBase64 of [false, true]) {
          const texts = replies.map((reply) => resultJson(reply, asBase64));
          const want = pipeline ? `[${texts.join(",")}]` : texts[0]!;
          const got = renderReplies(buffers, order, pipeline, asBase64);
          expect(got && new TextDecoder().decode(got)).toBe(want);
        }
      }
    });
  }

  it("hands malformed RESP and non-canonical integers back to json.ts", () => {
    const order = Uint32Array.of(0);
    for (const resp of ["$5\r\nab\r\n", ":+5\r\n", ":007\r\n", ":-0\r\n", "*2\r\n:1\r\n", "?x\r\n", "+caf\xe9\r\n"]) {
      const bytes = Uint8Array.from(resp, (c) => c.charCodeAt(0));
      expect(renderReplies([bytes], order, false, false), JSON.stringify(resp)).toBeNull();
    }
  });
});

describe("batches from the request's own RESP", () => {
  const command = (...args: string[]) => args.map((arg) => enc.encode(arg));
  for (const seed of SEEDS.slice(0, 4)) {
    it(`batchBuffer copies transcoded commands' RESP exactly as encodeCommands encodes them, in any selection (seed ${seed})`, () => {
      const random = new Random(seed);
      for (let round = 0; round < 50; round++) {
        const texts = Array.from({ length: random.int(1, 12) }, () => ["SET", `k${random.int(0, 99)}`, random.chance(0.3) ? "" : `é${random.int(0, 1e6)}\n`]);
        const parsed = transcodeCommands(enc.encode(JSON.stringify(texts)), true)!;
        // A subsequence (contiguous or not), maybe with a command the request did not carry.
        const chosen = random.chance(0.4) ? parsed.slice(random.int(0, parsed.length - 1)) : parsed.filter(() => random.chance(0.6));
        if (random.chance(0.2)) chosen.splice(random.int(0, chosen.length), 0, command("GET", "other"));
        expect(new Uint8Array(batchBuffer(chosen))).toEqual(encodeCommands(chosen));
      }
    });
  }
});

describe("renderReplies with per-shard counts", () => {
  const resp = (text: string) => enc.encode(text);
  it("renders when every shard answered as many replies as it was sent commands", () => {
    const got = renderReplies([resp(":1\r\n:2\r\n"), resp("+OK\r\n")], Uint32Array.of(2, 0, 1), true, false, [2, 1]);
    expect(new TextDecoder().decode(got!)).toBe('[{"result":"OK"},{"result":1},{"result":2}]');
  });

  it("refuses a shard answering one reply too many beside one answering one too few, though the total matches", () => {
    const shards = [resp(":1\r\n:2\r\n:3\r\n"), resp("")];
    expect(renderReplies(shards, Uint32Array.of(0, 1, 2), true, false)).not.toBeNull();
    expect(renderReplies(shards, Uint32Array.of(0, 1, 2), true, false, [2, 1])).toBeNull();
    expect(renderReplies([resp(":1\r\n"), resp(":2\r\n:3\r\n")], Uint32Array.of(0, 1, 2), true, false, [2, 1])).toBeNull();
  });
});
