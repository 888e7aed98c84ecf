// Cross-shard transactions under failure: the coordinator stopped at every step, participants
// restarted while they hold locks, and concurrent transfers whose total must never change.
import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { shardConfig, type ShardConfig } from "../../shards/config";
import type { Shard } from "../../shards/shard";
import type { Core } from "../../wasm/host";
import type { FaultStep } from "../../shards/transactions/coordinator";
import { decisionObjectName } from "../../shards/transactions/decision";
import { call, keysOnShards, multiExec, result, useEmptyStore } from "../worker/gateway";

useEmptyStore();

const shardStub = (shard: number) => env.SHARD.get(env.SHARD.idFromName(`shard-${shard}`));
const SHARDS = [0, 1, 2, 3];
const transfer =
  "redis.call('DECRBY', KEYS[1], ARGV[1]); redis.call('INCR', KEYS[3]); return redis.call('INCRBY', KEYS[2], ARGV[1])";

/** Runs a command as the gateway would, but with the coordinator stopped after `step`. */
const stoppedAt = (step: FaultStep, args: (string | number)[]) => call(args, { headers: { "x-edgeslot-test-fault": step } });

/** How far the shards' clocks were moved: each move goes an hour past every deadline set before it
 * (a restarted shard starts again from the real clock, so the offset lives here). */
let clockShift = 0;

/** Moves every shard's clock past its lock deadlines and runs its alarm, as time passing would. */
async function passLockDeadlines(): Promise<void> {
  clockShift += 3_600_000;
  const shift = clockShift;
  for (const shard of SHARDS) {
    const stub = shardStub(shard);
    await runInDurableObject(stub, (instance: Shard) => {
      instance.clock = () => Date.now() + shift;
    });
    await runDurableObjectAlarm(stub);
  }
}

/** Whether `promise` is still pending after the shards had time to answer it. */
async function stillWaiting(promise: Promise<unknown>): Promise<boolean> {
  const pending = Symbol("pending");
  const winner = await Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve(pending), 300))]);
  return winner === pending;
}

describe("cross-shard transactions under failure", () => {
  it("the coordinator dies after locking one participant: nothing applied, the lock expires", async () => {
    const [a, b] = await keysOnShards("acct");
    await result(["MSET", a!, "10", b!, "0"]);
    expect((await stoppedAt("after-first-lock", ["RENAME", a!, b!])).json.error).toMatch(/test fault/);
    const read = result(["GET", a!]);
    expect(await stillWaiting(read)).toBe(true);
    await passLockDeadlines();
    expect(await read).toBe("10");
    expect(await result(["MGET", a!, b!])).toEqual(["10", "0"]);
  });

  it("the coordinator dies after locking everything: readers wait, then the record aborts it", async () => {
    const [a, b] = await keysOnShards("acct");
    await result(["MSET", a!, "10", b!, "0"]);
    expect((await stoppedAt("after-lock", ["EVAL", transfer, 3, a!, b!, "{n}" + b!, "4"])).json.error).toMatch(/test fault/);
    const reads = [result(["GET", a!]), result(["GET", b!])];
    // Keys the transaction does not hold are served at once.
    expect(await result(["SET", "{free}", "x"])).toBe("OK");
    expect(await stillWaiting(Promise.all(reads))).toBe(true);
    await passLockDeadlines();
    expect(await Promise.all(reads)).toEqual(["10", "0"]);
  });

  it("the coordinator dies after the decision: every participant applies its writes alone", async () => {
    const [a, b, c] = await keysOnShards("acct");
    await result(["MSET", a!, "10", b!, "0"]);
    expect((await stoppedAt("after-decision", ["EVAL", transfer, 3, a!, b!, c!, "4"])).json.error).toMatch(/test fault/);
    const read = result(["MGET", a!, b!, c!]);
    expect(await stillWaiting(read)).toBe(true);
    await passLockDeadlines();
    expect(await read).toEqual(["6", "4", "1"]);
  });

  it("a committed value over the 2 MB row limit reaches its participant through the decision record", async () => {
    const [a, b] = await keysOnShards("big");
    const big = "v".repeat(3_000_000);
    await result(["SET", a!, big]);
    expect((await stoppedAt("after-decision", ["RENAME", a!, b!])).json.error).toMatch(/test fault/);
    await passLockDeadlines();
    expect(await result(["STRLEN", b!])).toBe(3_000_000);
    expect(await result(["EXISTS", a!])).toBe(0);
  });

  it("the coordinator dies after one participant applied: the others apply at their deadline", async () => {
    const [a, b] = await keysOnShards("acct");
    await result(["MSET", a!, "10", b!, "0"]);
    expect((await multiExec([["INCRBY", a!, "5"], ["INCRBY", b!, "5"]], { headers: { "x-edgeslot-test-fault": "after-first-apply" } })).status).toBe(400);
    await passLockDeadlines();
    expect(await result(["MGET", a!, b!])).toEqual(["15", "5"]);
  });

  it("a participant restarted while it holds locks keeps them, and the decision still settles", async () => {
    const [a, b, c, d] = await keysOnShards("acct");
    await result(["MSET", a!, "1", b!, "2", c!, "3", d!, "4"]);
    expect((await stoppedAt("after-decision", ["RENAME", a!, b!])).json.error).toMatch(/test fault/);
    expect((await stoppedAt("after-lock", ["RENAME", c!, d!])).json.error).toMatch(/test fault/);
    for (const shard of SHARDS) await evictDurableObject(shardStub(shard));
    const read = result(["MGET", a!, b!, c!, d!]);
    expect(await stillWaiting(read)).toBe(true);
    await passLockDeadlines();
    expect(await read).toEqual([null, "1", "3", "4"]);
    for (const shard of SHARDS) await evictDurableObject(shardStub(shard));
    expect(await result(["MGET", a!, b!, c!, d!])).toEqual([null, "1", "3", "4"]);
  });

  it("the decision record restarts after the commit: participants still learn it and apply", async () => {
    const [a, b] = await keysOnShards("acct");
    await result(["MSET", a!, "1", b!, "2"]);
    const stop = (await stoppedAt("after-decision", ["MSET", a!, "10", b!, "20"])).json.error as string;
    const tx = /\(transaction (\S+)\)/.exec(stop)![1]!;
    await evictDurableObject(env.TX_DECISION.get(env.TX_DECISION.idFromName(decisionObjectName(tx))));
    await passLockDeadlines();
    expect(await result(["MGET", a!, b!])).toEqual(["10", "20"]);
  });

  it("a transaction whose lock expired while it waited for another shard is aborted, then run again", async () => {
    const [a, b, c] = await keysOnShards("acct");
    await result(["MSET", a!, "1", b!, "2", c!, "3"]);
    expect((await stoppedAt("after-lock", ["MSET", b!, "x", c!, "y"])).json.error).toMatch(/test fault/);
    // Locks a, then waits behind the dead transaction's lock on b.
    const rename = call(["RENAME", a!, b!]);
    expect(await stillWaiting(rename)).toBe(true);
    // a's lock expires first (aborting the waiting attempt), then b's: the retry runs alone.
    await passLockDeadlines();
    expect((await rename).json).toEqual({ result: "OK" });
    expect(await result(["MGET", a!, b!, c!])).toEqual([null, "1", "3"]);
  });

  it("a participant at maxmemory still applies its part of a committed transaction", async () => {
    const [a, b] = await keysOnShards("mem");
    const big = "x".repeat(20_000);
    await result(["SET", a!, big]);
    // b's shard gets a maxmemory just above what it holds now (noeviction): its own writes answer OOM.
    const stub = shardStub(1); // keysOnShards answers one key per shard, in shard order
    await runInDurableObject(stub, (instance: Shard) => {
      const shard = instance as unknown as { config: ShardConfig; core: Core; start(): void };
      shard.config = shardConfig({ EDGESLOT_MAXMEMORY: String(shard.core.usedMemory() + 4096) });
      shard.start();
    });
    expect((await call(["SET", b!, big])).json.error).toMatch(/^OOM /);
    expect(await result(["RENAME", a!, b!])).toBe("OK");
    expect(await result(["STRLEN", b!])).toBe(20_000);
    expect(await result(["EXISTS", a!])).toBe(0);
    // Restarted with the binding's settings, it loads what it applied.
    await evictDurableObject(stub);
    expect(await result(["STRLEN", b!])).toBe(20_000);
  });

  it("while a transaction holds keys, an allow-key-locking script on other keys runs; an unflagged one waits", async () => {
    const [, b, c] = await keysOnShards("held");
    const [, free] = await keysOnShards("free"); // on b's shard, not locked
    expect((await stoppedAt("after-lock", ["MSET", b!, "x", c!, "y"])).json.error).toMatch(/test fault/);
    const flagged = "#!lua flags=allow-key-locking\nreturn redis.call('INCR', KEYS[1])";
    expect(await result(["EVAL", flagged, 1, free!])).toBe(1);
    // Without the flag the script may touch any key of the shard, so it waits for the lock to go.
    const unflagged = result(["EVAL", "return redis.call('INCR', KEYS[1])", 1, free!]);
    expect(await stillWaiting(unflagged)).toBe(true);
    await passLockDeadlines();
    expect(await unflagged).toBe(2);
  });

  it("a decision record is written once: a commit after a participant's abort is refused", async () => {
    const record = env.TX_DECISION.get(env.TX_DECISION.idFromName(decisionObjectName("a-test-tx")));
    expect(await record.resolve("a-test-tx", 0)).toEqual({ committed: false });
    expect(await record.commit("a-test-tx", { 0: new Uint8Array([1]).buffer as ArrayBuffer })).toBe(false);
    expect(await record.commit("b-test-tx", { 1: new TextEncoder().encode("writes").buffer as ArrayBuffer })).toBe(true);
    const answer = await record.resolve("b-test-tx", 1);
    expect(answer.committed && new TextDecoder().decode(answer.writes!)).toBe("writes");
    expect(await record.resolve("b-test-tx", 0)).toEqual({ committed: true, writes: null });
    expect(await record.commit("b-test-tx", {})).toBe(true);
  });
});

describe("cross-shard transactions under concurrency", () => {
  it("concurrent transfers (scripts and multi-exec) in opposing orders keep the total, each applied exactly once", async () => {
    const accounts = (await keysOnShards("acct")).concat(await keysOnShards("bank"));
    const received = accounts.map((account) => `{${account}}:received`);
    const start = 1000;
    await result(["MSET", ...accounts.flatMap((account) => [account, String(start)])]);

    let seed = 7;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const planned = Array.from({ length: 120 }, (_, i) => {
      const from = random(accounts.length);
      const to = (from + 1 + random(accounts.length - 1)) % accounts.length;
      return { from, to, amount: 1 + random(9), viaScript: i % 2 === 0 };
    });
    const totalScript = `local sum = 0 for i = 1, #KEYS do sum = sum + tonumber(redis.call('GET', KEYS[i])) end return sum`;
    const readers = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0
        ? result(["EVAL_RO", totalScript, accounts.length, ...accounts])
        : multiExec([["MGET", ...accounts]]).then((answer) => (answer.json[0].result as string[]).reduce((sum, v) => sum + Number(v), 0)),
    );
    const outcomes = await Promise.all(
      planned.map(({ from, to, amount, viaScript }) =>
        viaScript
          ? call(["EVAL", transfer, 3, accounts[from]!, accounts[to]!, received[to]!, amount])
          : multiExec([["DECRBY", accounts[from]!, amount], ["INCRBY", accounts[to]!, amount], ["INCR", received[to]!]]),
      ),
    );
    for (const total of await Promise.all(readers)) expect(total).toBe(start * accounts.length);

    const expected = accounts.map(() => start);
    const expectedReceived = accounts.map(() => 0);
    planned.forEach(({ from, to, amount }, i) => {
      expect(outcomes[i]!.status, JSON.stringify(outcomes[i]!.json)).toBe(200);
      expected[from]! -= amount;
      expected[to]! += amount;
      expectedReceived[to]!++;
    });
    expect((await result(["MGET", ...accounts])).map(Number)).toEqual(expected);
    expect((await result(["MGET", ...received])).map((v: string | null) => Number(v ?? 0))).toEqual(expectedReceived);
  }, 60_000);

  it("hot keys: a hundred concurrent increments of the same keys across shards all land", async () => {
    const [a, b, c, d] = await keysOnShards("hot");
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) => (i % 2 ? multiExec([["INCR", d!], ["INCR", a!], ["INCR", c!]]) : call(["EVAL", "for i = 1, #KEYS do redis.call('INCR', KEYS[i]) end return 1", 4, a!, b!, c!, d!]))),
    );
    expect(replies.every((reply) => reply.status === 200)).toBe(true);
    expect(await result(["MGET", a!, b!, c!, d!])).toEqual(["100", "50", "100", "100"]);
  }, 60_000);
});
