// A shard's key locks on their own: grants in arrival order (nobody overtaken), no waiting for free
// keys, keyspace-wide waiters, and transaction locks that outlive a restart (their rows reload).
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ALL_KEYS, KeyLocks } from "../../shards/transactions/locks";

const key = (text: string) => new TextEncoder().encode(text);
const stub = () => env.SHARD.get(env.SHARD.idFromName(`locks-${expect.getState().currentTestName}`));
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Runs `body` with a fresh lock table in a shard's SQLite storage (the table the shard uses). */
function withLocks(body: (locks: KeyLocks, sql: SqlStorage) => Promise<void>): Promise<void> {
  return runInDurableObject(stub(), async (_, state) => {
    state.storage.sql.exec("DROP TABLE IF EXISTS tx_locks");
    await body(new KeyLocks(state.storage.sql), state.storage.sql);
  });
}

describe("key locks", () => {
  it("grant conflicting requests strictly in arrival order; free keys go at once", async () => {
    await withLocks(async (locks) => {
      const order: string[] = [];
      await locks.lock({ tx: "t1", shard: 0, keys: [key("k")], deadline: 0 });
      const plain = locks.enter([key("k")]).then((done) => (order.push("plain"), done));
      // A later transaction may not jump the plain batch waiting for k, even without waiting.
      expect(locks.tryLock({ tx: "t2", shard: 0, keys: [key("k")], deadline: 0 })).toBe(false);
      const second = locks.lock({ tx: "t2", shard: 0, keys: [key("k"), key("j")], deadline: 0 }).then(() => order.push("t2"));
      // Keys nobody holds or waits for are granted at once, past the queue.
      const other = await locks.enter([key("other")]);
      other();
      expect(locks.tryLock({ tx: "t3", shard: 0, keys: [key("x")], deadline: 0 })).toBe(true);
      await tick();
      expect(order).toEqual([]);
      locks.unlock("t1");
      const done = await plain;
      await tick();
      expect(order).toEqual(["plain"]); // t2 still waits: the plain batch holds k while it runs
      done();
      await second;
      expect(order).toEqual(["plain", "t2"]);
      expect(locks.isLocked(key("j"))).toBe(true);
    });
  });

  it("a keyspace-wide waiter waits for every lock, and later waiters wait behind it", async () => {
    await withLocks(async (locks) => {
      const order: string[] = [];
      await locks.lock({ tx: "t1", shard: 0, keys: [key("a")], deadline: 0 });
      const flush = locks.enter(ALL_KEYS).then((done) => (order.push("flush"), done));
      const later = locks.enter([key("b")]).then((done) => (order.push("b"), done));
      await tick();
      expect(order).toEqual([]);
      locks.unlock("t1");
      (await flush)();
      (await later)();
      expect(order).toEqual(["flush", "b"]);
      expect(locks.idle).toBe(true);
    });
  });

  it("transaction locks are stored: a new table over the same storage holds them, until unlocked", async () => {
    await withLocks(async (locks, sql) => {
      await locks.lock({ tx: "t1", shard: 2, keys: [key("a"), new Uint8Array([0, 255])], deadline: 1234 });
      const reloaded = new KeyLocks(sql);
      expect(reloaded.held).toEqual([{ tx: "t1", shard: 2, keys: [key("a"), new Uint8Array([0, 255])], deadline: 1234 }]);
      expect(reloaded.isLocked(new Uint8Array([0, 255]))).toBe(true);
      reloaded.unlock("t1");
      expect(new KeyLocks(sql).held).toEqual([]);
    });
  });
});
