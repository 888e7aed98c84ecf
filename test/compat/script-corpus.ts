// The scripts of the differential script suite: what Redis users run (counters, locks, token
// buckets, sliding windows, queues, hash objects), error paths and Lua<->RESP conversions, each
// with a generator of its keys and arguments. Every key carries the {s} tag: one shard runs them all.
import type { Random } from "./random";

export interface CorpusScript {
  name: string;
  body: string;
  /** Keys and arguments for one run. */
  call: (random: Random) => { keys: string[]; args: string[] };
}

/** A small pool, so scripts and plain commands keep meeting the same keys (and their types). */
export const SCRIPT_KEYS = ["{s}a", "{s}b", "{s}c", "{s}d", "{s}q1", "{s}q2", "{s}h", "{s}z"];

const key = (random: Random) => random.pick(SCRIPT_KEYS);
const int = (random: Random, min: number, max: number) => String(random.int(min, max));
const word = (random: Random) => random.pick(["alpha", "beta", "x", "", "héllo", "12", "-7", "3.5", "1e3", "0x10", "tok:1", "a b"]);
const number = (random: Random) =>
  random.pick(["0", "1", "-1", "42", "3.5", "-0.25", "0.1", "1e15", "9007199254740992", "9007199254740993", "12345678901234567890", "1e300", "-2.5e-7", "abc", ""]);

export const CORPUS: readonly CorpusScript[] = [
  {
    name: "counter with a first-hit expiry",
    body: "local v = redis.call('INCRBY', KEYS[1], ARGV[1])\nif v == tonumber(ARGV[1]) then redis.call('EXPIRE', KEYS[1], ARGV[2]) end\nreturn v",
    call: (r) => ({ keys: [key(r)], args: [int(r, -5, 20), int(r, 100, 1000)] }),
  },
  {
    name: "lock: SET NX PX",
    body: "return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])",
    call: (r) => ({ keys: [key(r)], args: [`owner${r.int(1, 3)}`, int(r, 10_000, 60_000)] }),
  },
  {
    name: "lock: compare and delete",
    body: "if redis.call('GET', KEYS[1]) == ARGV[1] then\n  return redis.call('DEL', KEYS[1])\nelse\n  return 0\nend",
    call: (r) => ({ keys: [key(r)], args: [`owner${r.int(1, 3)}`] }),
  },
  {
    name: "token bucket",
    body: [
      "local capacity, rate, now, requested = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])",
      "local data = redis.call('HMGET', KEYS[1], 'tokens', 'ts')",
      "local tokens = tonumber(data[1]) or capacity",
      "local ts = tonumber(data[2]) or now",
      "tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate / 1000)",
      "local allowed = tokens >= requested",
      "if allowed then tokens = tokens - requested end",
      "redis.call('HSET', KEYS[1], 'tokens', tokens, 'ts', now)",
      "redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate * 1000))",
      "return {allowed and 1 or 0, tokens, tostring(tokens), string.format('%.2f', tokens), redis.call('HGET', KEYS[1], 'tokens')}",
    ].join("\n"),
    call: (r) => ({ keys: [key(r)], args: [int(r, 1, 10), r.pick(["1", "3", "0.5", "7"]), String(1_700_000_000_000 + r.int(0, 20_000)), int(r, 1, 3)] }),
  },
  {
    name: "sliding window log",
    body: [
      "local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])",
      "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)",
      "local count = redis.call('ZCARD', KEYS[1])",
      "if count < limit then",
      "  redis.call('ZADD', KEYS[1], now, ARGV[4])",
      "  redis.call('PEXPIRE', KEYS[1], window)",
      "  return {1, count + 1}",
      "end",
      "return {0, count}",
    ].join("\n"),
    call: (r) => ({ keys: [key(r)], args: [String(1_700_000_000_000 + r.int(0, 5_000)), int(r, 500, 3_000), int(r, 1, 6), `req${r.int(1, 1_000_000)}`] }),
  },
  {
    name: "queue: push",
    body: "return redis.call('LPUSH', KEYS[1], unpack(ARGV))",
    call: (r) => ({ keys: [key(r)], args: Array.from({ length: r.int(1, 4) }, () => word(r)) }),
  },
  {
    name: "reliable queue: take with RPOPLPUSH or LMOVE",
    body: [
      "local v",
      "if ARGV[1] == 'lmove' then v = redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT')",
      "else v = redis.call('RPOPLPUSH', KEYS[1], KEYS[2]) end",
      "if not v then return false end",
      "return {v, redis.call('LLEN', KEYS[1]), redis.call('LLEN', KEYS[2])}",
    ].join("\n"),
    call: (r) => ({ keys: [key(r), key(r)], args: [r.pick(["lmove", "rpoplpush"])] }),
  },
  {
    name: "reliable queue: acknowledge",
    body: "return redis.call('LREM', KEYS[1], 1, ARGV[1])",
    call: (r) => ({ keys: [key(r)], args: [word(r)] }),
  },
  {
    name: "hash-backed object",
    body: [
      "redis.call('HSET', KEYS[1], 'name', ARGV[1], 'age', ARGV[2])",
      "local flat = redis.call('HGETALL', KEYS[1])",
      "local o = {}",
      "for i = 1, #flat, 2 do o[flat[i]] = flat[i + 1] end",
      "return {o.name, tonumber(o.age) and tonumber(o.age) + 1 or -1, redis.call('HINCRBY', KEYS[1], 'visits', 1), redis.call('HEXISTS', KEYS[1], 'nope')}",
    ].join("\n"),
    call: (r) => ({ keys: [key(r)], args: [word(r), number(r)] }),
  },
  {
    name: "pcall: WRONGTYPE caught and rewrapped",
    body: [
      "local r = redis.pcall('INCR', KEYS[1])",
      "if type(r) == 'table' and r.err then return redis.error_reply('CAUGHT ' .. r.err) end",
      "return r",
    ].join("\n"),
    call: (r) => ({ keys: [key(r)], args: [] }),
  },
  {
    name: "pcall around redis.call: the error object",
    body: [
      "local ok, e = pcall(redis.call, 'LPUSH', KEYS[1], 'x')",
      "if ok then return {1, e} end",
      "return {0, type(e), type(e) == 'table' and e.err or e}",
    ].join("\n"),
    call: (r) => ({ keys: [key(r)], args: [] }),
  },
  {
    name: "error paths: raised errors, error_reply, status_reply",
    body: [
      "local mode = ARGV[1]",
      "if mode == 'call' then return redis.call('HGET', KEYS[1], 'f') end",
      "if mode == 'error' then error('boom ' .. KEYS[1]) end",
      "if mode == 'table' then error({err = 'MYCODE custom failure'}) end",
      "if mode == 'reply' then return redis.error_reply('NOPE not today') end",
      "if mode == 'bare' then return redis.error_reply('bare') end",
      "if mode == 'status' then return redis.status_reply('DONE') end",
      "if mode == 'arity' then return redis.call('GET') end",
      "if mode == 'unknown' then return redis.call('NOSUCHCOMMAND', KEYS[1]) end",
      "if mode == 'arg' then return redis.call('GET', {}) end",
      "if mode == 'nil' then return nosuchglobal end",
      "return {err = 'RAW ' .. mode}",
    ].join("\n"),
    call: (r) => ({ keys: [key(r)], args: [r.pick(["call", "error", "table", "reply", "bare", "status", "arity", "unknown", "arg", "nil", "other"])] }),
  },
  {
    name: "return conversions: numbers, booleans, nil holes, nesting",
    body: [
      "local n = tonumber(ARGV[1])",
      "local mode = ARGV[2]",
      "if mode == 'number' then return n end",
      "if mode == 'nested' then return {1, {2, {3, {'four'}}}, {}, {ok = 'S'}, n} end",
      "if mode == 'holes' then return {1, nil, 3} end",
      "if mode == 'bools' then return {true, false, n ~= nil} end",
      "if mode == 'float' then return {3.99, -3.99, 0.5, -0.5, 1e15, 2^53, 1e20 > 0} end",
      "if mode == 'status' then return {ok = 'fine'} end",
      "if mode == 'false' then return false end",
      "return {tostring(n), type(n), ARGV[1], #ARGV[1]}",
    ].join("\n"),
    call: (r) => ({ keys: [], args: [number(r), r.pick(["number", "nested", "holes", "bools", "float", "status", "false", "text"])] }),
  },
  {
    name: "numbers: tostring and tonumber of big ints and floats",
    body: [
      "local n = tonumber(ARGV[1])",
      "return {tostring(2^53), tostring(2^53 + 1), tostring(1e15), tostring(1e16), tostring(0.1), tostring(1/3), tostring(-1/0),",
      "  tostring(n), n and tostring(n * 2) or 'nil', n and math.floor(n) or 0, tostring(tonumber('0x1F')), tostring(2^31), 2^31, -(2^31) - 1,",
      "  tostring(1700000000000 + 1), 7 % 3, -7 % 3, tostring(7 / 2), tostring(math.huge), math.max(3, 9, 1), math.min(3, 9, 1),",
      "  2^53 + 2, 2^62, -(2^63), 2^63, 2^64, n or 0, n and n * 1e6 or 0}",
    ].join("\n"),
    call: (r) => ({ keys: [], args: [number(r)] }),
  },
  {
    name: "redis.sha1hex and string, table and math libraries",
    body: [
      "local s, n = ARGV[1], tonumber(ARGV[2])",
      "return {redis.sha1hex(s), string.format('%d|%s|%.2f|%5.1f|%x|%-4s|%05d|%q', n, s, n / 7, 3.14159, 255, 'ab', n, s),",
      "  string.upper(s), string.lower(s), #s, string.len(s), string.sub(s, 2, 4), string.rep('ab', 3, ','), string.reverse(s),",
      "  (string.gsub(s, '%a', '#')), string.find(s, 'l', 1, true) or -1, string.match(s, '%d+') or 'none', string.byte(s .. 'A', 1),",
      "  string.char(72, 105), table.concat({'a', 'b', s}, '-'), math.floor(n / 3), math.abs(-n), math.fmod(n, 7), select('#', 1, 2, 3)}",
    ].join("\n"),
    call: (r) => ({ keys: [], args: [word(r), int(r, -100_000, 100_000)] }),
  },
  {
    name: "string.format and tostring of quotients (ties, infinities, NaN)",
    body: [
      "local f = tonumber(ARGV[1]) / tonumber(ARGV[2])",
      "return {string.format('%.2f|%.1f|%.0f|%g|%.3g|%e|%10.4f|%d|%x|%5.1f|%c', f, f, f, f, f, f, f, f, f, f, 65 + f % 26),",
      "  tostring(f), f .. '', tostring(f * 1e10), tostring(f / 1e10)}",
    ].join("\n"),
    call: (r) => ({ keys: [], args: [int(r, -1000, 1000), r.pick(["1", "2", "4", "8", "16", "3", "7", "10", "100", "1000", "0.001", "0"])] }),
  },
  {
    name: "iterating replies: ZRANGE WITHSCORES and LRANGE",
    body: [
      "redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])",
      "local out = {}",
      "local z = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')",
      "for i = 1, #z, 2 do out[#out + 1] = z[i] .. '=' .. z[i + 1] end",
      "table.sort(out)",
      "return {#z, table.concat(out, ','), redis.call('ZSCORE', KEYS[1], ARGV[2])}",
    ].join("\n"),
    call: (r) => ({ keys: [key(r)], args: [r.pick(["1", "2.5", "-3", "1e3", "0.1"]), word(r)] }),
  },
];

/** Plain commands interleaved with the scripts, on the same keys. */
export function plainCommand(random: Random): string[] {
  const k = key(random);
  return random.pick<() => string[]>([
    () => ["GET", k],
    () => ["SET", k, random.pick(["1", "10", "x", "owner1", "owner2"])],
    () => ["DEL", k],
    () => ["INCR", k],
    () => ["TYPE", k],
    () => ["LPUSH", k, word(random)],
    () => ["LRANGE", k, "0", "-1"],
    () => ["HSET", k, "f", word(random)],
    () => ["ZADD", k, String(random.int(0, 10)), word(random)],
    () => ["EXISTS", k],
  ])();
}
