// Random commands of the bitmap and HyperLogLog families for the differential streams. Bitmaps use the string
// key pool, so plain strings, counters and bitmaps share keys. HLLs live on their own keys: edgeslot always
// stores them dense where Redis starts sparse, so their bytes (GET, SETBIT, APPEND …) must not reach the
// comparison; PFCOUNT/PFMERGE still read the string pool (missing keys, plain strings, hashes).
import type { Random } from "./random";
import { I64_MAX, I64_MIN, integer, key, offset, type StreamCommand } from "./stream-values";

/** Keys only HLL commands (and type-agnostic ones below) write: two of them share a {hash tag}. */
export const HLL_KEYS = ["hll:a", "hll:b", "{t}hll1", "{t}hll2", "hll:\xff"];

function hllKey(random: Random): string {
  return random.pick(HLL_KEYS);
}

/** Bit offsets: mostly within a few bytes, some far, the refused ones. */
function bitOffset(random: Random): string {
  return random.weighted<() => string>([
    [8, () => String(random.int(0, 100))],
    [1, () => String(random.int(100, 5000))],
    [1, () => random.pick(["-1", "4294967296", "9223372036854775807", "abc", "", "1.5", "#3", "01", " 1"])],
  ])();
}

function bitValue(random: Random): string {
  return random.weighted<() => string>([
    [10, () => random.pick(["0", "1"])],
    [1, () => random.pick(["2", "-1", "abc", "", "01", "1.0"])],
  ])();
}

function unit(random: Random): string[] {
  return random.weighted<() => string[]>([
    [3, () => []],
    [2, () => ["BIT"]],
    [2, () => ["BYTE"]],
    [1, () => [random.pick(["bit", "byte", "bits", ""])]],
  ])();
}

function bitcountArgs(random: Random): string[] {
  return random.weighted<() => string[]>([
    [2, () => []],
    [5, () => [offset(random), offset(random), ...unit(random)]],
    [1, () => random.pick([["0"], ["0", "1", "BIT", "x"], ["a", "b"], ["-1", "-2", "foo"]])],
  ])();
}

function bitposArgs(random: Random): string[] {
  const bit = random.weighted<() => string>([
    [10, () => random.pick(["0", "1"])],
    [1, () => random.pick(["2", "-1", "abc"])],
  ])();
  return [
    bit,
    ...random.weighted<() => string[]>([
      [2, () => []],
      [2, () => [offset(random)]],
      [5, () => [offset(random), offset(random), ...unit(random)]],
      [1, () => random.pick([["0", "1", "BIT", "x"], ["a"], ["0", "z"]])],
    ])(),
  ];
}

function fieldType(random: Random): string {
  return random.weighted<() => string>([
    [10, () => `${random.pick(["i", "u"])}${random.int(1, 16)}`],
    [3, () => random.pick(["i32", "u32", "i63", "u63", "i64", "u62", "i1", "u1"])],
    [1, () => random.pick(["u64", "i65", "i0", "I8", "x8", "u", "", "i-1", "u08"])],
  ])();
}

function fieldOffset(random: Random): string {
  return random.weighted<() => string>([
    [6, () => String(random.int(0, 80))],
    [3, () => `#${random.int(0, 12)}`],
    // No large valid offsets: `u7 #536870912` is bit 3.7e9, and both servers would grow the string to 470 MB.
    [1, () => random.pick(["-1", "#-1", "#", "abc", "4294967296", "#9223372036854775807", "#2305843009213693952"])],
  ])();
}

function fieldValue(random: Random): string {
  return random.weighted<() => string>([
    [6, () => String(random.int(-300, 300))],
    [2, () => integer(random)],
    [1, () => random.pick([I64_MAX, I64_MIN, "4611686018427387904", "-4611686018427387905"])],
  ])();
}

function bitfieldOps(random: Random, readonly: boolean): string[] {
  const ops: string[] = [];
  const n = random.int(0, 4);
  for (let i = 0; i < n; i++) {
    const kind = readonly && random.chance(0.85) ? "GET" : random.pick(["GET", "SET", "INCRBY", "INCRBY", "OVERFLOW"]);
    if (kind === "OVERFLOW") ops.push("OVERFLOW", random.weighted<() => string>([[8, () => random.pick(["WRAP", "SAT", "FAIL", "sat"])], [1, () => "BOGUS"]])());
    else if (kind === "GET") ops.push(random.pick(["GET", "get"]), fieldType(random), fieldOffset(random));
    else ops.push(kind, fieldType(random), fieldOffset(random), fieldValue(random));
  }
  if (random.chance(0.05)) ops.push(random.pick(["GET", "SET", "BOGUS", "OVERFLOW"]));
  return ops;
}

/** One bitmap-family command over the string key pool, sometimes malformed. */
export function bitmapCommand(random: Random): StreamCommand {
  return random.weighted<() => StreamCommand>([
    [10, () => ["SETBIT", key(random), bitOffset(random), bitValue(random)]],
    [6, () => ["GETBIT", key(random), bitOffset(random)]],
    [6, () => ["BITCOUNT", key(random), ...bitcountArgs(random)]],
    [6, () => ["BITPOS", key(random), ...bitposArgs(random)]],
    [4, () => ["BITOP", random.pick(["AND", "OR", "XOR", "and", "xor"]), key(random), ...Array.from({ length: random.int(1, 3) }, () => key(random))]],
    [2, () => ["BITOP", "NOT", key(random), key(random)]],
    [1, () => random.pick([["BITOP", "NOT", "a", "b", "c"], ["BITOP", "NAND", "a", "b"], ["BITOP", "AND", "a"]])],
    [8, () => ["BITFIELD", key(random), ...bitfieldOps(random, false)]],
    [3, () => ["BITFIELD_RO", key(random), ...bitfieldOps(random, true)]],
  ])();
}

function elements(random: Random, max: number): string[] {
  return Array.from({ length: random.int(0, max) }, () =>
    random.weighted<() => string>([
      [6, () => String(random.int(0, 400))],
      [2, () => random.bytes(random.int(0, 20))],
      [1, () => `element:${random.int(0, 100000)}`],
    ])(),
  );
}

/** A PF* source: mostly HLL keys, sometimes a string-pool key (missing, a plain string, a hash). */
function pfSource(random: Random): string {
  return random.chance(0.8) ? hllKey(random) : key(random);
}

/** One HyperLogLog command (writes only to HLL keys), or a type-agnostic command on an HLL key. */
export function hllCommand(random: Random): StreamCommand {
  return random.weighted<() => StreamCommand>([
    [12, () => ["PFADD", hllKey(random), ...elements(random, 12)]],
    [2, () => ["PFADD", hllKey(random), ...Array.from({ length: random.int(100, 600) }, (_, i) => `bulk:${random.int(0, 1e9)}:${i}`)]],
    [10, () => ["PFCOUNT", hllKey(random)]],
    [4, () => ["PFCOUNT", ...Array.from({ length: random.int(2, 4) }, () => pfSource(random))]],
    [2, () => ["PFCOUNT", key(random)]],
    [4, () => ["PFMERGE", hllKey(random), ...Array.from({ length: random.int(0, 3) }, () => pfSource(random))]],
    [1, () => ["SET", hllKey(random), random.pick(["HYLL", "hello", "HYLL\x00\x00\x00\x00"])]],
    [1, () => ["HSET", hllKey(random), "f", "v"]],
    [3, () => ["DEL", hllKey(random)]],
    [2, () => ["EXISTS", hllKey(random)]],
    [2, () => ["TYPE", hllKey(random)]],
    [1, () => ["EXPIRE", hllKey(random), "1000"]],
    [1, () => ["RENAME", hllKey(random), hllKey(random)]],
  ])();
}
