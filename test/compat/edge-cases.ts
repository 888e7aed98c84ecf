// Hand-picked command sequences at the edges Redis is particular about, replayed against both sides in order.
import type { StreamCommand } from "./stream-values";

const I64_MAX = "9223372036854775807";
const I64_MIN = "-9223372036854775808";

/** The integers from..to as members. */
function range(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
}

/** Each case starts from an empty keyspace. */
export const EDGE_CASES: Record<string, StreamCommand[]> = {
  "COPY keeps the source's encoding: a shrunk skiplist or hashtable stays one, where RESTORE makes it compact": [
    ["ZADD", "{c}z", ...range(1, 200).flatMap((n) => [String(n), `m${n}`])], ["ZREMRANGEBYRANK", "{c}z", "0", "196"],
    ["OBJECT", "ENCODING", "{c}z"], ["COPY", "{c}z", "{c}z2"], ["OBJECT", "ENCODING", "{c}z2"], ["ZRANGE", "{c}z2", "0", "-1", "WITHSCORES"],
    ["HSET", "{c}h", ...range(1, 600).flatMap((n) => [`f${n}`, "v"])], ["HDEL", "{c}h", ...range(3, 600).map((n) => `f${n}`)],
    ["OBJECT", "ENCODING", "{c}h"], ["COPY", "{c}h", "{c}h2"], ["OBJECT", "ENCODING", "{c}h2"], ["HGETALL", "{c}h2"],
    ["SADD", "{c}s", ...range(1, 600)], ["SREM", "{c}s", ...range(3, 600)], ["COPY", "{c}s", "{c}s2"], ["OBJECT", "ENCODING", "{c}s2"],
    ["ZADD", "{c}small", "1", "a"], ["COPY", "{c}small", "{c}small2"], ["OBJECT", "ENCODING", "{c}small2"],
  ],
  "INCRBYFLOAT formats like Redis's long double arithmetic": [
    ["SET", "f", "0.1"], ["INCRBYFLOAT", "f", "0.2"], ["INCRBYFLOAT", "f", "0.1"], ["GET", "f"],
    ["SET", "f", "10.50"], ["INCRBYFLOAT", "f", "0.1"], ["INCRBYFLOAT", "f", "-5.0e3"], ["INCRBYFLOAT", "f", "5.0e3"],
    ["SET", "f", "5.0e3"], ["INCRBYFLOAT", "f", "2.0e2"], ["INCRBYFLOAT", "f", "1e-10"], ["INCRBYFLOAT", "f", "1e20"],
    ["INCRBYFLOAT", "f", "1.7976931348623157e308"], ["INCRBYFLOAT", "f", "1.7976931348623157e308"],
    ["SET", "f", "3"], ["INCRBYFLOAT", "f", "-3"], ["GET", "f"], ["INCRBYFLOAT", "f", "-0.0"],
    ["INCRBYFLOAT", "g", "1.23456789012345678"], ["INCRBYFLOAT", "g", "100000000000000000000"], ["INCRBYFLOAT", "h", "0.000001"],
    ["INCRBYFLOAT", "h", "1e-300"], ["INCRBYFLOAT", "i", "123456789012345678901234567890"], ["INCRBYFLOAT", "j", "inf"],
    ["INCRBYFLOAT", "j", "nan"], ["INCRBYFLOAT", "j", "1e309"], ["SET", "k", "inf"], ["INCRBYFLOAT", "k", "1"],
    ["SET", "k", " 1"], ["INCRBYFLOAT", "k", "1"], ["SET", "k", "1"], ["INCRBYFLOAT", "k", " 1"], ["INCRBYFLOAT", "k", "0x10"],
    ["INCRBYFLOAT", "m", "2.5"], ["INCRBYFLOAT", "m", "-2.5"], ["GET", "m"], ["INCRBYFLOAT", "n", "3.0000000000000004"],
    ["INCRBYFLOAT", "x", "0x1p3"], ["INCRBYFLOAT", "x", "1.5e+3"], ["INCRBYFLOAT", "y", "1e-400"], ["INCRBYFLOAT", "y", "1e-5000"],
    ["INCRBYFLOAT", "z", "1e4932"], ["INCRBYFLOAT", "z", "1e4932"], ["INCRBYFLOAT", "w", "1e4933"], ["INCRBYFLOAT", "v", "infinity"],
    ["SET", "u", "1e400"], ["INCRBYFLOAT", "u", "1"], ["SET", "u", "0x10"], ["INCRBYFLOAT", "u", "0"], ["SET", "u", "1e-400"], ["INCRBYFLOAT", "u", "0"],
  ],
  "64-bit integer limits": [
    ["SET", "n", I64_MAX], ["INCR", "n"], ["GET", "n"], ["INCRBY", "n", "0"], ["DECRBY", "n", "-1"],
    ["SET", "n", I64_MIN], ["DECR", "n"], ["DECRBY", "n", "1"], ["INCRBY", "n", I64_MIN], ["DECRBY", "n", I64_MIN],
    ["SET", "n", "0"], ["DECRBY", "n", I64_MIN], ["INCRBY", "n", I64_MAX], ["INCRBY", "n", "9223372036854775808"],
    ["SET", "n", "-0"], ["INCR", "n"], ["SET", "n", "00"], ["INCR", "n"], ["SET", "n", "+5"], ["INCR", "n"],
    ["SET", "n", "9223372036854775808"], ["INCR", "n"], ["SET", "n", ""], ["INCR", "n"], ["SET", "n", "1.0"], ["INCR", "n"],
    ["INCRBY", "fresh", I64_MIN], ["INCRBY", "fresh", "-1"], ["APPEND", "x", "12"], ["INCR", "x"], ["GET", "x"],
  ],
  "GETRANGE and SETRANGE bounds": [
    ["SET", "s", "Hello World"], ["GETRANGE", "s", "0", "-1"], ["GETRANGE", "s", "-3", "-1"], ["GETRANGE", "s", "5", "2"],
    ["GETRANGE", "s", "-100", "100"], ["GETRANGE", "s", "100", "200"], ["GETRANGE", "s", I64_MIN, I64_MAX],
    ["GETRANGE", "s", "-1", "-100"], ["GETRANGE", "s", "0", "0"], ["GETRANGE", "missing", "0", "-1"], ["GETRANGE", "s", "0", "1.5"],
    ["SETRANGE", "s", "6", "Redis"], ["GET", "s"], ["SETRANGE", "s", "20", "!"], ["GET", "s"], ["SETRANGE", "new", "3", "\x00x"],
    ["GET", "new"], ["SETRANGE", "empty", "5", ""], ["EXISTS", "empty"], ["SETRANGE", "s", "-1", "x"], ["SETRANGE", "s", "536870912", "x"],
    ["SETRANGE", "s", "536870911", ""], ["SETRANGE", "s", I64_MAX, "x"], ["SETRANGE", "s", I64_MAX, ""], ["SET", "e", ""],
    ["GETRANGE", "e", "0", "-1"], ["GETRANGE", "e", "-1", "0"], ["STRLEN", "e"], ["EXISTS", "e"],
  ],
  "SET option combinations": [
    ["SET", "k", "v", "NX", "XX"], ["SET", "k", "v", "EX", "10", "PX", "100"], ["SET", "k", "v", "KEEPTTL", "EX", "10"],
    ["SET", "k", "v", "EX", "0"], ["SET", "k", "v", "EX", "-1"], ["SET", "k", "v", "PX", "0"], ["SET", "k", "v", "EXAT", "0"],
    ["SET", "k", "v", "EX", "9223372036854775"], ["SET", "k", "v", "EX", "9223372036854776"], ["SET", "k", "v", "PX", I64_MAX],
    ["SET", "k", "v", "EX"], ["SET", "k", "v", "GET", "NX"], ["GET", "k"], ["SET", "k", "v2", "GET", "XX"], ["SET", "k", "v3", "NX", "GET"],
    ["SET", "k", "v4", "ex", "100", "get"], ["TTL", "k"], ["SET", "k", "v5", "KEEPTTL"], ["TTL", "k"], ["SET", "k", "v6"], ["TTL", "k"],
    ["SET", "k", "v", "BOGUS"], ["SET", "k", "v", "EX", "1.5"], ["SET", "k", "v", "EX", "10", "EX", "10"], ["SET", "k", "v", "NX", "NX"],
    ["SET", "k", "v", "PXAT", "1"], ["EXISTS", "k"], ["GET", "k"], ["SET", "k", "v", "XX", "GET"],
  ],
  "expiry flags and overflow": [
    ["SET", "e", "v"], ["EXPIRE", "e", "100", "XX"], ["TTL", "e"], ["EXPIRE", "e", "50", "GT"], ["EXPIRE", "e", "200", "GT"],
    ["EXPIRE", "e", "300", "LT"], ["EXPIRE", "e", "100", "LT"], ["TTL", "e"], ["EXPIRE", "e", "10", "NX"], ["PERSIST", "e"],
    ["EXPIRE", "e", "100", "GT"], ["EXPIRE", "e", "100", "LT"], ["TTL", "e"], ["EXPIRE", "e", "100", "NX", "XX"],
    ["EXPIRE", "e", "100", "GT", "LT"], ["EXPIRE", "e", "100", "NX", "GT"], ["EXPIRE", "e", I64_MAX], ["EXPIRE", "e", "9223372036854775"],
    ["PEXPIRE", "e", I64_MAX], ["PEXPIREAT", "e", I64_MAX], ["EXPIREAT", "e", I64_MAX], ["EXPIRE", "e", I64_MIN], ["TTL", "e"],
    ["SET", "e", "v"], ["EXPIRE", "e", "-9223372036854775"], ["EXISTS", "e"], ["SET", "e", "v"], ["EXPIREAT", "e", "1"], ["EXISTS", "e"],
    ["SET", "e", "v"], ["PEXPIRE", "e", "0"], ["EXISTS", "e"], ["EXPIRE", "missing", "100"], ["TTL", "missing"], ["PERSIST", "missing"],
    ["SET", "e", "v"], ["EXPIRETIME", "e"], ["PEXPIRETIME", "e"], ["EXPIRETIME", "missing"], ["EXPIRE", "e", "abc"], ["EXPIRE", "e", "100", "BOGUS"],
  ],
  "GETEX, GETDEL, GETSET, SETNX, MSETNX": [
    ["GETEX", "g"], ["SET", "g", "v"], ["GETEX", "g", "EX", "100"], ["TTL", "g"], ["GETEX", "g", "PERSIST"], ["TTL", "g"],
    ["GETEX", "g", "EX", "0"], ["GETEX", "g", "PX", "-1"], ["GETEX", "g", "EX", "100", "PX", "100"], ["GETEX", "g", "PERSIST", "EX", "1"],
    ["GETEX", "g", "EXAT", "1"], ["EXISTS", "g"], ["GETDEL", "g"], ["SET", "g", "v"], ["GETDEL", "g"], ["GETDEL", "g"],
    ["GETSET", "g", "a"], ["GETSET", "g", "b"], ["SETNX", "g", "c"], ["SETNX", "h", "c"], ["MSETNX", "{m}a", "1", "{m}b", "2"],
    ["MSETNX", "{m}a", "1", "{m}c", "2"], ["MGET", "{m}a", "{m}b", "{m}c"], ["MSETNX", "{m}a", "1", "{m}a", "2"], ["MSETNX", "{m}x", "1", "{m}x", "2"],
    ["GET", "{m}x"], ["SETEX", "g", "0", "v"], ["SETEX", "g", "-5", "v"], ["PSETEX", "g", "0", "v"], ["SETEX", "g", "abc", "v"],
  ],
  "RENAME and RENAMENX within one slot": [
    ["RENAME", "{r}a", "{r}b"], ["SET", "{r}a", "1"], ["EXPIRE", "{r}a", "100"], ["RENAME", "{r}a", "{r}b"], ["TTL", "{r}b"],
    ["EXISTS", "{r}a"], ["RENAME", "{r}b", "{r}b"], ["RENAMENX", "{r}b", "{r}b"], ["SET", "{r}c", "2"], ["RENAMENX", "{r}b", "{r}c"],
    ["RENAMENX", "{r}b", "{r}d"], ["MGET", "{r}b", "{r}c", "{r}d"], ["RENAME", "{r}missing", "{r}missing"],
  ],
  "binary keys and values": [
    ["SET", "\x00", "\x00\xff"], ["GET", "\x00"], ["SET", "", ""], ["GET", ""], ["STRLEN", ""], ["APPEND", "", "\xff"], ["GET", ""],
    ["SET", "\r\n", "\r\n"], ["GET", "\r\n"], ["KEYS", "\x00"], ["KEYS", "?"], ["KEYS", "\\\x00"], ["EXISTS", "\x00", "", "\r\n"],
    ["SET", "*", "star"], ["KEYS", "\\*"], ["KEYS", "[\\*]"], ["KEYS", "[*]"], ["SET", "[", "bracket"], ["KEYS", "["], ["KEYS", "\\["],
    ["KEYS", "[[]"], ["KEYS", "[^a-z]"], ["KEYS", "[z-a]"], ["KEYS", "*\\"], ["TYPE", "\x00"], ["DEL", "\x00", "", "\r\n", "*", "["],
  ],
  // Redis 7.0 picks SDIFF's algorithm by work (|first| * sets / 2, floored, against the sets' total; missing keys
  // count nothing); algorithm 2 copies the first set, so a 513th or non-integer member leaves a hash table.
  "SDIFFSTORE encodings from Redis's two difference algorithms": [
    ["SADD", "{d}y", ...range(0, 519)], ["SADD", "{d}a", ...range(0, 19)], ["SDIFFSTORE", "{d}a", "{d}y", "{d}a", "{d}a"],
    ["OBJECT", "ENCODING", "{d}a"], ["SCARD", "{d}a"], ["DEL", "{d}a"], ["SADD", "{d}a", ...range(0, 19)],
    ["SDIFFSTORE", "{d}o", "{d}y", "{d}a"], ["OBJECT", "ENCODING", "{d}o"], ["SADD", "{d}x", "1", "2", "3", "4", "5", "foo"],
    ["SADD", "{d}f", "foo"], ["SADD", "{d}g", "foo"], ["SDIFFSTORE", "{d}o", "{d}x", "{d}f", "{d}g"], ["OBJECT", "ENCODING", "{d}o"],
    ["SDIFFSTORE", "{d}o", "{d}x", "{d}f", "{d}none", "{d}none"], ["OBJECT", "ENCODING", "{d}o"], ["SREM", "{d}x", "5"],
    ["SDIFFSTORE", "{d}o", "{d}x", "{d}f", "{d}g"], ["OBJECT", "ENCODING", "{d}o"], ["SADD", "{d}h", "foo", "1", "2", "3", "4", "5"],
    ["SREM", "{d}h", "foo"], ["SADD", "{d}k", "9"], ["SADD", "{d}l", "9"], ["SADD", "{d}m", "9"],
    ["SDIFFSTORE", "{d}o", "{d}h", "{d}k", "{d}l", "{d}m"], ["OBJECT", "ENCODING", "{d}o"], ["SMEMBERS", "{d}o"],
  ],
  "PING, ECHO and unknown commands": [
    ["PING"], ["PING", "hi"], ["PING", "a", "b"], ["ECHO", ""], ["ECHO", "\x00\xff"], ["ECHO"], ["NOSUCH"], ["NOSUCH", "a", "b"],
    ["get"], ["GET", "a", "b"], ["set", "a"], ["MGET"], ["DEL"], ["KEYS"], ["SCAN"], ["DBSIZE", "x"],
  ],
};
