// DUMP, RESTORE and COPY (Redis's cluster.c and db.c): whole values moved as the checkpoint payload,
// so a value serialized here is versioned and checksummed exactly like a checkpoint row.
import { checkPayload, loadPayload, writePayload } from "./checkpoint";
import { deleteAt, effect, effectArg, effectInt, ENC_FULL, expiryActive, foundSlot, install, lookup, newEntry, now, setEncoding, T_STRING } from "./db";
import {
  ERR_BAD_PAYLOAD, ERR_BUSYKEY, ERR_COPY_DB, ERR_DB_RANGE, ERR_INVALID_TTL, ERR_NOT_INTEGER, ERR_OOM, ERR_RESTORE_FREQ,
  ERR_RESTORE_IDLETIME, ERR_SAME_OBJECT, ERR_SYNTAX,
} from "./errors";
import { afterLoad, compactLen, toFullEncoding, writeCompact } from "./objects";
import { argIs, parseI64, parsedInt } from "./numbers";
import { error, integer, nil, ok, REPLY } from "./out";
import { argc, argLen, argPtr } from "./request";
import { eEncoding, eExpire, eKey, eType } from "./table";

/** `DUMP key`: the payload without the expiry (RESTORE takes the TTL as an argument), nil for no key. */
export function cmdDump(): void {
  const e = lookup(argPtr(1), argLen(1));
  if (e == 0) nil(REPLY);
  else writePayload(e, false);
}

/** `RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f]`, checks in Redis 7.0's order. */
export function cmdRestore(): void {
  let replace = false;
  let absttl = false;
  let idle = false;
  let freq = false;
  for (let i = 4; i < argc; i++) {
    const p = argPtr(i);
    const l = argLen(i);
    const more = argc - i - 1;
    if (argIs(p, l, "replace")) replace = true;
    else if (argIs(p, l, "absttl")) absttl = true;
    else if (argIs(p, l, "idletime") && more >= 1 && !freq) {
      if (!parseI64(argPtr(i + 1), argLen(i + 1))) return error(REPLY, ERR_NOT_INTEGER);
      if (parsedInt < 0) return error(REPLY, ERR_RESTORE_IDLETIME);
      idle = true;
      i++;
    } else if (argIs(p, l, "freq") && more >= 1 && !idle) {
      if (!parseI64(argPtr(i + 1), argLen(i + 1))) return error(REPLY, ERR_NOT_INTEGER);
      if (parsedInt < 0 || parsedInt > 255) return error(REPLY, ERR_RESTORE_FREQ);
      freq = true;
      i++;
    } else return error(REPLY, ERR_SYNTAX);
  }
  const kp = argPtr(1);
  const kl = argLen(1);
  const existing = lookup(kp, kl);
  if (!replace && existing != 0) return error(REPLY, ERR_BUSYKEY);
  if (!parseI64(argPtr(2), argLen(2))) return error(REPLY, ERR_NOT_INTEGER);
  let ttl = parsedInt;
  if (ttl < 0) return error(REPLY, ERR_INVALID_TTL);
  const payload = argPtr(3);
  if (!checkPayload(payload, argLen(3))) return error(REPLY, ERR_BAD_PAYLOAD);
  if (ttl != 0 && !absttl) ttl += now;
  if (ttl != 0 && ttl <= now && expiryActive) {
    // Already expired: Redis answers OK and only deletes what REPLACE would have replaced.
    if (existing != 0) {
      deleteAt(foundSlot);
      effect(2, "DEL");
      effectArg(kp, kl);
    }
    return ok(REPLY);
  }
  if (loadPayload(kp, kl, payload, ttl != 0 ? ttl : -1) == 0) return error(REPLY, ERR_OOM);
  ok(REPLY);
  // Logged with an absolute expiry, so replay restores the same deadline whenever it runs.
  effect(ttl != 0 ? 6 : 5, "RESTORE");
  effectArg(kp, kl);
  effectInt(ttl);
  effectArg(payload, argLen(3));
  effectArg(REPLACE_WORD, 7);
  if (ttl != 0) effectArg(ABSTTL_WORD, 6);
}

const REPLACE_WORD = memory.data<u8>([0x52, 0x45, 0x50, 0x4c, 0x41, 0x43, 0x45]);
const ABSTTL_WORD = memory.data<u8>([0x41, 0x42, 0x53, 0x54, 0x54, 0x4c]);

/** `COPY source destination [DB n] [REPLACE]`: edgeslot is one database, as Redis in cluster mode. */
export function cmdCopy(): void {
  let replace = false;
  for (let i = 3; i < argc; i++) {
    const p = argPtr(i);
    const l = argLen(i);
    if (argIs(p, l, "replace")) replace = true;
    else if (argIs(p, l, "db") && argc - i - 1 >= 1) {
      if (!parseI64(argPtr(i + 1), argLen(i + 1)) || parsedInt < -2147483648 || parsedInt > 2147483647) {
        return error(REPLY, ERR_NOT_INTEGER);
      }
      if (parsedInt < 0 || parsedInt >= 16) return error(REPLY, ERR_DB_RANGE);
      if (parsedInt != 0) return error(REPLY, ERR_COPY_DB);
      i++;
    } else return error(REPLY, ERR_SYNTAX);
  }
  const sp = argPtr(1);
  const sl = argLen(1);
  const dp = argPtr(2);
  const dl = argLen(2);
  if (sl == dl && memory.compare(sp, dp, sl) == 0) return error(REPLY, ERR_SAME_OBJECT);
  const src = lookup(sp, sl);
  if (src == 0) return integer(REPLY, 0);
  const dst = lookup(dp, dl);
  if (dst != 0 && !replace) return integer(REPLY, 0);
  // The source stays live through the destination's lookup and install (different keys).
  const s = lookup(sp, sl);
  const sourceFull = eEncoding(s) == ENC_FULL;
  const vl = compactLen(s);
  const n = newEntry(dp, dl, vl, eType(s), eExpire(s), true);
  if (n == 0) return error(REPLY, ERR_OOM);
  writeCompact(s, eKey(n) + dl);
  // A copied string keeps its encoding (raw, or text that is never an int), as Redis's dupStringObject.
  if (eType(s) == T_STRING) setEncoding(n, eEncoding(s));
  lookup(dp, dl);
  if (!install(n)) return error(REPLY, ERR_OOM);
  const loaded = afterLoad(n);
  if (loaded == 0) return error(REPLY, ERR_OOM);
  // A copy keeps its source's encoding (Redis's zsetDup, hashTypeDup): a small hash or sorted set that
  // was converted once stays a hashtable or skiplist, where loading it would make it compact again.
  if (sourceFull && eEncoding(loaded) != ENC_FULL) toFullEncoding(loaded);
  integer(REPLY, 1);
  effect(4, "COPY");
  effectArg(sp, sl);
  effectArg(dp, dl);
  effectArg(REPLACE_WORD, 7);
}
