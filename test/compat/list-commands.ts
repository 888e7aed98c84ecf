// Random commands of the list family for the differential streams: keys from the shared pool (so WRONGTYPE
// shows both ways), few distinct elements (so LREM/LPOS/LINSERT match), binary bytes, and bulk pushes and
// long elements that carry lists past a node (8 KB) so the chained form is exercised.
import type { Random } from "./random";
import { I64_MAX, I64_MIN, integer, key, type StreamCommand } from "./stream-values";

const ELEMENTS = ["a", "b", "c", "", "\x00", "\xff\xfe", "hello", "1", "-1", "a\r\nb"];

function element(random: Random): string {
  return random.weighted<() => string>([
    [24, () => random.pick(ELEMENTS)],
    [4, () => random.bytes(random.int(0, 10))],
    [2, () => "L".repeat(random.int(60, 300))],
    [1, () => "B".repeat(random.int(7000, 12000))],
  ])();
}

function smallElement(random: Random): string {
  return random.chance(0.8) ? random.pick(ELEMENTS) : random.bytes(random.int(0, 40));
}

/** A few elements of any size, or a bulk of small ones (hundreds: several 8 KB nodes). */
function elements(random: Random): string[] {
  return random.weighted<() => string[]>([
    [8, () => Array.from({ length: random.int(1, 4) }, () => element(random))],
    [1, () => Array.from({ length: random.int(20, 200) }, () => smallElement(random))],
    [1, () => Array.from({ length: random.int(300, 1500) }, () => smallElement(random))],
  ])();
}

/** Indexes near the ends, either sign, and the edges Redis refuses or clamps. */
function index(random: Random): string {
  return random.weighted<() => string>([
    [6, () => String(random.int(-6, 6))],
    [2, () => String(random.int(-400, 400))],
    [1, () => random.pick([I64_MAX, I64_MIN, "-9223372036854775807", "abc", "", "1.5", "01", "+1"])],
  ])();
}

function count(random: Random): string {
  return random.weighted<() => string>([
    [6, () => String(random.int(0, 5))],
    [1, () => String(random.int(50, 500))],
    [1, () => random.pick(["-1", "abc", "", I64_MAX, I64_MIN, "9223372036854775808", "1.0"])],
  ])();
}

function side(random: Random): string {
  return random.pick(["LEFT", "RIGHT", "left", "Right", "up"]);
}

function lposOptions(random: Random): string[] {
  const out: string[] = [];
  const n = random.int(0, 3);
  for (let i = 0; i < n; i++) {
    out.push(...random.weighted<() => string[]>([
      [3, () => ["RANK", random.pick(["1", "2", "-1", "-2", "3", "-3", "0", "x", I64_MAX, I64_MIN, "-9223372036854775807"])]],
      [3, () => ["COUNT", random.pick(["0", "1", "2", "5", "-1", "x", I64_MAX])]],
      [2, () => ["MAXLEN", random.pick(["0", "1", "3", "10", "-1", "x"])]],
      [1, () => random.pick([["RANK"], ["BOGUS", "1"], ["count"]])],
    ])());
  }
  return out;
}

function lmpopArgs(random: Random): string[] {
  const n = random.int(1, 3);
  const keys = Array.from({ length: n }, () => key(random));
  const numkeys = random.weighted<() => string>([
    [8, () => String(n)],
    [1, () => random.pick(["0", "-1", "x", String(n + 3), I64_MAX])],
  ])();
  const tail = random.weighted<() => string[]>([
    [4, () => []],
    [4, () => ["COUNT", random.pick(["1", "2", "3", "10", "1000"])]],
    [1, () => random.pick([["COUNT", "0"], ["COUNT", "-1"], ["COUNT", "x"], ["COUNT"], ["COUNT", "1", "COUNT", "1"], ["BOGUS"]])],
  ])();
  return [numkeys, ...keys, side(random), ...tail];
}

/** One list-family command, sometimes malformed. */
export function listCommand(random: Random): StreamCommand {
  return random.weighted<() => StreamCommand>([
    [10, () => ["RPUSH", key(random), ...elements(random)]],
    [8, () => ["LPUSH", key(random), ...elements(random)]],
    [2, () => ["LPUSHX", key(random), ...elements(random)]],
    [2, () => ["RPUSHX", key(random), ...elements(random)]],
    [5, () => ["LPOP", key(random)]],
    [5, () => ["RPOP", key(random)]],
    [4, () => ["LPOP", key(random), count(random)]],
    [4, () => ["RPOP", key(random), count(random)]],
    [4, () => ["LLEN", key(random)]],
    [6, () => ["LRANGE", key(random), index(random), index(random)]],
    [2, () => ["LRANGE", key(random), "0", "-1"]],
    [4, () => ["LINDEX", key(random), index(random)]],
    [3, () => ["LSET", key(random), index(random), element(random)]],
    [3, () => ["LINSERT", key(random), random.pick(["BEFORE", "AFTER", "before", "after", "middle"]), element(random), element(random)]],
    [4, () => ["LREM", key(random), random.pick(["0", "1", "2", "-1", "-2", "5", "-100", "x", I64_MIN, I64_MAX]), element(random)]],
    [3, () => ["LTRIM", key(random), index(random), index(random)]],
    [4, () => ["LPOS", key(random), element(random), ...lposOptions(random)]],
    [3, () => ["LMOVE", key(random), key(random), side(random), side(random)]],
    [2, () => ["RPOPLPUSH", key(random), key(random)]],
    [3, () => ["LMPOP", ...lmpopArgs(random)]],
    [1, () => ["LPOP", key(random), integer(random)]],
    [1, () => random.pick([
      ["LPUSH", "a"], ["LPOP", "a", "1", "2"], ["RPOP", "a", "1", "2"], ["LRANGE", "a", "0"], ["LSET", "a", "0"], ["LINSERT", "a", "BEFORE", "x"],
      ["LPOS", "a"], ["LMOVE", "a", "b", "LEFT"], ["RPOPLPUSH", "a"], ["LMPOP", "1", "a"], ["LMPOP", "1"], ["LTRIM", "a", "0"],
    ])],
  ])();
}
