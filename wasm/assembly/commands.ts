// The core's command table: names, Redis arities, and dispatch (lookup by the packed lowercase name).
import { cmdCheckpoint, cmdRestore } from "./checkpoint";
import {
  cmdExpire, cmdExpireat, cmdExpiretime, cmdPersist, cmdPexpire, cmdPexpireat, cmdPexpiretime, cmdPttl, cmdSweep, cmdTtl,
} from "./expire";
import {
  cmdHdel, cmdHexists, cmdHget, cmdHgetall, cmdHincrby, cmdHincrbyfloat, cmdHkeys, cmdHlen, cmdHmget, cmdHmset, cmdHrandfield,
  cmdHscan, cmdHset, cmdHsetnx, cmdHstrlen, cmdHvals,
} from "./hash";
import { cmdIncrbyfloat } from "./incrbyfloat";
import {
  cmdDbsize, cmdDel, cmdExists, cmdFlushall, cmdKeys, cmdRandomkey, cmdRename, cmdRenamenx, cmdScan, cmdTouch, cmdType, cmdUnlink,
} from "./keys";
import { ERR_UNKNOWN_ARGS, ERR_UNKNOWN_PREFIX } from "./errors";
import { advance, ascii, cStringLen, crlf, REPLY, replyArityError, reserve, sanitized } from "./out";
import { argc, argLen, argPtr } from "./request";
import { cmdCluster, cmdEcho, cmdInfo, cmdPing, cmdTime } from "./server";
import { cmdDecr, cmdDecrby, cmdIncr, cmdIncrby } from "./counters";
import { cmdAppend, cmdGetrange, cmdSetrange, cmdStrlen } from "./ranges";
import {
  cmdGet, cmdGetdel, cmdGetex, cmdGetset, cmdMget, cmdMset, cmdMsetnx, cmdPsetex, cmdSet, cmdSetex, cmdSetnx,
} from "./strings";

/** Commands in id order: lowercase name (Redis's fullname, used in arity errors) and arity. */
const NAMES: string[] = [
  "get", "set", "setnx", "setex", "psetex", "getset", "getdel", "getex", "mget", "mset",
  "msetnx", "append", "strlen", "incr", "decr", "incrby", "decrby", "incrbyfloat", "getrange", "setrange",
  "del", "unlink", "exists", "type", "expire", "pexpire", "expireat", "pexpireat", "ttl", "pttl",
  "expiretime", "pexpiretime", "persist", "rename", "renamenx", "touch", "keys", "scan", "randomkey", "dbsize",
  "flushdb", "flushall", "ping", "echo", "time", "info", "cluster",
  "hset", "hsetnx", "hget", "hmget", "hmset", "hdel", "hexists", "hlen", "hkeys", "hvals",
  "hgetall", "hincrby", "hincrbyfloat", "hstrlen", "hrandfield", "hscan",
  "__restore", "__checkpoint", "__sweep",
];
const ARITY: i32[] = [
  2, -3, 3, 4, 4, 3, 2, -2, -2, -3,
  -3, 3, 2, 2, 2, 3, 3, 3, 4, 4,
  -2, -2, -2, 2, -3, -3, -3, -3, 2, 2,
  2, 2, 2, 3, 3, -2, 2, -2, 1, 1,
  -1, -1, -1, 2, 1, -1, -2,
  -4, 4, 3, -3, -4, -3, 3, 2, 2, 2,
  2, 4, 4, 3, -2, -3,
  3, 2, 2,
];
/** Ids from here on are internal: only reachable with FLAG_INTERNAL. */
const FIRST_INTERNAL = 63;

// Lookup table: 256 slots of [u64 lo][u64 hi][i32 id + 1][i32 arity].
const LOOKUP = memory.data(256 * 24);
let lookupReady = false;
let packLo: u64 = 0;
let packHi: u64 = 0;

/** Packs up to 16 lowercased bytes into packLo/packHi; false if longer. */
function pack(p: usize, len: u32): bool {
  if (len > 16) return false;
  packLo = 0;
  packHi = 0;
  for (let i: u32 = 0; i < len; i++) {
    let c = <u64>load<u8>(p + i);
    if (c >= 0x41 && c <= 0x5a) c += 32;
    if (i < 8) packLo |= c << (<u64>i << 3);
    else packHi |= c << (<u64>(i - 8) << 3);
  }
  return true;
}

// @ts-ignore: decorator
@inline function bucketOf(lo: u64, hi: u64): u32 {
  return <u32>(((lo ^ (hi * 0x9e3779b97f4a7c15)) * 0xff51afd7ed558ccd) >> 56);
}

function buildLookup(): void {
  const tmp = memory.data(16);
  for (let id = 0; id < NAMES.length; id++) {
    const name = NAMES[id];
    for (let i = 0; i < name.length; i++) store<u8>(tmp + i, <u8>name.charCodeAt(i));
    pack(tmp, name.length);
    let b = bucketOf(packLo, packHi);
    while (load<i32>(LOOKUP + b * 24, 16) != 0) b = (b + 1) & 255;
    const s = LOOKUP + b * 24;
    store<u64>(s, packLo);
    store<u64>(s, packHi, 8);
    store<i32>(s, id + 1, 16);
    store<i32>(s, ARITY[id], 20);
  }
  lookupReady = true;
}

let foundArity: i32 = 0;

function findCommand(p: usize, len: u32): i32 {
  if (!lookupReady) buildLookup();
  if (len == 0 || !pack(p, len)) return -1;
  let b = bucketOf(packLo, packHi);
  while (true) {
    const s = LOOKUP + b * 24;
    const id = load<i32>(s, 16);
    if (id == 0) return -1;
    if (load<u64>(s) == packLo && load<u64>(s, 8) == packHi) {
      foundArity = load<i32>(s, 20);
      return id - 1;
    }
    b = (b + 1) & 255;
  }
}

/** Redis's unknown-command text: the name and the first arguments, capped at 128 bytes, CR/LF as spaces. */
function replyUnknown(): void {
  const d = reserve(REPLY, 1);
  store<u8>(d, 0x2d);
  advance(REPLY, 1);
  ascii(REPLY, ERR_UNKNOWN_PREFIX);
  // Redis formats these with printf's %s, which stops at a NUL byte.
  sanitized(REPLY, argPtr(0), cStringLen(argPtr(0), argLen(0), 128));
  ascii(REPLY, ERR_UNKNOWN_ARGS);
  let used: u32 = 0;
  for (let i = 1; i < argc && used < 128; i++) {
    const n = cStringLen(argPtr(i), argLen(i), 128 - used);
    ascii(REPLY, "'");
    sanitized(REPLY, argPtr(i), n);
    ascii(REPLY, "' ");
    used += n + 3;
  }
  crlf(REPLY);
}

/** Executes the parsed command (argv) and writes exactly one reply. */
export function dispatch(internal: bool): void {
  let id: i32;
  const name = argPtr(0);
  // GET and SET skip the table: one masked 4-byte load (the 4th byte is the bulk's '\r').
  const word = argLen(0) == 3 ? load<u32>(name) & 0x00dfdfdf : 0;
  if (word == 0x00544547) {
    id = 0;
    foundArity = 2;
  } else if (word == 0x00544553) {
    id = 1;
    foundArity = -3;
  } else id = findCommand(name, argLen(0));
  if (id < 0 || (id >= FIRST_INTERNAL && !internal)) {
    replyUnknown();
    return;
  }
  if (foundArity > 0 ? argc != foundArity : argc < -foundArity) {
    replyArityError(NAMES[id]);
    return;
  }
  switch (id) {
    case 0: cmdGet(); break;
    case 1: cmdSet(); break;
    case 2: cmdSetnx(); break;
    case 3: cmdSetex(); break;
    case 4: cmdPsetex(); break;
    case 5: cmdGetset(); break;
    case 6: cmdGetdel(); break;
    case 7: cmdGetex(); break;
    case 8: cmdMget(); break;
    case 9: cmdMset(); break;
    case 10: cmdMsetnx(); break;
    case 11: cmdAppend(); break;
    case 12: cmdStrlen(); break;
    case 13: cmdIncr(); break;
    case 14: cmdDecr(); break;
    case 15: cmdIncrby(); break;
    case 16: cmdDecrby(); break;
    case 17: cmdIncrbyfloat(); break;
    case 18: cmdGetrange(); break;
    case 19: cmdSetrange(); break;
    case 20: cmdDel(); break;
    case 21: cmdUnlink(); break;
    case 22: cmdExists(); break;
    case 23: cmdType(); break;
    case 24: cmdExpire(); break;
    case 25: cmdPexpire(); break;
    case 26: cmdExpireat(); break;
    case 27: cmdPexpireat(); break;
    case 28: cmdTtl(); break;
    case 29: cmdPttl(); break;
    case 30: cmdExpiretime(); break;
    case 31: cmdPexpiretime(); break;
    case 32: cmdPersist(); break;
    case 33: cmdRename(); break;
    case 34: cmdRenamenx(); break;
    case 35: cmdTouch(); break;
    case 36: cmdKeys(); break;
    case 37: cmdScan(); break;
    case 38: cmdRandomkey(); break;
    case 39: cmdDbsize(); break;
    case 40: cmdFlushall(); break;
    case 41: cmdFlushall(); break;
    case 42: cmdPing(); break;
    case 43: cmdEcho(); break;
    case 44: cmdTime(); break;
    case 45: cmdInfo(); break;
    case 46: cmdCluster(); break;
    case 47: cmdHset(); break;
    case 48: cmdHsetnx(); break;
    case 49: cmdHget(); break;
    case 50: cmdHmget(); break;
    case 51: cmdHmset(); break;
    case 52: cmdHdel(); break;
    case 53: cmdHexists(); break;
    case 54: cmdHlen(); break;
    case 55: cmdHkeys(); break;
    case 56: cmdHvals(); break;
    case 57: cmdHgetall(); break;
    case 58: cmdHincrby(); break;
    case 59: cmdHincrbyfloat(); break;
    case 60: cmdHstrlen(); break;
    case 61: cmdHrandfield(); break;
    case 62: cmdHscan(); break;
    case 63: cmdRestore(); break;
    case 64: cmdCheckpoint(); break;
    case 65: cmdSweep(); break;
    default: unreachable();
  }
}
