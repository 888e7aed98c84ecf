// Random commands of the set family for the differential streams: keys drawn from the shared pool (so WRONGTYPE
// shows both ways), members from an integer-only pool (intsets) or a mixed one (hash tables), and now and then
// hundreds of integers at once, so sets cross the 512-member intset limit and convert.
import type { Random } from "./random";
import { I64_MAX, I64_MIN, key, type StreamCommand } from "./stream-values";

const INTEGERS = ["0", "1", "-1", "2", "3", "7", "10", "42", "100", "-100", "65535", "65536", "4294967296", I64_MAX, I64_MIN];
/** Not integers to Redis (string2ll refuses them): they turn an intset into a hash table. */
const NEAR_INTEGERS = ["01", "+1", " 1", "-0", "1.0", "1e3", "9223372036854775808", "0x10", ""];
const WORDS = ["a", "b", "c", "apple", "\x00", "\x00\xff", "\xff\xfe", "\r\n", "é", "long-" + "m".repeat(80)];

/** Each command draws from one pool: integers only (intsets stay intsets) or mixed. */
function memberPool(random: Random): () => string {
  if (random.chance(0.55)) return () => (random.chance(0.6) ? random.pick(INTEGERS) : String(random.int(-30, 30)));
  return () =>
    random.weighted<() => string>([
      [3, () => random.pick(INTEGERS)],
      [2, () => String(random.int(-30, 30))],
      [2, () => random.pick(NEAR_INTEGERS)],
      [3, () => random.pick(WORDS)],
      [2, () => random.bytes(random.int(0, 6))],
    ])();
}

function members(random: Random, max: number): string[] {
  const member = memberPool(random);
  return Array.from({ length: random.int(1, max) }, member);
}

/** Hundreds of integers: enough to pass set-max-intset-entries (512) over a few commands. */
function manyIntegers(random: Random): string[] {
  const start = random.int(-200, 200);
  return Array.from({ length: random.int(150, 420) }, (_, i) => String(start + i * random.int(1, 3)));
}

function keys(random: Random, min: number, max: number): string[] {
  return Array.from({ length: random.int(min, max) }, () => key(random));
}

function count(random: Random): string {
  return random.weighted<() => string>([
    [6, () => String(random.int(-8, 8))],
    [1, () => String(random.int(300, 700))],
    // No huge negative count: redis-server would try to build the reply and die (see srandmember-repeat-limit).
    [1, () => random.pick(["abc", "1.5", "", " 1", "-9223372036854775808", I64_MAX])],
  ])();
}

/** SPOP counts: SPOP refuses negatives (and huge positives just pop everything). */
function popCount(random: Random): string {
  return random.weighted<() => string>([
    [6, () => String(random.int(0, 6))],
    [1, () => random.pick(["-1", "abc", "", I64_MAX, "1000"])],
  ])();
}

function sintercardArgs(random: Random): string[] {
  const ks = keys(random, 1, 3);
  const n = random.weighted<() => string>([
    [8, () => String(ks.length)],
    [1, () => random.pick(["0", "-1", "abc", String(ks.length + 1), "1"])],
  ])();
  const options = random.weighted<() => string[]>([
    [4, () => []],
    [3, () => ["LIMIT", String(random.int(0, 5))]],
    [1, () => random.pick([["LIMIT", "-1"], ["LIMIT"], ["LIMIT", "x"], ["BOGUS"], ["limit", "1", "LIMIT", "2"]])],
  ])();
  return [n, ...ks, ...options];
}

function sscanOptions(random: Random): string[] {
  return random.weighted<() => string[]>([
    [3, () => []],
    [2, () => ["MATCH", random.pick(["*", "1*", "-*", "?", "[ab]*", "\x00*", "a"])]],
    [2, () => ["COUNT", random.pick(["1", "5", "100", "0", "-1", "abc"])]],
    [1, () => ["MATCH", "*1*", "COUNT", "3"]],
    [1, () => random.pick([["TYPE", "set"], ["BOGUS"], ["MATCH"], ["count", "2", "match", "a*"]])],
  ])();
}

/** One set-family command, sometimes malformed. */
export function setCommand(random: Random): StreamCommand {
  return random.weighted<() => StreamCommand>([
    [14, () => ["SADD", key(random), ...members(random, 5)]],
    [1, () => ["SADD", key(random), ...manyIntegers(random)]],
    // Right at the intset limit: 510..514 integers 0..n-1, so a fresh key lands on either side of 512.
    [1, () => ["SADD", key(random), ...Array.from({ length: random.int(510, 514) }, (_, i) => String(i))]],
    [6, () => ["SREM", key(random), ...members(random, 4)]],
    [4, () => ["SMEMBERS", key(random)]],
    [5, () => ["SISMEMBER", key(random), ...members(random, 1)]],
    [3, () => ["SMISMEMBER", key(random), ...members(random, 4)]],
    [5, () => ["SCARD", key(random)]],
    [2, () => ["SPOP", key(random)]],
    [2, () => ["SPOP", key(random), popCount(random)]],
    [2, () => ["SRANDMEMBER", key(random)]],
    [3, () => ["SRANDMEMBER", key(random), count(random)]],
    [4, () => ["SMOVE", key(random), key(random), ...members(random, 1)]],
    [3, () => ["SINTER", ...keys(random, 1, 3)]],
    [2, () => ["SINTERCARD", ...sintercardArgs(random)]],
    [2, () => ["SINTERSTORE", ...keys(random, 2, 4)]],
    [3, () => ["SUNION", ...keys(random, 1, 3)]],
    [2, () => ["SUNIONSTORE", ...keys(random, 2, 4)]],
    [3, () => ["SDIFF", ...keys(random, 1, 3)]],
    [2, () => ["SDIFFSTORE", ...keys(random, 2, 4)]],
    [3, () => ["SSCAN", key(random), random.pick(["0", "0", "0", "0", "x", "-", "1.5"]), ...sscanOptions(random)]],
    [1, () => random.pick([
      ["SADD", "a"], ["SREM", "a"], ["SMOVE", "a", "b"], ["SISMEMBER", "a"], ["SPOP", "a", "1", "2"], ["SRANDMEMBER", "a", "1", "x"],
      ["SINTERCARD", "1"], ["SINTERSTORE", "a"], ["SSCAN", "a"], ["SCARD", "a", "b"], ["SMISMEMBER", "a"],
    ])],
  ])();
}
