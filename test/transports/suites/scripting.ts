// Scripts over any transport: EVAL/EVALSHA/SCRIPT through the gateway, conversions, errors, pcall,
// the budget, and read-only access.
import { describe, expect, it } from "vitest";
import type { Client } from "../transport";

const NOSCRIPT = "NOSCRIPT No matching script. Please use EVAL.";

export function scriptingSuite(t: Client, reader: Client): void {
  describe(`scripting over ${t.name}`, () => {
    it("EVAL with KEYS and ARGV, conversions both ways", async () => {
      expect(await t.result(["EVAL", "redis.call('SET', KEYS[1], ARGV[1]); return redis.call('INCRBY', KEYS[1], ARGV[2])", 1, "{s}k", "10", "5"])).toBe(15);
      expect(await t.result(["EVAL", "return {1, 3.9, 'x', true, false, nil, 5}", 0])).toEqual([1, 3, "x", 1, null]);
      expect(await t.result(["EVAL", "return {ok='FINE'}", 0])).toBe("FINE");
      expect(await t.result(["EVAL", "return redis.call('GET', KEYS[1]) == false", 1, "{s}missing"])).toBe(1);
      expect(await t.result(["EVAL", "return 1700000000000 + ARGV[1]", 0, "1"])).toBe(1700000000001);
    });

    it("errors, pcall and argument checks as Redis 7.0 words them", async () => {
      await t.result(["SET", "{s}str", "x"]);
      expect(await t.error(["EVAL", "return redis.call('INCR', KEYS[1])", 1, "{s}str"])).toMatch(
        /^ERR value is not an integer or out of range script: [0-9a-f]{40}, on @user_script:1\.$/,
      );
      expect(await t.result(["EVAL", "return redis.pcall('INCR', KEYS[1]).err", 1, "{s}str"])).toBe("ERR value is not an integer or out of range");
      expect(await t.error(["EVAL", "return {err='MY bad'}", 0])).toBe("MY bad");
      expect(await t.error(["EVAL", "return 1", 2, "a"])).toBe("ERR Number of keys can't be greater than number of args");
      expect(await t.error(["EVAL", "return 1", -1])).toBe("ERR Number of keys can't be negative");
      expect(await t.error(["EVALSHA", "0".repeat(40), 0])).toBe(NOSCRIPT);
      expect(await t.error(["EVAL_RO", "return redis.call('SET', KEYS[1], 'v')", 1, "{s}k"])).toMatch(/^ERR Write commands are not allowed from read-only scripts\. script: /);
    });

    it("SCRIPT LOAD reaches every shard; EVALSHA, SCRIPT EXISTS, SCRIPT FLUSH", async () => {
      const body = "return redis.call('INCR', KEYS[1])";
      const sha = (await t.result(["SCRIPT", "LOAD", body])) as string;
      expect(sha).toMatch(/^[0-9a-f]{40}$/);
      for (const key of ["a", "b", "c", "d", "e", "f"]) expect(await t.result(["EVALSHA", sha.toUpperCase(), 1, key])).toBe(1);
      expect(await t.result(["SCRIPT", "EXISTS", sha, "f".repeat(40)])).toEqual([1, 0]);
      expect(await t.result(["SCRIPT", "FLUSH"])).toBe("OK");
      expect(await t.error(["EVALSHA", sha, 1, "a"])).toBe(NOSCRIPT);
    });

    it("a script whose keys span shards runs atomically over all of them", async () => {
      const [a, b, c] = await t.keysOnShards("acct");
      await t.result(["MSET", a!, "100", b!, "5"]);
      const transfer = "local from = tonumber(redis.call('GET', KEYS[1])); if from < tonumber(ARGV[1]) then return redis.error_reply('INSUFFICIENT funds') end; redis.call('DECRBY', KEYS[1], ARGV[1]); return redis.call('INCRBY', KEYS[2], ARGV[1])";
      expect(await t.result(["EVAL", transfer, 2, a!, b!, "30"])).toBe(35);
      expect(await t.error(["EVAL", transfer, 2, a!, b!, "500"])).toBe("INSUFFICIENT funds");
      expect(await t.result(["MGET", a!, b!])).toEqual(["70", "35"]);
      const sha = (await t.result(["SCRIPT", "LOAD", transfer])) as string;
      expect(await t.result(["EVALSHA", sha, 2, b!, c!, "35"])).toBe(35);
      expect(await t.result(["MGET", a!, b!, c!])).toEqual(["70", "0", "35"]);
      expect(await t.result(["EVAL_RO", "return {redis.call('GET', KEYS[1]), redis.call('GET', KEYS[2])}", 2, a!, c!])).toEqual(["70", "35"]);
      // An undeclared key on a shard the script already spans is locked and fetched too (the run starts
      // over); one on any other shard was never locked: refused. As in Redis, an error does not undo the
      // writes before it; a script over its budget is rolled back whole.
      const [nearA, , , far] = await t.keysOnShards("undeclared");
      expect(await t.result(["EVAL", "redis.call('SET', ARGV[1], 'found'); return redis.call('INCRBY', KEYS[2], 1)", 2, a!, b!, nearA!])).toBe(1);
      expect(await t.result(["GET", nearA!])).toBe("found");
      expect(await t.error(["EVAL", `redis.call('SET', KEYS[1], 'kept'); return redis.call('GET', '${far}')`, 2, a!, b!])).toMatch(
        new RegExp(`^ERR Dynamic keys are not allowed in Lua scripts whose keys span shards\\. Key was: ${far} script: [0-9a-f]{40}, on @user_script:1\\.$`),
      );
      expect(await t.result(["GET", a!])).toBe("kept");
      expect(await t.error(["EVAL", "redis.call('SET', KEYS[1], 'gone'); while true do end", 2, a!, b!])).toMatch(/^BUSY Script aborted/);
      expect(await t.result(["GET", a!])).toBe("kept");
    });

    it("a runaway script is aborted and the shard keeps serving", async () => {
      expect(await t.error(["EVAL", "while true do end", 1, "{s}loop"])).toMatch(/^BUSY Script aborted/);
      expect(await t.result(["EVAL", "return redis.call('SET', KEYS[1], 'ok')", 1, "{s}loop"])).toBe("OK");
    });

    it("a read-only caller may run EVAL_RO but not EVAL", async () => {
      await t.result(["SET", "{s}r", "v"]);
      expect(await reader.result(["EVAL_RO", "return redis.call('GET', KEYS[1])", 1, "{s}r"])).toBe("v");
      expect(await reader.error(["EVAL", "return redis.call('GET', KEYS[1])", 1, "{s}r"])).toBeTruthy();
    });
  });
}
