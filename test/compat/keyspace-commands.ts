// Random keyspace commands (DEL, EXPIRE*, TTL, RENAME, KEYS, SCAN, …) for the differential streams.
import type { Random } from "./random";
import { absoluteExpiry, key, keys, pattern, relativeExpiry, value, type StreamCommand } from "./stream-values";

/** EXPIRE's NX/XX/GT/LT flags: mostly none or one, sometimes the incompatible pairs Redis refuses. */
function expireFlags(random: Random): string[] {
  return random.weighted<() => string[]>([
    [5, () => []],
    [4, () => [random.pick(["NX", "XX", "GT", "LT", "nx", "gt"])]],
    [1, () => random.pick([["NX", "XX"], ["GT", "LT"], ["NX", "GT"], ["XX", "GT"], ["XX", "LT"], ["BOGUS"], ["NX", "NX"]])],
  ])();
}

function scanOptions(random: Random): string[] {
  const options: string[] = [];
  if (random.chance(0.5)) options.push("MATCH", pattern(random));
  if (random.chance(0.4)) options.push("COUNT", random.pick(["1", "2", "3", "10", "1000"]));
  if (random.chance(0.3)) options.push("TYPE", random.pick(["string", "list", "hash", "STRING", "none", "bogus"]));
  return options;
}

/**
 * A SCAN that is malformed, so both sides must answer the same error without iterating. (A well-formed
 * non-zero cursor such as -1, which strtoul accepts, names a position in one server's table: no two servers
 * can agree on its page, so streams only start iterations at 0.)
 */
function badScan(random: Random): StreamCommand {
  return random.pick([
    ["SCAN", "abc"], ["SCAN", "1.5"], ["SCAN", "0", "COUNT", "0"], ["SCAN", "0", "COUNT", "-1"], ["SCAN", "0", "COUNT", "x"],
    ["SCAN", "0", "MATCH"], ["SCAN", "0", "BOGUS", "1"], ["SCAN", "0", "TYPE"], ["SCAN", "18446744073709551616"], ["SCAN"],
  ]);
}

/** One keyspace command, sometimes malformed. */
export function keyspaceCommand(random: Random, nowMs: number): StreamCommand {
  return random.weighted<() => StreamCommand>([
    [6, () => ["SET", key(random), value(random)]],
    [2, () => ["SET", key(random), value(random), "EX", relativeExpiry(random, "s")]],
    [3, () => ["DEL", ...keys(random, 4)]],
    [2, () => ["UNLINK", ...keys(random, 4)]],
    [3, () => ["EXISTS", ...keys(random, 4)]],
    [2, () => ["TOUCH", ...keys(random, 4)]],
    [3, () => ["TYPE", key(random)]],
    [4, () => ["EXPIRE", key(random), relativeExpiry(random, "s"), ...expireFlags(random)]],
    [3, () => ["PEXPIRE", key(random), relativeExpiry(random, "ms"), ...expireFlags(random)]],
    [3, () => ["EXPIREAT", key(random), absoluteExpiry(random, "s", nowMs), ...expireFlags(random)]],
    [3, () => ["PEXPIREAT", key(random), absoluteExpiry(random, "ms", nowMs), ...expireFlags(random)]],
    [3, () => ["TTL", key(random)]],
    [3, () => ["PTTL", key(random)]],
    [2, () => ["EXPIRETIME", key(random)]],
    [2, () => ["PEXPIRETIME", key(random)]],
    [3, () => ["PERSIST", key(random)]],
    [3, () => ["RENAME", key(random), key(random)]],
    [3, () => ["RENAMENX", key(random), key(random)]],
    [3, () => ["COPY", key(random), key(random), ...random.pick([[], [], ["REPLACE"], ["DB", "0"], ["DB", "0", "REPLACE"], ["BOGUS"]])]],
    [2, () => ["OBJECT", "ENCODING", key(random)]],
    [1, () => ["DUMP", key(random)]],
    [0.5, () => random.pick([["RESTORE", key(random), "0", "not a payload"], ["RESTORE", key(random), "-1", "x"], ["RESTORE", key(random), "x", "y", "REPLACE"], ["DUMP"]])],
    [2, () => ["KEYS", pattern(random)]],
    [2, () => ["SCAN", "0", ...scanOptions(random)]],
    [1, () => badScan(random)],
    [2, () => ["RANDOMKEY"]],
    [2, () => ["DBSIZE"]],
    [0.4, () => ["FLUSHDB", ...random.pick([[], ["ASYNC"], ["SYNC"], ["BOGUS"]])]],
    [1, () => ["PING", ...random.pick([[], ["hello"], [value(random)], ["a", "b"]])]],
    [1, () => ["ECHO", ...random.pick([[value(random)], [], ["a", "b"]])]],
    [1, () => random.pick([["TTL"], ["EXPIRE", "a"], ["RENAME", "a"], ["KEYS"], ["DBSIZE", "x"], ["RANDOMKEY", "x"], ["TYPE"], ["PERSIST"], ["NOSUCHCOMMAND", "a"]])],
  ])();
}
