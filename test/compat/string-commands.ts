// Random commands of the string family (GET, SET and its options, INCR*, GETRANGE, …) for the differential streams.
import type { Random } from "./random";
import { absoluteExpiry, float, integer, key, keys, offset, relativeExpiry, value, type StreamCommand } from "./stream-values";

/** SET's options in a random order and combination, including the conflicting ones Redis refuses. */
function setOptions(random: Random, nowMs: number): string[] {
  const options: string[][] = [];
  const expiry = random.weighted<() => string[]>([
    [4, () => []],
    [1, () => ["EX", relativeExpiry(random, "s")]],
    [1, () => ["PX", relativeExpiry(random, "ms")]],
    [1, () => ["EXAT", absoluteExpiry(random, "s", nowMs)]],
    [1, () => ["PXAT", absoluteExpiry(random, "ms", nowMs)]],
    [1, () => ["KEEPTTL"]],
  ])();
  if (expiry.length) options.push(expiry);
  if (random.chance(0.25)) options.push([random.pick(["NX", "XX"])]);
  if (random.chance(0.25)) options.push(["GET"]);
  if (random.chance(0.08)) options.push(random.pick([["EX", "100"], ["KEEPTTL"], ["NX"], ["xx"], ["get"], ["ex", "200"], ["BOGUS"], ["EX"]]));
  for (let i = options.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [options[i], options[j]] = [options[j]!, options[i]!];
  }
  return options.flat();
}

function getexOptions(random: Random, nowMs: number): string[] {
  return random.weighted<() => string[]>([
    [3, () => []],
    [1, () => ["EX", relativeExpiry(random, "s")]],
    [1, () => ["PX", relativeExpiry(random, "ms")]],
    [1, () => ["EXAT", absoluteExpiry(random, "s", nowMs)]],
    [1, () => ["PXAT", absoluteExpiry(random, "ms", nowMs)]],
    [1, () => ["PERSIST"]],
    [1, () => random.pick([["PERSIST", "EX", "100"], ["EX", "100", "PX", "100000"], ["persist"], ["KEEPTTL"], ["EX"]])],
  ])();
}

function pairs(random: Random, max: number): string[] {
  return keys(random, max).flatMap((k) => [k, value(random)]);
}

/** One string-family command, sometimes malformed. */
export function stringCommand(random: Random, nowMs: number): StreamCommand {
  return random.weighted<() => StreamCommand>([
    [8, () => ["GET", key(random)]],
    [10, () => ["SET", key(random), value(random), ...setOptions(random, nowMs)]],
    [2, () => ["SETNX", key(random), value(random)]],
    [2, () => ["SETEX", key(random), relativeExpiry(random, "s"), value(random)]],
    [2, () => ["PSETEX", key(random), relativeExpiry(random, "ms"), value(random)]],
    [2, () => ["GETSET", key(random), value(random)]],
    [2, () => ["GETDEL", key(random)]],
    [3, () => ["GETEX", key(random), ...getexOptions(random, nowMs)]],
    [3, () => ["MGET", ...keys(random, 5)]],
    [3, () => ["MSET", ...pairs(random, 4)]],
    [2, () => ["MSETNX", ...pairs(random, 3)]],
    [3, () => ["APPEND", key(random), value(random)]],
    [2, () => ["STRLEN", key(random)]],
    [4, () => ["INCR", key(random)]],
    [3, () => ["DECR", key(random)]],
    [4, () => ["INCRBY", key(random), integer(random)]],
    [3, () => ["DECRBY", key(random), integer(random)]],
    [5, () => ["INCRBYFLOAT", key(random), float(random)]],
    [4, () => ["GETRANGE", key(random), offset(random), offset(random)]],
    [3, () => ["SETRANGE", key(random), setrangeOffset(random), value(random)]],
    [1, () => random.pick([["MSET", "a"], ["MSET", "a", "1", "b"], ["MSETNX", "a"], ["GETRANGE", "a", "0"]])],
  ])();
}

/** SETRANGE offsets stay small (Redis allocates up to them) apart from the refused ones. */
function setrangeOffset(random: Random): string {
  return random.weighted<() => string>([
    [6, () => String(random.int(0, 40))],
    [1, () => String(random.int(100, 2000))],
    [1, () => random.pick(["-1", "536870912", "9223372036854775807", "abc", "", "1.5"])],
  ])();
}
