// The core's command table: names, Redis arities, and dispatch (lookup by the packed lowercase name).
import { cmdCheckpoint, cmdRestoreRow } from "./checkpoint";
import { cmdCopy, cmdDump, cmdRestore } from "./dump";
import { cmdBitfield, cmdBitfieldRo } from "./bitfield";
import { cmdBitcount, cmdBitop, cmdBitpos, cmdGetbit, cmdSetbit } from "./bitmap";
import { Command } from "./command";
import { cmdObject } from "./objects";
import {
  cmdExpire, cmdExpireat, cmdExpiretime, cmdPersist, cmdPexpire, cmdPexpireat, cmdPexpiretime, cmdPttl, cmdSweep, cmdTtl,
} from "./expire";
import {
  cmdHdel, cmdHexists, cmdHget, cmdHgetall, cmdHincrby, cmdHincrbyfloat, cmdHkeys, cmdHlen, cmdHmget, cmdHmset, cmdHrandfield,
  cmdHscan, cmdHset, cmdHsetnx, cmdHstrlen, cmdHvals,
} from "./hash";
import { cmdPfadd, cmdPfcount, cmdPfmerge } from "./hyperloglog";
import { cmdIncrbyfloat } from "./incrbyfloat";
import {
  cmdLindex, cmdLinsert, cmdLlen, cmdLpop, cmdLpos, cmdLpush, cmdLpushx, cmdLrange, cmdLrem, cmdLset, cmdLtrim, cmdRpop, cmdRpush,
  cmdRpushx,
} from "./list";
import { cmdLmove, cmdLmpop, cmdRpoplpush } from "./list-moves";
import {
  cmdZadd, cmdZcard, cmdZincrby, cmdZmscore, cmdZpopmax, cmdZpopmin, cmdZrank, cmdZrem, cmdZrevrank, cmdZscore,
} from "./zset-commands";
import { cmdZrandmember, cmdZscan } from "./zset-scan";
import {
  cmdZcount, cmdZlexcount, cmdZrange, cmdZrangebylex, cmdZrangebyscore, cmdZrangestore, cmdZremrangebylex, cmdZremrangebyrank,
  cmdZremrangebyscore, cmdZrevrange, cmdZrevrangebylex, cmdZrevrangebyscore,
} from "./zset-range";
import {
  cmdZdiff, cmdZdiffstore, cmdZinter, cmdZintercard, cmdZinterstore, cmdZmpop, cmdZunion, cmdZunionstore,
} from "./zset-ops";
import {
  cmdSdiff, cmdSdiffstore, cmdSinter, cmdSintercard, cmdSinterstore, cmdSmove, cmdSunion, cmdSunionstore,
} from "./setalgebra";
import {
  cmdSadd, cmdScard, cmdSismember, cmdSmembers, cmdSmismember, cmdSpop, cmdSrandmember, cmdSrem, cmdSscan,
} from "./setcommands";
import {
  cmdDbsize, cmdDel, cmdExists, cmdFlushall, cmdKeys, cmdRandomkey, cmdRename, cmdRenamenx, cmdScan, cmdTouch, cmdType, cmdUnlink,
} from "./keys";
import { ERR_OOM, ERR_UNKNOWN_ARGS, ERR_UNKNOWN_PREFIX } from "./errors";
import { evictionPolicy, evictOne, NOEVICTION } from "./evict";
import { advance, ascii, cStringLen, crlf, outLen, outPtr, REPLY, replyArityError, reserve, sanitized, truncate } from "./out";
import { argc, argLen, argPtr } from "./request";
import { cmdCluster, cmdEcho, cmdInfo, cmdPing, cmdTime } from "./server";
import { cmdDecr, cmdDecrby, cmdIncr, cmdIncrby } from "./counters";
import { cmdAppend, cmdGetrange, cmdSetrange, cmdStrlen } from "./ranges";
import {
  cmdGet, cmdGetdel, cmdGetex, cmdGetset, cmdMget, cmdMset, cmdMsetnx, cmdPsetex, cmdSet, cmdSetex, cmdSetnx,
} from "./strings";

/** Commands every build has; each collection family declares its own list in its file. */
const STRINGS: Command[] = [
  new Command("get", 2, cmdGet), new Command("set", -3, cmdSet), new Command("setnx", 3, cmdSetnx),
  new Command("setex", 4, cmdSetex), new Command("psetex", 4, cmdPsetex), new Command("getset", 3, cmdGetset),
  new Command("getdel", 2, cmdGetdel), new Command("getex", -2, cmdGetex), new Command("mget", -2, cmdMget),
  new Command("mset", -3, cmdMset), new Command("msetnx", -3, cmdMsetnx), new Command("append", 3, cmdAppend),
  new Command("strlen", 2, cmdStrlen), new Command("incr", 2, cmdIncr), new Command("decr", 2, cmdDecr),
  new Command("incrby", 3, cmdIncrby), new Command("decrby", 3, cmdDecrby), new Command("incrbyfloat", 3, cmdIncrbyfloat),
  new Command("getrange", 4, cmdGetrange), new Command("setrange", 4, cmdSetrange),
];
const KEYSPACE_COMMANDS: Command[] = [
  new Command("del", -2, cmdDel), new Command("unlink", -2, cmdUnlink), new Command("exists", -2, cmdExists),
  new Command("type", 2, cmdType), new Command("expire", -3, cmdExpire), new Command("pexpire", -3, cmdPexpire),
  new Command("expireat", -3, cmdExpireat), new Command("pexpireat", -3, cmdPexpireat), new Command("ttl", 2, cmdTtl),
  new Command("pttl", 2, cmdPttl), new Command("expiretime", 2, cmdExpiretime), new Command("pexpiretime", 2, cmdPexpiretime),
  new Command("persist", 2, cmdPersist), new Command("rename", 3, cmdRename), new Command("renamenx", 3, cmdRenamenx),
  new Command("touch", -2, cmdTouch), new Command("keys", 2, cmdKeys), new Command("scan", -2, cmdScan),
  new Command("randomkey", 1, cmdRandomkey), new Command("dbsize", 1, cmdDbsize), new Command("flushdb", -1, cmdFlushall),
  new Command("flushall", -1, cmdFlushall), new Command("object", -2, cmdObject),
  new Command("dump", 2, cmdDump), new Command("restore", -4, cmdRestore), new Command("copy", -3, cmdCopy),
];
const SERVER: Command[] = [
  new Command("ping", -1, cmdPing), new Command("echo", 2, cmdEcho), new Command("time", 1, cmdTime),
  new Command("info", -1, cmdInfo), new Command("cluster", -2, cmdCluster),
];
// Family tables live here, not in their modules: db.ts and the family modules import each other, and a
// top-level table of function references inside that cycle would compile before db.ts's globals exist.
const HASHES: Command[] = [
  new Command("hset", -4, cmdHset), new Command("hsetnx", 4, cmdHsetnx), new Command("hget", 3, cmdHget),
  new Command("hmget", -3, cmdHmget), new Command("hmset", -4, cmdHmset), new Command("hdel", -3, cmdHdel),
  new Command("hexists", 3, cmdHexists), new Command("hlen", 2, cmdHlen), new Command("hkeys", 2, cmdHkeys),
  new Command("hvals", 2, cmdHvals), new Command("hgetall", 2, cmdHgetall), new Command("hincrby", 4, cmdHincrby),
  new Command("hincrbyfloat", 4, cmdHincrbyfloat), new Command("hstrlen", 3, cmdHstrlen),
  new Command("hrandfield", -2, cmdHrandfield), new Command("hscan", -3, cmdHscan),
];
const LISTS: Command[] = [
  new Command("lpush", -3, cmdLpush), new Command("rpush", -3, cmdRpush), new Command("lpushx", -3, cmdLpushx),
  new Command("rpushx", -3, cmdRpushx), new Command("lpop", -2, cmdLpop), new Command("rpop", -2, cmdRpop),
  new Command("llen", 2, cmdLlen), new Command("lrange", 4, cmdLrange), new Command("lindex", 3, cmdLindex),
  new Command("lset", 4, cmdLset), new Command("linsert", 5, cmdLinsert), new Command("lrem", 4, cmdLrem),
  new Command("ltrim", 4, cmdLtrim), new Command("lpos", -3, cmdLpos), new Command("lmove", 5, cmdLmove),
  new Command("rpoplpush", 3, cmdRpoplpush), new Command("lmpop", -4, cmdLmpop),
];
const SORTED_SETS: Command[] = [
  new Command("zadd", -4, cmdZadd), new Command("zincrby", 4, cmdZincrby), new Command("zrem", -3, cmdZrem),
  new Command("zcard", 2, cmdZcard), new Command("zscore", 3, cmdZscore), new Command("zmscore", -3, cmdZmscore),
  new Command("zrank", 3, cmdZrank), new Command("zrevrank", 3, cmdZrevrank), new Command("zpopmin", -2, cmdZpopmin),
  new Command("zpopmax", -2, cmdZpopmax), new Command("zrandmember", -2, cmdZrandmember), new Command("zscan", -3, cmdZscan),
  new Command("zcount", 4, cmdZcount), new Command("zlexcount", 4, cmdZlexcount), new Command("zrange", -4, cmdZrange),
  new Command("zrangestore", -5, cmdZrangestore), new Command("zrevrange", -4, cmdZrevrange),
  new Command("zrangebyscore", -4, cmdZrangebyscore), new Command("zrevrangebyscore", -4, cmdZrevrangebyscore),
  new Command("zrangebylex", -4, cmdZrangebylex), new Command("zrevrangebylex", -4, cmdZrevrangebylex),
  new Command("zremrangebyrank", 4, cmdZremrangebyrank), new Command("zremrangebyscore", 4, cmdZremrangebyscore),
  new Command("zremrangebylex", 4, cmdZremrangebylex), new Command("zunion", -3, cmdZunion),
  new Command("zinter", -3, cmdZinter), new Command("zdiff", -3, cmdZdiff), new Command("zunionstore", -4, cmdZunionstore),
  new Command("zinterstore", -4, cmdZinterstore), new Command("zdiffstore", -4, cmdZdiffstore),
  new Command("zintercard", -3, cmdZintercard), new Command("zmpop", -4, cmdZmpop),
];
const SETS: Command[] = [
  new Command("sadd", -3, cmdSadd), new Command("srem", -3, cmdSrem), new Command("smembers", 2, cmdSmembers),
  new Command("sismember", 3, cmdSismember), new Command("smismember", -3, cmdSmismember), new Command("scard", 2, cmdScard),
  new Command("spop", -2, cmdSpop), new Command("srandmember", -2, cmdSrandmember), new Command("smove", 4, cmdSmove),
  new Command("sinter", -2, cmdSinter), new Command("sintercard", -3, cmdSintercard),
  new Command("sinterstore", -3, cmdSinterstore), new Command("sunion", -2, cmdSunion),
  new Command("sunionstore", -3, cmdSunionstore), new Command("sdiff", -2, cmdSdiff),
  new Command("sdiffstore", -3, cmdSdiffstore), new Command("sscan", -3, cmdSscan),
];
const BITMAPS: Command[] = [
  new Command("setbit", 4, cmdSetbit), new Command("getbit", 3, cmdGetbit), new Command("bitcount", -2, cmdBitcount),
  new Command("bitpos", -3, cmdBitpos), new Command("bitop", -4, cmdBitop), new Command("bitfield", -2, cmdBitfield),
  new Command("bitfield_ro", -2, cmdBitfieldRo),
];
const HYPERLOGLOGS: Command[] = [
  new Command("pfadd", -2, cmdPfadd), new Command("pfcount", -2, cmdPfcount), new Command("pfmerge", -2, cmdPfmerge),
];
/** Reachable only with FLAG_INTERNAL: their names start with "__". */
const INTERNAL: Command[] = [
  new Command("__restore", 3, cmdRestoreRow), new Command("__checkpoint", 2, cmdCheckpoint), new Command("__sweep", 2, cmdSweep),
];
const FAMILIES: Command[][] = [STRINGS, KEYSPACE_COMMANDS, SERVER, BITMAPS, HYPERLOGLOGS, HASHES, LISTS, SETS, SORTED_SETS, INTERNAL];

/**
 * Every command, indexed by the lookup table. Built at start-up: the stub runtime's allocator must
 * not run once the core's heap has taken over the memory above it.
 */
const ALL: Command[] = FAMILIES.flat();

// Lookup table: 512 slots of [u64 lo][u64 hi][i32 id + 1][i32 arity], under half full.
const LOOKUP_SLOTS: u32 = 512;
const LOOKUP = memory.data(LOOKUP_SLOTS * 24);
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
  return <u32>(((lo ^ (hi * 0x9e3779b97f4a7c15)) * 0xff51afd7ed558ccd) >> 55);
}

function buildLookup(): void {
  const tmp = memory.data(16);
  for (let id = 0; id < ALL.length; id++) {
    const name = ALL[id].name;
    // Names longer than 16 bytes would not pack; a duplicate would shadow: both are build mistakes.
    if (name.length > 16) unreachable();
    for (let i = 0; i < name.length; i++) store<u8>(tmp + i, <u8>name.charCodeAt(i));
    pack(tmp, name.length);
    let b = bucketOf(packLo, packHi);
    while (load<i32>(LOOKUP + b * 24, 16) != 0) {
      if (load<u64>(LOOKUP + b * 24) == packLo && load<u64>(LOOKUP + b * 24, 8) == packHi) unreachable();
      b = (b + 1) & (LOOKUP_SLOTS - 1);
    }
    const s = LOOKUP + b * 24;
    store<u64>(s, packLo);
    store<u64>(s, packHi, 8);
    store<i32>(s, id + 1, 16);
    store<i32>(s, ALL[id].arity, 20);
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
    b = (b + 1) & (LOOKUP_SLOTS - 1);
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
  const name = argPtr(0);
  // GET and SET skip the table: one masked 4-byte load (the 4th byte is the bulk's '\r').
  const word = argLen(0) == 3 ? load<u32>(name) & 0x00dfdfdf : 0;
  if (word == 0x00544547) {
    if (argc != 2) replyArityError("get");
    else cmdGet();
    return;
  }
  if (word == 0x00544553) {
    if (argc < 3) replyArityError("set");
    else {
      const mark = outLen(REPLY);
      cmdSet(); // called directly: the hot path pays one load and a compare for eviction
      if (evictionPolicy != NOEVICTION && !internal) retryEvicting(cmdSet, mark);
    }
    return;
  }
  const id = findCommand(name, argLen(0));
  // Internal names start with "__" (0x5f5f): reachable only from internal batches.
  if (id < 0 || (!internal && argLen(0) > 2 && load<u16>(name) == 0x5f5f)) {
    replyUnknown();
    return;
  }
  const command = ALL[id];
  if (foundArity > 0 ? argc != foundArity : argc < -foundArity) {
    replyArityError(command.name);
    return;
  }
  const mark = outLen(REPLY);
  command.run();
  if (evictionPolicy != NOEVICTION && !internal) retryEvicting(command.run, mark);
}

/** Whether the reply written since `mark` is exactly the OOM error. */
function answeredOom(mark: u32): bool {
  const len = outLen(REPLY) - mark;
  if (len != <u32>ERR_OOM.length + 3) return false;
  const p = outPtr(REPLY) + mark;
  // "-OOM " then the fixed text: its first bytes tell it from every other error.
  return load<u8>(p) == 0x2d && load<u32>(p + 1) == 0x204d4f4f;
}

/**
 * Under an eviction policy, after a command ran (its reply starts at `mark`): while it answered OOM, drops
 * that reply, evicts one key (logged as DEL) and runs it again. A write that answers OOM has changed nothing
 * (only lazy-expiry DELs may have been logged, and those stand), so the retry sees the keyspace as Redis would
 * after evicting before the command, and no key is evicted while a command is half done. Internal batches
 * (replay, restore, sweep) never evict: the effects they carry already hold the DELs.
 */
function retryEvicting(run: () => void, mark: u32): void {
  while (answeredOom(mark) && evictOne()) {
    truncate(REPLY, mark);
    run();
  }
}
