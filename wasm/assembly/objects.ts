// What each value type provides to the keyspace: its TYPE and OBJECT ENCODING names, the release of the
// out-of-line structure a full encoding owns, and its compact form (the checkpoint and DUMP bytes).
// Adding a type means one case in each switch below.
import { ENC_ALT, ENC_COMPACT, ENC_FULL, ENC_TEXT, lookup, T_HASH, T_LIST, T_STRING, T_ZSET } from "./db";
import { hashAfterLoad, hashCompactLen, hashRelease, hashWriteCompact, validHashValue } from "./hash";
import { listFromCompact, qlCompactLen, qlWriteCompact, validCompactList } from "./list-payload";
import { qlRelease } from "./quicklist";
import { argIs, parseI64 } from "./numbers";
import { bulkAscii, nil, replyArityError, replyUnknownSubcommand, REPLY } from "./out";
import { argc, argLen, argPtr } from "./request";
import { eEncoding, eType, eVal, eValLen } from "./table";
import { releaseZset, validZsetValue, writeZsetCompact, zsetAfterLoad, zsetCompactLen } from "./zset-payload";

/** TYPE's answer for entry e (0 = no key). */
export function typeName(e: usize): string {
  if (e == 0) return "none";
  switch (eType(e)) {
    case T_STRING: return "string";
    case T_HASH: return "hash";
    case T_LIST: return "list";
    case T_ZSET: return "zset";
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
    default: unreachable();
  }
}

/** The length of entry e's value in compact form: what a payload carries. */
export function compactLen(e: usize): u32 {
  if (eEncoding(e) != ENC_FULL) return eValLen(e);
  switch (eType(e)) {
    case T_HASH: return hashCompactLen(e);
    case T_LIST: return qlCompactLen(eVal(e));
    case T_ZSET: return zsetCompactLen(e);
    default: unreachable();
  }
  return 0;
}

/** Writes entry e's value in compact form (compactLen bytes) at d; an ENC_ALT value is written as it is. */
export function writeCompact(e: usize, d: usize): void {
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

/**
 * Whether bytes (p, len) are a well-formed inline value of type t in encoding enc (ENC_COMPACT, or
 * ENC_ALT when the payload says so), checked before anything is loaded.
 */
export function validCompact(t: u8, enc: u8, p: usize, len: u32): bool {
  switch (t) {
    case T_STRING: return enc == ENC_COMPACT;
    case T_HASH: return enc == ENC_COMPACT && validHashValue(p, len);
    case T_LIST: return enc == ENC_COMPACT && validCompactList(p, len);
    case T_ZSET: return enc == ENC_COMPACT && validZsetValue(p, len);
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
    default: return e;
  }
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
