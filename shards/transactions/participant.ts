// What a shard does as a participant: which keys a batch touches (to wait on locks), a key's state
// as the transaction fetches it, and the batch that installs a transaction's writes.
import { isWrite } from "../commands";
import { resolveCommand } from "../../worker/routing/command";
import { keyIndices } from "../../worker/routing/keys";
import { decodeReplies, encodeCommands } from "../../worker/wire/resp";
import { ALL_KEYS, type KeySet } from "./locks";

/**
 * The keys a RESP batch names. A keyspace-wide write (FLUSHALL) names them all, and so does a script
 * that may touch keys it did not declare, which a transaction may hold (one flagged `allow-key-locking`,
 * `declaresAllItsKeys`, names its declared keys only), and so does a MAPREDUCE part.
 */
export function batchKeys(batch: Uint8Array, declaresAllItsKeys: (command: Uint8Array[]) => boolean): KeySet {
  const keys: Uint8Array[] = [];
  for (const command of decodeReplies(batch) as Uint8Array[][]) {
    const spec = resolveCommand(command);
    if (!("split" in spec)) continue;
    if ((spec.split.kind === "fanout" && isWrite(spec)) || spec.split.kind === "compute") return ALL_KEYS;
    if (spec.group === "scripting" && spec.keys.kind === "numkeys" && !declaresAllItsKeys(command)) return ALL_KEYS;
    for (const at of keyIndices(spec.keys, command)) keys.push(command[at]!);
  }
  return keys;
}

/** Reads each key's state: its DUMP payload (nil when absent), PEXPIRETIME and OBJECT ENCODING,
 * three replies per key. */
export function stateQuery(keys: readonly Uint8Array[]): Uint8Array {
  return encodeCommands(keys.flatMap((key) => [[DUMP, key], [PEXPIRETIME, key], [OBJECT, ENCODING, key]]));
}

/**
 * A key's state as a transaction sees it: absent, or a payload, an absolute expiry (0: none) and
 * whether it is a raw string — which a payload does not say (RESTORE makes a short string embstr,
 * as Redis's does), and which a value moved by a transaction must keep.
 */
export type KeyState = { readonly payload: Uint8Array; readonly expireAt: number | bigint; readonly raw: boolean } | null;

export function readStates(replies: unknown[]): KeyState[] {
  const states: KeyState[] = [];
  for (let i = 0; i < replies.length; i += 3) {
    const [payload, expireAt, encoding] = replies.slice(i, i + 3);
    states.push(
      payload instanceof Uint8Array
        ? { payload, expireAt: isExpiry(expireAt) ? expireAt : 0, raw: encoding instanceof Uint8Array && isRaw(encoding) }
        : null,
    );
  }
  return states;
}

/**
 * The commands that give `key` the state `state`: RESTORE … REPLACE ABSTTL, or DEL. A raw string then
 * gets an empty APPEND, which makes it raw as in Redis; should its expiry pass before this runs, the
 * RESTORE creates nothing, the APPEND an empty key, and PEXPIREAT removes that again.
 */
export function installCommands(key: Uint8Array, state: KeyState): Uint8Array[][] {
  if (state === null) return [[DEL, key]];
  const at = text(String(state.expireAt));
  const restore = [RESTORE, key, at, state.payload, REPLACE, ABSTTL];
  if (!state.raw) return [restore];
  const raw = [restore, [APPEND, key, new Uint8Array(0)]];
  return state.expireAt > 0 ? [...raw, [PEXPIREAT, key, at]] : raw;
}

/** PEXPIRETIME's answer when the key has one: past 2^53 ms it arrives as a bigint, and must stay exact. */
function isExpiry(reply: unknown): reply is number | bigint {
  return (typeof reply === "number" || typeof reply === "bigint") && reply > 0;
}

function isRaw(encoding: Uint8Array): boolean {
  return encoding.length === 3 && encoding[0] === 0x72 && encoding[1] === 0x61 && encoding[2] === 0x77;
}

const text = (s: string) => new TextEncoder().encode(s);
const DUMP = text("DUMP");
const PEXPIRETIME = text("PEXPIRETIME");
const OBJECT = text("OBJECT");
const ENCODING = text("ENCODING");
const APPEND = text("APPEND");
const PEXPIREAT = text("PEXPIREAT");
const DEL = text("DEL");
const RESTORE = text("RESTORE");
const REPLACE = text("REPLACE");
const ABSTTL = text("ABSTTL");
