// Random commands of the sorted-set family for the differential streams: keys drawn from the shared pool
// (so WRONGTYPE shows both ways), scores at the edges (±inf, -0, 1e-300, 17-digit values, ties), binary
// members, and now and then enough members (or a long one) to convert a set to its skiplist encoding.
// Lex commands run on their own keys, whose members all have score 0 (Redis leaves mixed scores unspecified).
import type { Random } from "./random";
import { key, keys, type StreamCommand } from "./stream-values";

const MEMBERS = ["a", "b", "c", "m1", "m2", "", "\x00", "\xff\xfe", "long-member-name", "z", "A", "aa", "ab"];
const LEX_KEYS = ["lex:1", "{t}lex", "lex:\xff"];

function member(random: Random): string {
  return random.weighted<() => string>([
    [8, () => random.pick(MEMBERS)],
    [1, () => random.bytes(random.int(0, 6))],
    [1, () => "w".repeat(random.int(60, 70))],
  ])();
}

const SCORE_EDGES = [
  "0", "-0", "1", "-1", "0.1", "1.5", "1e-300", "-1e-300", "1e300", "inf", "-inf", "+inf", "Infinity", "-infinity",
  "1.2345678901234567", "123456789012345678", "0.30000000000000004", "5e-324", "1.7976931348623157e308", "1e17",
  "1e16", "0.0001", "0.00001", "2", "2", "3", "0x10", "0x1p-3", "1e", "", " 1", "1 ", "abc", "nan", "1e400", "1e-400",
  "100", "-2.5", "7", "1.0", ".5", "5.",
];

export function score(random: Random): string {
  return random.weighted<() => string>([
    [5, () => random.pick(SCORE_EDGES)],
    [3, () => String(random.int(-5, 5))],
    [2, () => (random.next() * 20 - 10).toFixed(random.int(0, 17))],
  ])();
}

function bound(random: Random): string {
  return random.weighted<() => string>([
    [4, () => score(random)],
    [3, () => "(" + score(random)],
    [1, () => random.pick(["-inf", "+inf", "(-inf", "(inf", "(", "x", "[1", "1\x00zz", " 2"])],
  ])();
}

function lexBound(random: Random): string {
  return random.weighted<() => string>([
    [4, () => "[" + member(random)],
    [3, () => "(" + member(random)],
    [2, () => random.pick(["-", "+"])],
    [1, () => random.pick(["a", "", "+x", "-x", "+\x00", "[", "("])],
  ])();
}

function pairs(random: Random, max: number): string[] {
  return Array.from({ length: random.int(1, max) }, () => [score(random), member(random)]).flat();
}

/** 129..140 members with small integer scores: the set converts past Redis's 128-entry listpack limit. */
function manyPairs(random: Random): string[] {
  const n = random.int(129, 140);
  return Array.from({ length: n }, (_, i) => [String(random.int(-50, 50)), `bulk${i % 97}:${random.int(0, 3)}`]).flat();
}

function zaddFlags(random: Random): string[] {
  const all = ["NX", "XX", "GT", "LT", "CH", "INCR"];
  return all.filter(() => random.chance(0.15));
}

function rank(random: Random): string {
  return random.weighted<() => string>([
    [6, () => String(random.int(-8, 8))],
    [1, () => random.pick(["0", "-1", "100", "-100", "9223372036854775807", "-9223372036854775808", "x", "1.5", ""])],
  ])();
}

function limit(random: Random): string[] {
  if (!random.chance(0.3)) return [];
  return ["LIMIT", random.pick(["0", "1", "2", "-1", "5", "x"]), random.pick(["1", "2", "-1", "0", "10", "x"])];
}

function rangeOptions(random: Random): string[] {
  const out: string[] = [];
  if (random.chance(0.3)) out.push("REV");
  if (random.chance(0.4)) out.push("WITHSCORES");
  if (random.chance(0.1)) out.push(random.pick(["BYLEX", "BYSCORE", "LIMIT", "BOGUS"]));
  return out;
}

function randArgs(random: Random): string[] {
  const withScores = random.chance(0.5) ? ["WITHSCORES"] : [];
  const edges = ["-9223372036854775808", "9223372036854775807", "4611686018427387904", "abc", "1.5", ""];
  if (withScores.length) edges.push("-4611686018427387904", "-9223372036854775807");
  const count = random.weighted<() => string>([
    [6, () => String(random.int(-12, 12))],
    [1, () => random.pick(edges)],
  ])();
  return [count, ...withScores];
}

/** One sorted-set command on the shared key pool, sometimes malformed. */
export function zsetCommand(random: Random): StreamCommand {
  return random.weighted<() => StreamCommand>([
    [12, () => ["ZADD", key(random), ...zaddFlags(random), ...pairs(random, 4)]],
    [1, () => ["ZADD", key(random), ...manyPairs(random)]],
    [4, () => ["ZINCRBY", key(random), score(random), member(random)]],
    [5, () => ["ZREM", key(random), member(random), ...(random.chance(0.4) ? [member(random)] : [])]],
    [4, () => ["ZCARD", key(random)]],
    [5, () => ["ZSCORE", key(random), member(random)]],
    [3, () => ["ZMSCORE", key(random), member(random), member(random)]],
    [4, () => [random.pick(["ZRANK", "ZREVRANK"]), key(random), member(random)]],
    [4, () => ["ZCOUNT", key(random), bound(random), bound(random)]],
    [6, () => ["ZRANGE", key(random), rank(random), rank(random), ...rangeOptions(random).filter((o) => o !== "BYLEX")]],
    [3, () => ["ZRANGE", key(random), bound(random), bound(random), "BYSCORE", ...rangeOptions(random), ...limit(random)]],
    [3, () => ["ZREVRANGE", key(random), rank(random), rank(random), ...(random.chance(0.5) ? ["WITHSCORES"] : [])]],
    [4, () => [random.pick(["ZRANGEBYSCORE", "ZREVRANGEBYSCORE"]), key(random), bound(random), bound(random),
      ...(random.chance(0.5) ? ["WITHSCORES"] : []), ...limit(random)]],
    [3, () => [random.pick(["ZPOPMIN", "ZPOPMAX"]), key(random), ...(random.chance(0.6) ? [rank(random)] : [])]],
    [2, () => ["ZRANDMEMBER", key(random)]],
    [3, () => ["ZRANDMEMBER", key(random), ...randArgs(random)]],
    [2, () => ["ZREMRANGEBYRANK", key(random), rank(random), rank(random)]],
    [2, () => ["ZREMRANGEBYSCORE", key(random), bound(random), bound(random)]],
    [2, () => ["ZRANGESTORE", key(random), key(random), rank(random), rank(random), ...(random.chance(0.3) ? ["REV"] : [])]],
    [1, () => ["ZRANGESTORE", key(random), key(random), bound(random), bound(random), "BYSCORE", ...limit(random)]],
    [3, () => ["ZSCAN", key(random), "0", ...(random.chance(0.3) ? ["MATCH", random.pick(["*", "a*", "?", "bulk1*", "x"])] : [])]],
    [3, () => [random.pick(["ZUNION", "ZINTER", "ZDIFF"]), ...numKeys(random), ...algebraOptions(random, true)]],
    [3, () => [random.pick(["ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"]), key(random), ...numKeys(random),
      ...algebraOptions(random, false)]],
    [1, () => ["ZINTERCARD", ...numKeys(random), ...(random.chance(0.4) ? ["LIMIT", random.pick(["0", "1", "3", "-1", "x"])] : [])]],
    [2, () => ["ZMPOP", ...numKeys(random), random.pick(["MIN", "MAX", "min", "bogus"]),
      ...(random.chance(0.5) ? ["COUNT", random.pick(["1", "2", "5", "0", "-1", "x"])] : [])]],
    [6, () => lexCommand(random)],
    [1, () => random.pick([
      ["ZADD", "a", "1"], ["ZADD", "a", "NX", "XX", "1", "m"], ["ZADD", "a", "GT", "LT", "1", "m"], ["ZADD", "a", "INCR", "1", "m", "2", "n"],
      ["ZADD", "a", "NX", "GT", "1", "m"], ["ZADD", "a", "XX"], ["ZRANGE", "a", "0", "1", "LIMIT", "0", "1"],
      ["ZRANGE", "a", "(1", "2", "BYLEX"], ["ZRANGE", "a", "-", "+", "BYLEX", "WITHSCORES"], ["ZRANGEBYLEX", "a", "-", "+", "WITHSCORES"],
      ["ZREVRANGE", "a", "0", "1", "REV"], ["ZRANGESTORE", "a", "b", "0", "1", "WITHSCORES"], ["ZPOPMIN", "a", "1", "2"],
      ["ZRANK", "a", "m", "WITHSCORE"], ["ZSCAN", "a", "x"], ["ZUNION", "0", "a"], ["ZMPOP", "0", "a", "MIN"],
      ["ZINTERCARD", "2", "a"], ["ZUNIONSTORE", "d", "2", "a"], ["ZINTER", "1", "a", "WEIGHTS"],
    ])],
  ])();
}

function numKeys(random: Random): string[] {
  const ks = keys(random, 3);
  const n = random.weighted<() => string>([
    [10, () => String(ks.length)],
    [1, () => random.pick(["0", "-1", "x", String(ks.length + 1)])],
  ])();
  return [n, ...ks];
}

function algebraOptions(random: Random, withScores: boolean): string[] {
  const out: string[] = [];
  if (random.chance(0.3)) out.push("WEIGHTS", ...Array.from({ length: random.int(1, 3) }, () => random.pick(["1", "2", "-1", "0", "0.5", "inf", "-inf", "x"])));
  if (random.chance(0.3)) out.push("AGGREGATE", random.pick(["SUM", "MIN", "MAX", "min", "avg"]));
  if (withScores && random.chance(0.5)) out.push("WITHSCORES");
  return out;
}

/** Lex commands on keys whose members all score 0. */
function lexCommand(random: Random): StreamCommand {
  const k = random.pick(LEX_KEYS);
  return random.weighted<() => StreamCommand>([
    [5, () => ["ZADD", k, ...Array.from({ length: random.int(1, 4) }, () => ["0", member(random)]).flat()]],
    [1, () => ["ZADD", k, ...Array.from({ length: random.int(129, 135) }, (_, i) => ["0", `lexbulk${i}`]).flat()]],
    [2, () => ["ZREM", k, member(random)]],
    [4, () => [random.pick(["ZRANGEBYLEX", "ZREVRANGEBYLEX"]), k, lexBound(random), lexBound(random), ...limit(random)]],
    [2, () => ["ZRANGE", k, lexBound(random), lexBound(random), "BYLEX", ...(random.chance(0.3) ? ["REV"] : []), ...limit(random)]],
    [3, () => ["ZLEXCOUNT", k, lexBound(random), lexBound(random)]],
    [1, () => ["ZREMRANGEBYLEX", k, lexBound(random), lexBound(random)]],
    [1, () => ["ZRANGESTORE", random.pick(LEX_KEYS), k, lexBound(random), lexBound(random), "BYLEX", ...limit(random)]],
    [1, () => ["ZCARD", k]],
    [1, () => ["OBJECT", "ENCODING", k]],
    [1, () => ["ZRANGE", k, "0", "-1", "WITHSCORES"]],
  ])();
}
