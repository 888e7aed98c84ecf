// The inputs the random streams draw from: a small key pool (so collisions happen) and edge values.
import type { Random } from "./random";

/** Arguments are binary strings: one char per byte, so `\xff` is a single byte to the core. */
export type Arg = string;
export type StreamCommand = Arg[];

const LONG_KEY = "long:" + "k".repeat(600);

/** Few keys so commands collide; binary, empty, long and hash-tagged ones among them. */
export const KEY_POOL: readonly Arg[] = ["a", "b", "c", "{t}x", "{t}y", "", "\x00nul", "\xffhigh", LONG_KEY, "k:9"];

export const I64_MAX = "9223372036854775807";
export const I64_MIN = "-9223372036854775808";

const INTEGER_EDGES = [
  "0", "1", "-1", "2", "10", "-10", "100", "123456789", "4294967296", "-4294967296",
  I64_MAX, I64_MIN, "9223372036854775806", "-9223372036854775807",
  "9223372036854775808", "-9223372036854775809", "18446744073709551616",
  "+1", " 1", "1 ", "01", "-0", "0x10", "1e3", "1.0", "", "abc", "\x001", "9223372036854775807\x00",
];

const FLOAT_EDGES = [
  "0", "1", "-1", "0.1", "-0.1", "1.5", "3.0", "1e3", "1E3", "1e-3", "-2.5e2", "1.7976931348623157e308",
  "1e308", "5e-324", "1e400", "-1e400", "inf", "-inf", "+inf", "nan", "NaN", "0x10", ".5", "5.", "1e", "",
  " 1", "1 ", "abc", "10.5", "3.14159", "-0", "100000000000000000000", "0.30000000000000004", "1.23456789012345678",
  // Redis parses with strtold (80-bit long double on x86-64): hex floats, and a range far beyond a double's.
  "0x1p3", "1.5e+3", "infinity", "-Infinity", "1e-400", "1e-5000", "1e4932", "1e4933", "-1e4000", "0.000000000000000001",
];

/** Values SET and friends store: numbers in every shape, bytes, empties, and a long one. */
export function value(random: Random): Arg {
  return random.weighted<() => Arg>([
    [3, () => random.pick(INTEGER_EDGES)],
    [2, () => random.pick(FLOAT_EDGES)],
    [2, () => String(random.int(-1000, 1000))],
    [3, () => random.bytes(random.int(0, 12))],
    [1, () => "\x00\xff\x00"],
    [1, () => "x".repeat(random.int(100, 3000))],
    [2, () => random.pick(["hello", "world", "", "foo bar", "é", "\r\n"])],
  ])();
}

export function key(random: Random): Arg {
  return random.pick(KEY_POOL);
}

/** 1..n keys from the pool, duplicates allowed (Redis accepts them). */
export function keys(random: Random, max: number): Arg[] {
  return Array.from({ length: random.int(1, max) }, () => key(random));
}

export function integer(random: Random): Arg {
  return random.weighted<() => Arg>([
    [3, () => random.pick(INTEGER_EDGES)],
    [3, () => String(random.int(-100, 100))],
  ])();
}

export function float(random: Random): Arg {
  return random.weighted<() => Arg>([
    [3, () => random.pick(FLOAT_EDGES)],
    [2, () => (random.next() * 2000 - 1000).toFixed(random.int(0, 6))],
    [1, () => random.pick(INTEGER_EDGES)],
  ])();
}

/** Range offsets for GETRANGE: small, negative, and 64-bit extremes. */
export function offset(random: Random): Arg {
  return random.weighted<() => Arg>([
    [5, () => String(random.int(-20, 20))],
    [1, () => random.pick([I64_MAX, I64_MIN, "9223372036854775808", "abc", "", "1.5", "2147483648", "-2147483649"])],
  ])();
}

/**
 * Relative expiries in `unit`. Valid ones are long (≥ 100 s) so nothing expires between the moment
 * redis-server and edgeslot execute the same command; the rest are zero, negative, malformed or overflowing.
 */
export function relativeExpiry(random: Random, unit: "s" | "ms"): Arg {
  const scale = unit === "s" ? 1 : 1000;
  return random.weighted<() => Arg>([
    [6, () => String(random.int(100, 100_000) * scale)],
    [1, () => random.pick(["0", "-1", "-100"])],
    [1, () => random.pick(["1.5", "abc", "", " 100", "100 "])],
    [1, () => random.pick([I64_MAX, I64_MIN, "9223372036854775", "9223372036854776", "-9223372036854776", "9223372036854775808"])],
  ])();
}

/** Absolute expiries (unix time in `unit`): in the future, in the past, zero, malformed, overflowing. */
export function absoluteExpiry(random: Random, unit: "s" | "ms", nowMs: number): Arg {
  const now = unit === "s" ? Math.floor(nowMs / 1000) : nowMs;
  const scale = unit === "s" ? 1 : 1000;
  return random.weighted<() => Arg>([
    [6, () => String(now + random.int(100, 100_000) * scale)],
    [2, () => random.pick(["1", String(now - 100 * scale)])],
    [1, () => random.pick(["0", "-1"])],
    [1, () => random.pick(["abc", "", I64_MAX, I64_MIN, "9223372036854775808"])],
  ])();
}

/** Glob patterns: wildcards, classes, escapes, binary bytes, and malformed ones. */
export function pattern(random: Random): Arg {
  return random.pick([
    "*", "a", "?", "*a*", "[a-c]", "[^a]*", "[!a]*", "{t}*", "\\{t}*", "*\\*", "\x00*", "*\xff*", "[", "[a", "a[",
    "\\", "*?*?*", "k:?", "[z-a]", "[\x00-\xff]*", "long:*", "*k*k*k*k*k*k*k*k*k*k*k*k*x", "[]]", "[a-]", "",
  ]);
}
