// A shard's key locks: cross-shard transactions hold them durably; plain batches and transactions
// alike are granted their keys strictly in arrival order, so nobody is overtaken forever.
import { keyId } from "../../worker/wire/bytes";
import type { StoredLock } from "../replication/lock-state";

/** A transaction's lock as stored: its keys, its deadline, and where its decision record lives. */
export interface TxLock {
  readonly tx: string;
  /** This shard's number in the transaction, under which its writes are recorded. */
  readonly shard: number;
  readonly keys: readonly Uint8Array[];
  readonly deadline: number;
}

/** Every key in the shard: what FLUSHALL and other keyspace-wide writes wait for. */
export const ALL_KEYS = "all";
export type KeySet = readonly Uint8Array[] | typeof ALL_KEYS;

interface Waiter {
  readonly keys: readonly string[] | typeof ALL_KEYS;
  readonly grant: () => void;
}


export class KeyLocks {
  /** key id -> owner (a transaction id, or a plain batch's token while it runs). */
  private readonly owners = new Map<string, string>();
  private readonly transactions = new Map<string, TxLock>();
  private queue: Waiter[] = [];
  /** Owners holding every key (a keyspace-wide write), while they run. */
  private wholeKeyspace: string | null = null;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS tx_locks (tx TEXT PRIMARY KEY, shard INTEGER NOT NULL, keys BLOB NOT NULL, deadline INTEGER NOT NULL)`);
    for (const row of sql.exec<{ tx: string; shard: number; keys: ArrayBuffer; deadline: number }>("SELECT tx, shard, keys, deadline FROM tx_locks")) {
      this.hold({ tx: row.tx, shard: row.shard, keys: unpackKeys(new Uint8Array(row.keys)), deadline: row.deadline });
    }
  }

  /** The lock table as stored, for the replicas (shards/replication/lock-state.ts). */
  stored(): StoredLock[] {
    return this.sql.exec<{ tx: string; shard: number; keys: ArrayBuffer; deadline: number }>("SELECT tx, shard, keys, deadline FROM tx_locks").toArray();
  }

  /** A replica's copy of its primary's lock table; the caller makes a new KeyLocks to enforce it. */
  static replaceStored(sql: SqlStorage, locks: readonly StoredLock[]): void {
    sql.exec("DELETE FROM tx_locks");
    for (const lock of locks) sql.exec("INSERT INTO tx_locks (tx, shard, keys, deadline) VALUES (?, ?, ?, ?)", lock.tx, lock.shard, lock.keys, lock.deadline);
  }

  /** Nothing held and nobody waiting: batches run at once, without looking at their keys. */
  get idle(): boolean {
    return this.owners.size === 0 && this.queue.length === 0 && this.wholeKeyspace === null;
  }

  /** The transactions holding locks, for deadline checks. */
  get held(): readonly TxLock[] {
    return [...this.transactions.values()];
  }

  holds(tx: string): boolean {
    return this.transactions.has(tx);
  }

  /** Whether another owner holds `key` (a script's undeclared key, checked as it runs). */
  isLocked(key: Uint8Array): boolean {
    return this.wholeKeyspace !== null || this.owners.has(keyId(key));
  }

  /**
   * Takes `keys` for a plain batch: resolves once they are free and no earlier waiter wants them.
   * The caller runs its batch and then calls `done`.
   */
  async enter(keys: KeySet): Promise<() => void> {
    const token = `batch:${crypto.randomUUID()}`;
    await this.wait(keys, () => this.take(token, keys));
    return () => this.leave(token, keys);
  }

  /** Takes `keys` for transaction `tx`, durably: the lock outlives a restart of this shard. */
  async lock(lock: TxLock): Promise<void> {
    await this.wait(lock.keys, () => this.holdDurably(lock));
  }

  /** Takes `keys` for transaction `tx` only if that needs no wait: they are free and no waiter in
   * line wants one of them (so nobody is overtaken). False, and nothing taken, otherwise. */
  tryLock(lock: TxLock): boolean {
    const ids = lock.keys.map(keyId);
    if (this.wholeKeyspace !== null || ids.some((id) => this.owners.has(id))) return false;
    if (this.queue.some((waiter) => waiter.keys === ALL_KEYS || waiter.keys.some((id) => ids.includes(id)))) return false;
    this.holdDurably(lock);
    return true;
  }

  private holdDurably(lock: TxLock): void {
    this.hold(lock);
    this.sql.exec("INSERT OR REPLACE INTO tx_locks (tx, shard, keys, deadline) VALUES (?, ?, ?, ?)", lock.tx, lock.shard, packKeys(lock.keys), lock.deadline);
  }

  /** Releases `tx`'s keys (its writes, if any, were applied in the same storage write). */
  unlock(tx: string): void {
    const lock = this.transactions.get(tx);
    if (!lock) return;
    this.sql.exec("DELETE FROM tx_locks WHERE tx = ?", tx);
    this.transactions.delete(tx);
    this.leave(tx, lock.keys);
  }

  private hold(lock: TxLock): void {
    this.transactions.set(lock.tx, lock);
    this.take(lock.tx, lock.keys);
  }

  private take(owner: string, keys: KeySet): void {
    if (keys === ALL_KEYS) this.wholeKeyspace = owner;
    else for (const key of keys) this.owners.set(keyId(key), owner);
  }

  private leave(owner: string, keys: KeySet): void {
    if (keys === ALL_KEYS) {
      if (this.wholeKeyspace === owner) this.wholeKeyspace = null;
    } else {
      for (const key of keys) {
        const id = keyId(key);
        if (this.owners.get(id) === owner) this.owners.delete(id);
      }
    }
    this.pump();
  }

  private wait(keys: KeySet, grant: () => void): Promise<void> {
    return new Promise((resolve) => {
      this.queue.push({ keys: keys === ALL_KEYS ? ALL_KEYS : keys.map(keyId), grant: () => (grant(), resolve()) });
      this.pump();
    });
  }

  /** Grants waiters in arrival order: a waiter goes when its keys are free and no earlier waiter
   * still wants one of them. Granting takes the keys at once, so a later waiter cannot slip in. */
  private pump(): void {
    const wanted = new Set<string>();
    let allWanted = false;
    const remaining: Waiter[] = [];
    for (const waiter of this.queue) {
      const blocked =
        allWanted ||
        this.wholeKeyspace !== null ||
        (waiter.keys === ALL_KEYS ? this.owners.size > 0 || wanted.size > 0 : waiter.keys.some((id) => this.owners.has(id) || wanted.has(id)));
      if (!blocked) {
        waiter.grant();
        continue;
      }
      remaining.push(waiter);
      if (waiter.keys === ALL_KEYS) allWanted = true;
      else for (const id of waiter.keys) wanted.add(id);
    }
    this.queue = remaining;
  }
}

/** Keys as one blob: [u32 length][bytes]... */
function packKeys(keys: readonly Uint8Array[]): ArrayBuffer {
  const out = new Uint8Array(keys.reduce((n, key) => n + 4 + key.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const key of keys) {
    view.setUint32(at, key.length);
    out.set(key, at + 4);
    at += 4 + key.length;
  }
  return out.buffer;
}

function unpackKeys(blob: Uint8Array): Uint8Array[] {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const keys: Uint8Array[] = [];
  for (let at = 0; at < blob.length; ) {
    const length = view.getUint32(at);
    keys.push(blob.slice(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return keys;
}
