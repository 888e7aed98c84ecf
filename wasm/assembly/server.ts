// Connection and server commands executed per shard: PING, ECHO, TIME, INFO, CLUSTER COUNT/GETKEYSINSLOT.
import { usedBytes, maxMemory } from "./alloc";
import { KEYSPACE, now, volatileCount } from "./db";
import { evictedKeys, policyName } from "./evict";
import { ERR_INVALID_SLOT, ERR_INVALID_SLOT_OR_COUNT, ERR_NOT_INTEGER } from "./errors";
import { keySlotAt } from "./crc16";
import { argIs, parseI64, parsedInt } from "./numbers";
import {
  advance, arrayHeader, ascii, bulk, closeArray, crlf, cStringLen, deferArray, error, integer, REPLY, replyArityError, replyUnknownSubcommand, reserve,
  sanitized, status, writeI64,
} from "./out";
import { argc, argLen, argPtr } from "./request";
import { eKey, eKeyLen, tCount, tMask, tSlots } from "./table";

export function cmdPing(): void {
  if (argc > 2) replyArityError("ping");
  else if (argc == 2) bulk(REPLY, argPtr(1), argLen(1));
  else status(REPLY, "PONG");
}

export function cmdEcho(): void {
  bulk(REPLY, argPtr(1), argLen(1));
}

const numBuf = memory.data(24);

export function cmdTime(): void {
  arrayHeader(REPLY, 2);
  bulk(REPLY, numBuf, writeI64(numBuf, now / 1000));
  bulk(REPLY, numBuf, writeI64(numBuf, (now % 1000) * 1000));
}

const infoBuf = memory.data(512);
let infoLen: u32 = 0;

function infoText(s: string): void {
  for (let i = 0; i < s.length; i++) store<u8>(infoBuf + infoLen++, <u8>s.charCodeAt(i));
}

function infoNumber(v: i64): void {
  infoLen += writeI64(infoBuf + infoLen, v);
}

/** INFO [section ...]: this shard's `# Memory`, `# Stats` (evicted_keys) and `# Keyspace` (the gateway sums shards). */
export function cmdInfo(): void {
  let memorySection = argc == 1;
  let keyspaceSection = argc == 1;
  let statsSection = argc == 1;
  for (let i = 1; i < argc; i++) {
    const p = argPtr(i);
    const l = argLen(i);
    if (argIs(p, l, "all") || argIs(p, l, "default") || argIs(p, l, "everything")) {
      memorySection = true;
      keyspaceSection = true;
      statsSection = true;
    } else if (argIs(p, l, "memory")) memorySection = true;
    else if (argIs(p, l, "stats")) statsSection = true;
    else if (argIs(p, l, "keyspace")) keyspaceSection = true;
  }
  infoLen = 0;
  if (memorySection) {
    infoText("# Memory\r\nused_memory:");
    infoNumber(<i64>usedBytes);
    infoText("\r\nmaxmemory:");
    infoNumber(<i64>maxMemory);
    infoText("\r\nmaxmemory_policy:");
    infoText(policyName());
    infoText("\r\n");
  }
  if (statsSection) {
    if (memorySection) infoText("\r\n");
    infoText("# Stats\r\nevicted_keys:");
    infoNumber(evictedKeys);
    infoText("\r\n");
  }
  if (keyspaceSection) {
    if (memorySection || statsSection) infoText("\r\n");
    infoText("# Keyspace\r\n");
    const keys = tCount(KEYSPACE);
    if (keys != 0) {
      infoText("db0:keys=");
      infoNumber(keys);
      infoText(",expires=");
      infoNumber(volatileCount);
      infoText(",avg_ttl=0\r\n");
    }
  }
  bulk(REPLY, infoBuf, infoLen);
}

export function cmdCluster(): void {
  const sp = argPtr(1);
  const sl = argLen(1);
  if (argIs(sp, sl, "countkeysinslot")) {
    if (argc != 3) {
      replyArityError("cluster|countkeysinslot");
      return;
    }
    if (!parseI64(argPtr(2), argLen(2))) {
      error(REPLY, ERR_NOT_INTEGER);
      return;
    }
    const slot = parsedInt;
    if (slot < 0 || slot >= 16384) {
      error(REPLY, ERR_INVALID_SLOT);
      return;
    }
    integer(REPLY, keysInSlots(<i32>slot, <i32>slot, i64.MAX_VALUE, EMIT_NOTHING));
  } else if (argIs(sp, sl, "getkeysinslot")) {
    if (argc != 4) {
      replyArityError("cluster|getkeysinslot");
      return;
    }
    if (!parseI64(argPtr(2), argLen(2))) {
      error(REPLY, ERR_NOT_INTEGER);
      return;
    }
    const slot = parsedInt;
    if (!parseI64(argPtr(3), argLen(3))) {
      error(REPLY, ERR_NOT_INTEGER);
      return;
    }
    const count = parsedInt;
    if (slot < 0 || slot >= 16384 || count < 0) {
      error(REPLY, ERR_INVALID_SLOT_OR_COUNT);
      return;
    }
    const mark = deferArray(REPLY);
    closeArray(REPLY, mark, keysInSlots(<i32>slot, <i32>slot, count, EMIT_KEYS));
  } else if (argIs(sp, sl, "keysinrange") && argc == 4) {
    // Internal (slot moves, shards/slots/migration.ts; the gateway's command table has no such
    // subcommand): every key whose slot is in [first, last], as slot and key pairs, in one pass over
    // the keyspace where GETKEYSINSLOT per slot would take one pass per slot.
    if (!parseI64(argPtr(2), argLen(2))) {
      error(REPLY, ERR_NOT_INTEGER);
      return;
    }
    const first = parsedInt;
    if (!parseI64(argPtr(3), argLen(3))) {
      error(REPLY, ERR_NOT_INTEGER);
      return;
    }
    const last = parsedInt;
    if (first < 0 || last >= 16384 || first > last) {
      error(REPLY, ERR_INVALID_SLOT);
      return;
    }
    const mark = deferArray(REPLY);
    closeArray(REPLY, mark, 2 * keysInSlots(<i32>first, <i32>last, i64.MAX_VALUE, EMIT_SLOTS_AND_KEYS));
  } else replyUnknownSubcommand(sp, sl, "CLUSTER");
}

/** What keysInSlots replies with for each key it finds. */
const EMIT_NOTHING: u8 = 0;
const EMIT_KEYS: u8 = 1;
const EMIT_SLOTS_AND_KEYS: u8 = 2;

/** Counts (and replies as `emit` says with) up to max of the keys hashing to a slot in [first, last];
 * one pass over the keyspace, O(keys) for now. */
function keysInSlots(first: i32, last: i32, max: i64, emit: u8): i64 {
  let n: i64 = 0;
  const slots = tSlots(KEYSPACE);
  const cap = tMask(KEYSPACE) + 1;
  for (let i: u32 = 0; i < cap && n < max; i++) {
    const e = <usize>load<u32>(slots + ((<usize>i) << 3), 4);
    if (e == 0) continue;
    const slot = keySlotAt(eKey(e), eKeyLen(e));
    if (slot < first || slot > last) continue;
    if (emit == EMIT_SLOTS_AND_KEYS) integer(REPLY, slot);
    if (emit != EMIT_NOTHING) bulk(REPLY, eKey(e), eKeyLen(e));
    n++;
  }
  return n;
}
