// What each value type provides to the keyspace: its TYPE and OBJECT ENCODING names, the release of the
// out-of-line structure a full encoding owns, and its compact form (the checkpoint and DUMP bytes).
// Adding a type means one case in each switch below.
import { ENC_ALT, ENC_FULL, ENC_TEXT, lookup, T_HASH, T_LIST, T_SET, T_STRING, T_ZSET } from "./db";
import { hashAfterLoad, hashCompactLen, hashRelease, hashWriteCompact, toTable, validHashValue } from "./hash";
import { listFromCompact, qlCompactLen, qlWriteCompact, validCompactList } from "./list-payload";
import { qlRelease } from "./quicklist";
import { argIs, parseI64 } from "./numbers";
import { bulkAscii, nil, replyArityError, replyUnknownSubcommand, REPLY } from "./out";
import { releaseSet, setAfterLoad, setCompactLen, validSetCompact, writeSetCompact } from "./set";
import { argc, argLen, argPtr } from "./request";
import { eEncoding, eKey, eKeyLen, eType, eVal, eValLen } from "./table";
import { zConvert } from "./zset";
import { releaseZset, validZsetValue, writeZsetCompact, zsetAfterLoad, zsetCompactLen } from "./zset-payload";

/** TYPE's answer for entry e (0 = no key). */
export function typeName(e: usize): string {
  if (e == 0) return "none";
  switch (eType(e)) {
    case T_STRING: return "string";
    case T_HASH: return "hash";
    case T_LIST: return "list";
    case T_ZSET: return "zset";
    case T_SET: return "set";
    default: return "none";
  }
}

/** OBJECT ENCODING's answer, in Redis 7.0's words. */
export function encodingName(e: usize): string {
  const full = eEncoding(e) == ENC_FULL;
  switch (eType(e)) {
    case T_STRING: {
      if (eEncoding(e) == ENC_ALT) return "raw";
      // Redis keeps a canonical integer of up to 20 bytes as a number and strings up to 44 bytes embedded.
      if (eEncoding(e) != ENC_TEXT && parseI64(eVal(e), eValLen(e))) return "int";
      return eValLen(e) <= 44 ? "embstr" : "raw";
    }
    case T_HASH: return full ? "hashtable" : "listpack";
    // Redis 7.0 reports every list as a quicklist, whatever its size.
    case T_LIST: return "quicklist";
    case T_ZSET: return full ? "skiplist" : "listpack";
    // Redis 7.0 has no listpack sets: a set is an intset or a hash table.
    case T_SET: return eEncoding(e) == ENC_ALT ? "intset" : "hashtable";
    default: return "unknown";
  }
}

/** Frees the out-of-line structure of an ENC_FULL entry (never the entry's own block). */
export function releaseValue(e: usize): void {
  if (eEncoding(e) != ENC_FULL) return;
  switch (eType(e)) {
    case T_HASH: hashRelease(e); break;
    case T_LIST: qlRelease(eVal(e)); break;
    case T_ZSET: releaseZset(e); break;
    case T_SET: releaseSet(e); break;
    default: unreachable();
  }
}

/** The length of entry e's value in compact form: what a payload carries. */
export function compactLen(e: usize): u32 {
  // A set's compact form lists its members whatever the encoding (an intset's values become their text).
  if (eType(e) == T_SET) return setCompactLen(e);
  if (eEncoding(e) != ENC_FULL) return eValLen(e);
  switch (eType(e)) {
    case T_HASH: return hashCompactLen(e);
    case T_LIST: return qlCompactLen(eVal(e));
    case T_ZSET: return zsetCompactLen(e);
    default: unreachable();
  }
  return 0;
}

/** Writes entry e's value in compact form (compactLen bytes) at d; a string is written as it is. */
export function writeCompact(e: usize, d: usize): void {
  if (eType(e) == T_SET) {
    writeSetCompact(e, d);
    return;
  }
  if (eEncoding(e) != ENC_FULL) {
    memory.copy(d, eVal(e), eValLen(e));
    return;
  }
  switch (eType(e)) {
    case T_HASH: hashWriteCompact(e, d); break;
    case T_LIST: qlWriteCompact(eVal(e), d); break;
    case T_ZSET: writeZsetCompact(e, d); break;
    default: unreachable();
  }
}

/** Whether bytes (p, len) are a well-formed compact value of type t (checked before anything is loaded). */
export function validCompact(t: u8, p: usize, len: u32): bool {
  switch (t) {
    case T_STRING: return true;
    case T_HASH: return validHashValue(p, len);
    case T_LIST: return validCompactList(p, len);
    case T_SET: return validSetCompact(p, len);
    case T_ZSET: return validZsetValue(p, len);
    default: return false;
  }
}

/**
 * Called once a compact value was installed (RESTORE, a checkpoint row, COPY): converts it to the type's
 * full encoding when it is past the type's thresholds. Returns the entry (maybe moved), 0 on OOM.
 */
export function afterLoad(e: usize): usize {
  switch (eType(e)) {
    case T_HASH: return hashAfterLoad(e);
    case T_LIST: return listFromCompact(e);
    case T_ZSET: return zsetAfterLoad(e);
    case T_SET: return setAfterLoad(e);
    default: return e;
  }
}

/** A compact hash or sorted set moved to its full encoding (COPY of a full source); other types as they are. */
export function toFullEncoding(e: usize): usize {
  // The converters replace the entry found by the last lookup.
  lookup(eKey(e), eKeyLen(e));
  if (eType(e) == T_HASH) return toTable(e);
  if (eType(e) == T_ZSET) return zConvert(e);
  return e;
}

/** `OBJECT ENCODING key` (the gateway answers unknown subcommands and arity): the encoding's name, nil for no key. */
export function cmdObject(): void {
  if (!argIs(argPtr(1), argLen(1), "encoding")) {
    replyUnknownSubcommand(argPtr(1), argLen(1), "OBJECT");
    return;
  }
  if (argc != 3) {
    replyArityError("object|encoding");
    return;
  }
  const e = lookup(argPtr(2), argLen(2));
  if (e == 0) nil(REPLY);
  else bulkAscii(REPLY, encodingName(e));
}
