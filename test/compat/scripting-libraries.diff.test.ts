// Differential: scripts using cjson, bit, struct and cmsgpack, with seeded random values, on the real
// gateway (`npm start`) and on redis-server 7.0; replies compared exactly, bytes included.
import { describe, expect, it } from "vitest";
import { ReplyError, type Reply } from "../../worker/wire/resp";
import { asJsonView, renderReply, repliesMatch } from "./compare";
import { ruleFor } from "./differences";
import { GatewayTarget } from "./gateway-target";
import { useOracleAndGateway } from "./oracle-and-gateway";
import { Random, streamSeed } from "./random";
import { MISSING_REDIS_MESSAGE, redisAvailability } from "./redis-server";

/** Binary arguments travel as hex (both sides see the same ASCII) and the script turns them into bytes. */
const UNHEX = "local function unhex(h) return (h:gsub('..', function(c) return string.char(tonumber(c, 16)) end)) end ";
/** Numbers come back as their IEEE bytes, so fractions and huge values compare exactly. */
const EXACT = "local function exact(t) for i, v in ipairs(t) do if type(v) == 'number' then t[i] = struct.pack('>d', v) end end return t end ";
const BATCH = 100;
/** EDGESLOT_DIFF_SCALE=10 runs ten times as many scripts (a soak run), as the other differential suites do. */
const SCALE = Math.max(0.01, Number(process.env.EDGESLOT_DIFF_SCALE ?? 1) || 1);
const scaled = (count: number) => Math.ceil(count * SCALE);

type Case = string[];
const hex = (binary: string) => Buffer.from(binary, "latin1").toString("hex");

const NUMBERS = [0, 1, -1, 2, 7, 15, 16, 31, 32, 127, 128, 255, 256, -32, -33, -128, -129, 32767, 32768, 65535, 65536, -32768, -32769, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 32 - 1, 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 2 ** 63, -(2 ** 63), 2 ** 64, 1e14, 1e15, 1e20, 1e300, 5e-324, 0.1, 0.5, 1.5, 2.5, -2.5, 1 / 3, 123456789.123, 1e-7, 0.0001, 3.14159, -0.75];

function randomNumber(r: Random): number {
  switch (r.int(0, 5)) {
    case 0:
      return r.pick(NUMBERS);
    case 1:
      return r.int(-1000, 1000);
    case 2:
      return r.int(-(2 ** 31), 2 ** 31) * r.pick([1, 2, 3, 1024, 65536]);
    case 3:
      return (r.next() - 0.5) * 10 ** r.int(-10, 20);
    case 4:
      return Number((r.next() * 1000).toFixed(r.int(0, 4)));
    default:
      return r.int(-(2 ** 20), 2 ** 20) * 2 ** r.int(-30, 50);
  }
}

/** A Lua numeral for n (exact: 17 significant digits read back to the same double). */
function luaNumber(n: number): string {
  if (Object.is(n, -0)) return "(-0.0)";
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 53) return n < 0 ? `(${n})` : String(n);
  const text = n.toPrecision(17);
  return n < 0 ? `(${text})` : text;
}

function luaString(r: Random, length = r.int(0, r.chance(0.05) ? 300 : 12)): string {
  let out = '"';
  for (let i = 0; i < length; i++) out += r.chance(0.6) ? r.pick("abcXYZ019 _-/:{}[],".split("")) : `\\${String(r.int(0, 255)).padStart(3, "0")}`;
  return out + '"';
}

/** Lua source for a value: numbers, strings, booleans, and tables as lists, with holes, keys, nesting. */
function luaValue(r: Random, depth: number): string {
  const kind = depth >= 4 ? r.int(0, 2) : r.int(0, 5);
  if (kind === 0) return luaNumber(randomNumber(r));
  if (kind === 1) return luaString(r);
  if (kind === 2) return r.pick(["true", "false"]);
  const parts: string[] = [];
  const count = r.int(0, r.chance(0.1) ? 20 : 5);
  for (let i = 0; i < count; i++) {
    const shape = r.int(0, 9);
    if (kind === 3 || shape < 5) parts.push(r.chance(0.05) ? "nil" : luaValue(r, depth + 1));
    else if (shape < 7) parts.push(`[${luaString(r, r.int(1, 6))}]=${luaValue(r, depth + 1)}`);
    else parts.push(`[${luaNumber(r.pick([1, 2, 3, 4, 5, 8, 11, 12, 30, 0, -1, 1.5, 2 ** 31 - 1, r.int(1, 40)]))}]=${luaValue(r, depth + 1)}`);
  }
  return `{${parts.join(", ")}}`;
}

/** JSON text with the forms cjson accepts and some it refuses: strtod numbers, raw bytes, escapes. */
function jsonText(r: Random, depth: number): string {
  const ws = () => (r.chance(0.2) ? r.pick([" ", "\n", "\t ", "\r\n "]) : "");
  const kind = depth >= 5 ? r.int(0, 2) : r.int(0, 4);
  if (kind === 0) {
    if (r.chance(0.93)) {
      const n = randomNumber(r);
      return r.chance(0.5) ? String(n) : n.toPrecision(r.int(1, 17));
    }
    // Forms strtod reads that strict JSON does not, then some nobody reads.
    if (r.chance(0.8)) return r.pick(["-0", "0.0", "1E2", "1e+2", "2.5e-3", "1e400", "-1e400", "0x1F", "-0x10", "01", "1.", "+1", "Infinity", "-inf", "1e"]);
    return r.pick(["-", ".5", "NaN", "12abc", "0x"]);
  }
  if (kind === 1) {
    let out = '"';
    for (let i = r.int(0, 12); i > 0; i--) {
      out += r.weighted<() => string>([
        [6, () => r.pick("abcXYZ019 :,{}[]".split(""))],
        [2, () => String.fromCharCode(r.int(0x80, 0xff))],
        [1, () => String.fromCharCode(r.int(1, 0x1f))],
        [2, () => "\\" + r.pick('"\\/bfnrt'.split(""))],
        [2, () => "\\u" + r.int(0, 0xd7ff).toString(16).padStart(4, "0")],
        [1, () => "\\u" + r.int(0xd800, 0xdbff).toString(16) + "\\u" + r.int(0xdc00, 0xdfff).toString(16)],
        [0.05, () => r.pick(["\\x", "\\u12", "\\ud800", "\\udc00\\ud800"])],
      ])();
    }
    return out + '"';
  }
  if (kind === 2) return r.chance(0.98) ? r.pick(["true", "false", "null"]) : r.pick(["nul", "tru"]);
  const items: string[] = [];
  for (let i = r.int(0, 6); i > 0; i--) items.push(kind === 3 ? ws() + jsonText(r, depth + 1) + ws() : `${ws()}"${r.pick(["a", "b", "key", "1", "", "x y", "a"])}"${ws()}:${ws()}${jsonText(r, depth + 1)}`);
  return kind === 3 ? `[${items.join(",")}]` : `{${items.join(",")}}`;
}

function cjsonCases(r: Random, count: number): Case[] {
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    let text = jsonText(r, 0);
    if (r.chance(0.05)) text = text.slice(0, r.int(0, text.length));
    if (r.chance(0.03)) text = text + r.pick([" x", "]", "\0junk", ","]);
    const roundTrip = r.chance(0.8);
    cases.push(["EVAL", `${UNHEX}return ${roundTrip ? "cjson.encode(cjson.decode(unhex(ARGV[1])))" : "cjson.decode(unhex(ARGV[1]))"}`, "0", hex(text)]);
  }
  for (let i = 0; i < count / 2; i++) {
    const value = luaValue(r, 0);
    const settings = r.weighted([
      [8, ""],
      [1, "c.encode_sparse_array(true) "],
      [1, `c.encode_number_precision(${r.int(1, 14)}) `],
      [1, `c.encode_invalid_numbers(${r.pick(["true", "'null'"])}) `],
      [1, "c.encode_max_depth(3) "],
    ]);
    const extra = settings.includes("invalid") ? `, ${r.pick(["1/0", "-1/0"])}` : "";
    cases.push(["EVAL", `local c = cjson.new() ${settings}return c.encode({${value}${extra}})`, "0"]);
  }
  return cases;
}

/** Valid msgpack bytes (a latin1 string) of every type cmsgpack decodes. */
function msgpackBytes(r: Random, depth: number): string {
  const be = (n: bigint, bytes: number) => {
    let out = "";
    for (let i = bytes - 1; i >= 0; i--) out += String.fromCharCode(Number((n >> BigInt(i * 8)) & 0xffn));
    return out;
  };
  const chr = String.fromCharCode;
  const str = (n: number) => r.bytes(n);
  const kind = depth >= 3 ? r.int(0, 5) : r.int(0, 7);
  switch (kind) {
    case 0:
      return chr(r.pick([r.int(0, 0x7f), r.int(0xe0, 0xff), 0xc0, 0xc2, 0xc3]));
    case 1: {
      const [type, bytes] = r.pick([[0xcc, 1], [0xcd, 2], [0xce, 4], [0xcf, 8], [0xd0, 1], [0xd1, 2], [0xd2, 4], [0xd3, 8]] as const);
      return chr(type) + be(BigInt(r.int(0, 2 ** 30)) * BigInt(r.int(0, 2 ** 30)) * BigInt(r.int(1, 17)), bytes);
    }
    case 2: {
      // Floats from numbers, never a NaN bit pattern.
      const view = new DataView(new ArrayBuffer(8));
      const n = randomNumber(r);
      if (r.chance(0.5)) {
        view.setFloat32(0, n);
        return chr(0xca) + Buffer.from(view.buffer.slice(0, 4)).toString("latin1");
      }
      view.setFloat64(0, n);
      return chr(0xcb) + Buffer.from(view.buffer).toString("latin1");
    }
    case 3: {
      const n = r.int(0, 31);
      return chr(0xa0 | n) + str(n);
    }
    case 4: {
      const n = r.int(0, 300);
      return r.pick([chr(0xd9) + be(BigInt(n & 0xff), 1) + str(n & 0xff), chr(0xda) + be(BigInt(n), 2) + str(n), chr(0xdb) + be(BigInt(n), 4) + str(n)]);
    }
    case 5:
      return chr(0x90);
    case 6: {
      const n = r.int(0, 5);
      const head = r.pick([chr(0x90 | n), chr(0xdc) + be(BigInt(n), 2), chr(0xdd) + be(BigInt(n), 4)]);
      return head + Array.from({ length: n }, () => msgpackBytes(r, depth + 1)).join("");
    }
    default: {
      const keys = [...new Set(Array.from({ length: r.int(0, 5) }, () => (r.chance(0.5) ? chr(0xa1) + r.pick("abcdefgh".split("")) : chr(r.int(1, 20)))))];
      const head = r.pick([chr(0x80 | keys.length), chr(0xde) + be(BigInt(keys.length), 2), chr(0xdf) + be(BigInt(keys.length), 4)]);
      return head + keys.map((key) => key + msgpackBytes(r, depth + 1)).join("");
    }
  }
}

function cmsgpackCases(r: Random, count: number): Case[] {
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const values = Array.from({ length: r.int(1, 4) }, () => (r.chance(0.3) ? luaNumber(randomNumber(r)) : luaValue(r, 0)));
    const special = r.chance(0.1) ? `, ${r.pick(["1/0", "-1/0", "cjson.null", "nil", "0/0"])}` : "";
    const script = r.chance(0.5) ? `return cmsgpack.pack(${values.join(", ")}${special})` : `return cmsgpack.pack(cmsgpack.unpack(cmsgpack.pack(${values.join(", ")})))`;
    cases.push(["EVAL", script, "0"]);
  }
  for (let i = 0; i < count; i++) {
    let bytes = Array.from({ length: r.int(1, 3) }, () => msgpackBytes(r, 0)).join("");
    if (r.chance(0.05)) bytes = bytes.slice(0, r.int(0, bytes.length - 1));
    if (r.chance(0.02)) bytes += String.fromCharCode(r.pick([0xc1, 0xc4, 0xd4]));
    const decode = r.weighted([
      [6, "cmsgpack.pack(cmsgpack.unpack(s))"],
      [2, `cmsgpack.pack(cmsgpack.unpack_one(s, ${r.int(0, 3)}))`],
      [2, `cmsgpack.pack(cmsgpack.unpack_limit(s, ${r.int(1, 3)}))`],
    ]);
    cases.push(["EVAL", `${UNHEX}local s = unhex(ARGV[1]) return ${decode}`, "0", hex(bytes)]);
  }
  return cases;
}

const STRUCT_INTS = ["b", "B", "h", "H", "l", "L", "T", "i", "I", "i1", "I2", "i3", "I4", "i5", "i6", "I7", "i8", "I8", "i16"];

function structCases(r: Random, count: number): Case[] {
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    let format = r.pick(["", "<", ">", "!", "!4", "!2", "<!8", "> "]);
    const values: string[] = [];
    for (let k = r.int(1, 6); k > 0; k--) {
      const option = r.weighted<() => void>([
        [6, () => {
          format += r.pick(STRUCT_INTS);
          values.push(luaNumber(r.chance(0.8) ? r.int(-(2 ** 31), 2 ** 32) * r.pick([1, 1, 256, 1 / 256]) : randomNumber(r)));
        }],
        [2, () => {
          format += r.pick(["f", "d"]);
          values.push(luaNumber(randomNumber(r)));
        }],
        [1, () => (format += "x")],
        [1, () => {
          const n = r.int(0, 5);
          format += `c${n}`;
          values.push(luaString(r, n + (r.chance(0.1) ? -1 : r.int(0, 2))));
        }],
        [1, () => {
          format += "s";
          values.push(luaString(r, r.int(0, 6)));
        }],
        [0.5, () => (format += r.pick(["<", ">", "!", "!1", "!8", " "]))],
      ]);
      option();
    }
    if (r.chance(0.03)) format += r.pick(["z", "i33", "!3", "c"]);
    const args = [JSON.stringify(format), ...values].join(", ");
    cases.push(["EVAL", r.chance(0.5) ? `return struct.pack(${args})` : `${EXACT}local s = struct.pack(${args}) return exact({struct.unpack(${JSON.stringify(format)}, s)})`, "0"]);
  }
  for (let i = 0; i < count / 2; i++) {
    const format = Array.from({ length: r.int(1, 4) }, () => r.pick([...STRUCT_INTS, "f", "d", "x", "c2", "s", "<", ">", "!", "bc0"])).join("");
    const data = r.bytes(r.int(0, 24));
    const script = r.chance(0.2) ? `return struct.size(${JSON.stringify(format)})` : `${UNHEX}${EXACT}return exact({struct.unpack(${JSON.stringify(format)}, unhex(ARGV[1]), ${r.int(1, 3)})})`;
    cases.push(["EVAL", script, "0", hex(data)]);
  }
  return cases;
}

const BIT_OPS = ["tobit", "bnot", "band", "bor", "bxor", "lshift", "rshift", "arshift", "rol", "ror", "bswap", "tohex"];

function bitCases(r: Random, count: number): Case[] {
  const script = "local f = bit[ARGV[1]] local args = {} for i = 2, #ARGV do args[#args + 1] = tonumber(ARGV[i]) end return {f(unpack(args))}";
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const op = r.pick(BIT_OPS);
    const arity = ["band", "bor", "bxor"].includes(op) ? r.int(1, 4) : ["tobit", "bnot", "bswap"].includes(op) ? 1 : op === "tohex" ? r.int(1, 2) : 2;
    const numbers = Array.from({ length: arity }, (_, k) => (op === "tohex" && k === 1 ? r.int(-10, 10) : r.chance(0.2) ? r.int(0, 40) : randomNumber(r)));
    cases.push(["EVAL", script, "0", op, ...numbers.map((n) => (Object.is(n, -0) ? "-0" : n.toPrecision(17)))]);
  }
  return cases;
}

/** tostring and concatenation print numbers with Lua 5.1's "%.14g"; cjson and struct's 's' rely on it too. */
function tostringCases(r: Random, count: number): Case[] {
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const numbers = Array.from({ length: 4 }, () => luaNumber(r.chance(0.5) ? randomNumber(r) : randomNumber(r) * randomNumber(r)));
    const special = r.pick(["0/0", "-(0/0)", "1/0", "-1/0", "2^63", "-2^53", "1/3"]);
    cases.push(["EVAL", `return {tostring(${numbers[0]}), ${numbers[1]} .. '', string.format('%s', ${numbers[2]}), tostring(${special}), struct.pack('s', ${numbers[3]})}`, "0"]);
  }
  return cases;
}

const availability = redisAvailability();

describe.runIf(availability.available)("scripting libraries against redis-server", () => {
  const fixture = useOracleAndGateway();
  const seed = streamSeed();

  const families: [string, (r: Random) => Case[]][] = [
    ["cjson", (r) => cjsonCases(r, scaled(1200))],
    ["cmsgpack", (r) => cmsgpackCases(r, scaled(600))],
    ["struct", (r) => structCases(r, scaled(600))],
    ["bit", (r) => bitCases(r, scaled(1500))],
    ["tostring", (r) => tostringCases(r, scaled(500))],
  ];
  families.forEach(([family, generate], index) => {
    it(`${family}: seeded random scripts answer byte for byte as redis-server's`, async () => {
      const familySeed = (seed + index * 7919) >>> 0;
      const cases = generate(new Random(familySeed));
      const target = new GatewayTarget(fixture.gateway.url, fixture.gateway.token);
      const problems: string[] = [];
      let errors = 0;
      let reordered = 0;
      for (let start = 0; start < cases.length && problems.length < 10; start += BATCH) {
        const batch = cases.slice(start, start + BATCH);
        const [expected, actual] = await Promise.all([fixture.client.send(batch), target.send(batch)]);
        batch.forEach((command, i) => {
          const want = asJsonView(expected[i]!);
          if (want instanceof ReplyError) errors++;
          const rule = ruleFor(command, "gateway");
          if (rule && repliesMatch(want, actual[i]!, rule) && !repliesMatch(want, actual[i]!, undefined)) reordered++;
          if (!repliesMatch(want, actual[i]!, rule)) {
            problems.push(`${JSON.stringify(command)}\n  redis-server: ${renderReply(want, 400)}\n  edgeslot:     ${renderReply(actual[i] as Reply, 400)}`);
          }
        });
      }
      console.log(
        `${family}: ${cases.length} scripts, ${errors} answered with an error by redis-server, ` +
          `${reordered} equal only under a listed difference (table order, NaN quiet bit; EDGESLOT_DIFF_SEED=${seed})`,
      );
      if (problems.length) expect.fail(`EDGESLOT_DIFF_SEED=${seed}\n${problems.slice(0, 10).join("\n\n")}`);
    });
  });
});

it.runIf(!availability.available && availability.required)("redis-server is installed", () => {
  expect.fail(MISSING_REDIS_MESSAGE);
});
