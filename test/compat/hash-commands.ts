// Random commands of the hash family for the differential streams: keys drawn from the string pool
// (so WRONGTYPE shows both ways), few fields (so they collide), and now and then enough fields or bytes
// to convert a hash to the table encoding on both sides.
import type { Random } from "./random";
import { float, integer, key, type StreamCommand } from "./stream-values";

const FIELDS = ["f", "g", "h1", "h2", "", "\x00", "\xff\xfe", "long-field-name", "n", "x"];

function field(random: Random): string {
  return random.pick(FIELDS);
}

/** Values around the 64-byte listpack limit too: past it both sides convert to the table encoding. */
function hashValue(random: Random): string {
  return random.weighted<() => string>([
    [3, () => integer(random)],
    [2, () => boundedFloat(random)],
    [2, () => random.bytes(random.int(0, 12))],
    [1, () => "y".repeat(random.int(13, 64))],
    [0.3, () => "z".repeat(random.int(63, 100))],
  ])();
}

/** An HSET of 480–560 fields: crosses the 512-field limit on its own or with what the hash holds. */
function bulkPairs(random: Random): string[] {
  const base = random.int(0, 40);
  return Array.from({ length: random.int(480, 560) }, (_, i) => [`b:${base + i}`, String(i)]).flat();
}

/**
 * Float-shaped values whose HINCRBYFLOAT results stay short: Redis formats with %.17Lf, so 1e400 plus
 * anything is a 400-digit value, past the listpack limit.
 */
function boundedFloat(random: Random): string {
  const v = float(random);
  return Math.abs(Number(v)) > 1e30 ? "1.5" : v;
}

function pairs(random: Random, max: number): string[] {
  return Array.from({ length: random.int(1, max) }, () => [field(random), hashValue(random)]).flat();
}

function fields(random: Random, max: number): string[] {
  return Array.from({ length: random.int(1, max) }, () => field(random));
}

/**
 * HRANDFIELD count arguments: small either sign, plus the edges Redis refuses. A huge negative count is
 * only sent with WITHVALUES (refused there): alone, redis-server would try to build the reply and die.
 */
function randfieldArgs(random: Random): string[] {
  const withValues = random.chance(0.5) ? ["WITHVALUES"] : [];
  const edges = ["-9223372036854775808", "9223372036854775807", "4611686018427387904", "abc", "1.5", ""];
  if (withValues.length) edges.push("-4611686018427387904", "-9223372036854775807");
  const count = random.weighted<() => string>([
    [6, () => String(random.int(-12, 12))],
    [1, () => random.pick(edges)],
  ])();
  return [count, ...withValues];
}

/** Increments for HINCRBYFLOAT whose results stay short (long results would pass the 64-byte listpack limit). */
function smallFloat(random: Random): string {
  return random.weighted<() => string>([
    [4, () => (random.next() * 200 - 100).toFixed(random.int(0, 4))],
    [1, () => random.pick(["inf", "-inf", "nan", "abc", "", "1e5000", "0x10", "1e3", "-0", "5.", "1.5e+3", "0x1p3", ".5"])],
  ])();
}

/** One hash-family command, sometimes malformed. */
export function hashCommand(random: Random): StreamCommand {
  return random.weighted<() => StreamCommand>([
    [10, () => ["HSET", key(random), ...pairs(random, 3)]],
    [0.4, () => ["HSET", key(random), ...bulkPairs(random)]],
    [0.4, () => ["HDEL", key(random), ...Array.from({ length: 200 }, (_, i) => `b:${i * 2}`)]],
    [2, () => ["HMSET", key(random), ...pairs(random, 3)]],
    [3, () => ["HSETNX", key(random), field(random), hashValue(random)]],
    [8, () => ["HGET", key(random), field(random)]],
    [3, () => ["HMGET", key(random), ...fields(random, 4)]],
    [5, () => ["HDEL", key(random), ...fields(random, 3)]],
    [3, () => ["HEXISTS", key(random), field(random)]],
    [3, () => ["HLEN", key(random)]],
    [2, () => ["HKEYS", key(random)]],
    [2, () => ["HVALS", key(random)]],
    [4, () => ["HGETALL", key(random)]],
    [4, () => ["HINCRBY", key(random), field(random), integer(random)]],
    [4, () => ["HINCRBYFLOAT", key(random), field(random), smallFloat(random)]],
    [2, () => ["HSTRLEN", key(random), field(random)]],
    [2, () => ["HRANDFIELD", key(random)]],
    [3, () => ["HRANDFIELD", key(random), ...randfieldArgs(random)]],
    [3, () => ["HSCAN", key(random), random.pick(["0", "0", "0", "0", "x", "1.5", "-"]), ...hscanOptions(random)]],
    [1, () => random.pick([
      ["HSET", "a", "f"], ["HMSET", "a", "f", "1", "g"], ["HGET", "a"], ["HRANDFIELD", "a", "1", "WITHVALUES", "x"],
      ["HRANDFIELD", "a", "1", "bogus"], ["HSCAN", "a"], ["HINCRBY", "a", "f"], ["HSETNX", "a", "f"],
    ])],
  ])();
}

function hscanOptions(random: Random): string[] {
  return random.weighted<() => string[]>([
    [3, () => []],
    [2, () => ["MATCH", random.pick(["*", "h*", "?", "[fg]", "\x00*", "x"])]],
    [2, () => ["COUNT", random.pick(["1", "10", "0", "-1", "abc"])]],
    [1, () => ["MATCH", "h*", "COUNT", "2"]],
    [1, () => random.pick([["TYPE", "hash"], ["BOGUS"], ["MATCH"], ["count", "5", "match", "f"]])],
  ])();
}
