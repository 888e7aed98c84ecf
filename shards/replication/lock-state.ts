// Cross-shard transaction locks travel to replicas inside the log: after each lock change the primary
// appends an entry holding its whole lock table (`__txlocks`), which replicas store instead of running.
// A promoted replica thus holds the locks its primary held, and settles them through their decision
// records as the primary would have: a transaction decided during a failover still applies everywhere.
import { decodeReplies, encodeCommands } from "../../worker/wire/resp";

/** A row of the `tx_locks` table (shards/transactions/locks.ts), keys packed. */
export interface StoredLock {
  readonly tx: string;
  readonly shard: number;
  readonly keys: ArrayBuffer;
  readonly deadline: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const NAME = encoder.encode("__txlocks");

export function lockStateEntry(locks: readonly StoredLock[]): Uint8Array {
  const args = locks.flatMap((lock) => [encoder.encode(lock.tx), encoder.encode(String(lock.shard)), encoder.encode(String(lock.deadline)), new Uint8Array(lock.keys)]);
  return encodeCommands([[NAME, ...args]]);
}

/** The lock table an entry carries, or null for an ordinary effects entry. */
export function readLockState(effects: Uint8Array): StoredLock[] | null {
  if (!isLockState(effects)) return null;
  const [command] = decodeReplies(effects) as Uint8Array[][];
  const locks: StoredLock[] = [];
  for (let i = 1; i + 3 < command!.length; i += 4) {
    const keys = command![i + 3]!;
    locks.push({
      tx: decoder.decode(command![i]),
      shard: Number(decoder.decode(command![i + 1])),
      deadline: Number(decoder.decode(command![i + 2])),
      keys: keys.slice().buffer as ArrayBuffer,
    });
  }
  return locks;
}

/** `*<n>\r\n$9\r\n__txlocks\r\n`: an effects entry never starts so, since the core refuses `__` names
 * from clients and never logs internal commands. */
export function isLockState(effects: Uint8Array): boolean {
  const at = effects.indexOf(0x0a);
  if (effects[0] !== 0x2a || at < 0) return false;
  const header = "$9\r\n__txlocks\r\n";
  for (let i = 0; i < header.length; i++) if (effects[at + 1 + i] !== header.charCodeAt(i)) return false;
  return true;
}
