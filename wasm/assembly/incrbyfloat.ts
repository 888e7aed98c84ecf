// INCRBYFLOAT: long-double arithmetic and formatting as Redis does it, logged as `SET key value KEEPTTL`.
import { effect, effectArg, ENC_TEXT, install, lookup, newEntry, setEncoding, T_STRING } from "./db";
import { ERR_NAN, ERR_NOT_FLOAT, ERR_OOM, ERR_WRONGTYPE } from "./errors";
import { addLongDouble, formatLongDouble, ldE, ldInf, ldM, ldNeg, parseLongDouble } from "./longdouble";
import { bulk, error, REPLY } from "./out";
import { argLen, argPtr } from "./request";
import { eExpire, eKey, eType, eVal, eValLen } from "./table";

// Up to ~4933 integer digits, a sign, a dot and 17 decimals.
const text = memory.data(5120);

export function cmdIncrbyfloat(): void {
  const kp = argPtr(1);
  const kl = argLen(1);
  const e = lookup(kp, kl);
  if (e != 0 && eType(e) != T_STRING) {
    error(REPLY, ERR_WRONGTYPE);
    return;
  }
  let vNeg = false;
  let vM: u64 = 0;
  let vE: i32 = 0;
  let vInf = false;
  if (e != 0) {
    if (!parseLongDouble(eVal(e), eValLen(e))) {
      error(REPLY, ERR_NOT_FLOAT);
      return;
    }
    vNeg = ldNeg;
    vM = ldM;
    vE = ldE;
    vInf = ldInf;
  }
  if (!parseLongDouble(argPtr(2), argLen(2))) {
    error(REPLY, ERR_NOT_FLOAT);
    return;
  }
  if (vInf || ldInf) {
    // inf + x is inf, inf - inf is NaN: both refused.
    error(REPLY, ERR_NAN);
    return;
  }
  addLongDouble(vNeg, vM, vE);
  if (ldInf) {
    error(REPLY, ERR_NAN);
    return;
  }
  const n = formatLongDouble(text);
  const ne = newEntry(kp, kl, n, T_STRING, e != 0 ? eExpire(e) : -1, true);
  if (ne == 0) {
    error(REPLY, ERR_OOM);
    return;
  }
  memory.copy(eKey(ne) + kl, text, n);
  setEncoding(ne, ENC_TEXT); // Redis builds the result as a string object, never as an integer
  if (!install(ne)) {
    error(REPLY, ERR_OOM);
    return;
  }
  bulk(REPLY, text, n);
  effect(4, "SET");
  effectArg(kp, kl);
  effectArg(text, n);
  effectArg(KEEPTTL, 7);
}

const KEEPTTL = memory.data<u8>([0x4b, 0x45, 0x45, 0x50, 0x54, 0x54, 0x4c]);
