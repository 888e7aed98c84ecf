// The list commands that touch several keys (Redis t_list.c): LMOVE, RPOPLPUSH (src == dst rotates) and LMPOP.
import { effect, effectArg, effectInt, markDirty } from "./db";
import { ERR_COUNT_NOT_POSITIVE, ERR_NUMKEYS, ERR_OOM, ERR_SYNTAX } from "./errors";
import { createList, deleteIfEmpty, fits, logAsSent, popOne, readList, wrongType } from "./list";
import { argIs, parseI64, parsedInt } from "./numbers";
import { arrayHeader, bulk, error, nil, outLen, outPtr, REPLY } from "./out";
import { atNode, atOff, ELEM_OVERHEAD_MAX, elemLen, elemPtr, lCount, qlFirst, qlLast, qlPush, qlRemoveEnd } from "./quicklist";
import { argc, argLen, argPtr } from "./request";
import { eVal } from "./table";

/** Parses LEFT/RIGHT at argument i into `whereFront`; false when it is neither. */
let whereFront = false;
function parseWhere(i: i32): bool {
  if (argIs(argPtr(i), argLen(i), "left")) whereFront = true;
  else if (argIs(argPtr(i), argLen(i), "right")) whereFront = false;
  else return false;
  return true;
}

/** LMOVE/RPOPLPUSH: pops from src's `fromFront` end and pushes onto dst's `toFront` end; src == dst rotates. */
function moveGeneric(fromFront: bool, toFront: bool): void {
  const sp = argPtr(1);
  const sl = argLen(1);
  const dp = argPtr(2);
  const dl = argLen(2);
  const src = readList(1);
  if (wrongType) return;
  if (src == 0) return nil(REPLY);
  let dst = readList(2);
  if (wrongType) return;
  const sl2 = eVal(src);
  if (fromFront) qlFirst(sl2);
  else qlLast(sl2);
  const vl = elemLen(atNode, atOff);
  if (!fits(<usize>vl + ELEM_OVERHEAD_MAX, 1, dl)) return;
  if (dst == 0) {
    dst = createList(dp, dl);
    if (dst == 0) return error(REPLY, ERR_OOM);
  }
  // Reply with the element, then push it from the reply's copy (the source node may be freed by the pop).
  bulk(REPLY, elemPtr(atNode, atOff), vl);
  const copyAt = pendingReplyCopy(vl);
  qlRemoveEnd(sl2, fromFront);
  qlPush(eVal(dst), copyAt, vl, toFront);
  markDirty(src);
  markDirty(dst);
  logAsSent();
  deleteIfEmpty(src, sp, sl);
}

/** Where the last bulk's bytes of length vl sit in the reply buffer (stable until the next reply write). */
function pendingReplyCopy(vl: u32): usize {
  return outPtr(REPLY) + outLen(REPLY) - 2 - <usize>vl;
}

export function cmdLmove(): void {
  if (!parseWhere(3)) return error(REPLY, ERR_SYNTAX);
  const from = whereFront;
  if (!parseWhere(4)) return error(REPLY, ERR_SYNTAX);
  moveGeneric(from, whereFront);
}

export function cmdRpoplpush(): void {
  moveGeneric(false, true);
}

/** LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]: pops from the first non-empty list; logged as LPOP/RPOP key count. */
export function cmdLmpop(): void {
  if (!parseI64(argPtr(1), argLen(1)) || parsedInt <= 0) return error(REPLY, ERR_NUMKEYS);
  const numkeys = parsedInt;
  if (numkeys > <i64>(argc - 3)) return error(REPLY, ERR_SYNTAX);
  const whereAt = 2 + <i32>numkeys;
  if (!parseWhere(whereAt)) return error(REPLY, ERR_SYNTAX);
  const front = whereFront;
  let count: i64 = -1;
  for (let j = whereAt + 1; j < argc; j++) {
    if (count == -1 && j < argc - 1 && argIs(argPtr(j), argLen(j), "count")) {
      j++;
      if (!parseI64(argPtr(j), argLen(j)) || parsedInt <= 0) return error(REPLY, ERR_COUNT_NOT_POSITIVE);
      count = parsedInt;
    } else return error(REPLY, ERR_SYNTAX);
  }
  if (count == -1) count = 1;
  for (let k = 2; k < whereAt; k++) {
    const e = readList(k);
    if (wrongType) return;
    if (e == 0) continue;
    const l = eVal(e);
    const n = min(count, <i64>lCount(l));
    arrayHeader(REPLY, 2);
    bulk(REPLY, argPtr(k), argLen(k));
    arrayHeader(REPLY, n);
    for (let i: i64 = 0; i < n; i++) popOne(l, front);
    markDirty(e);
    effect(3, front ? "LPOP" : "RPOP");
    effectArg(argPtr(k), argLen(k));
    effectInt(n);
    deleteIfEmpty(e, argPtr(k), argLen(k));
    return;
  }
  arrayHeader(REPLY, -1);
}
