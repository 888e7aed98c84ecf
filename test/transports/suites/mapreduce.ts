// MAPREDUCE over any transport: every reducer, MATCH/TYPE/COUNT/WRITE/ARGS, resumable runs with
// CURSOR, tagged MATCH, pipelines, and the errors.
import { describe, expect, it } from "vitest";
import type { Client } from "../transport";

const GET = "return redis.call('GET', KEYS[1])";

/** c0..c11 = 0..11 (counters spread over the shards), a few other types beside them. */
async function load(t: Client): Promise<void> {
  const commands: (string | number)[][] = [];
  for (let i = 0; i < 12; i++) commands.push(["SET", `c${i}`, i]);
  commands.push(["SET", "f1", "1.5"], ["SET", "f2", "2.25"]);
  commands.push(["HSET", "h1", "team", "red", "score", 3], ["HSET", "h2", "team", "blue", "score", 4], ["HSET", "h3", "team", "red", "score", 10]);
  commands.push(["ZADD", "z1", 5, "m"], ["ZADD", "z2", 9, "m"], ["ZADD", "z3", 9, "m"], ["ZADD", "z4", 1, "m"]);
  for (const entry of (await t.pipeline(commands)) as { error?: string }[]) expect(entry.error).toBeUndefined();
}

/** Runs a resumable MAPREDUCE to the end: every step's result and the final one. */
async function resume(t: Client, command: (string | number)[]): Promise<{ steps: number; result: unknown }> {
  let cursor = "0";
  for (let steps = 1; ; steps++) {
    const [next, result] = await t.result([...command, "CURSOR", cursor]);
    expect(typeof next).toBe("string");
    if (next === "0") return { steps, result };
    cursor = next;
    if (steps > 100) throw new Error("the cursor never came back to 0");
  }
}

export function mapReduceSuite(t: Client, reader: Client): void {
  describe(`MAPREDUCE over ${t.name}`, () => {
    it("SUM, COUNT, MIN, MAX and AVG of string counters", async () => {
      await load(t);
      expect(await t.result(["MAPREDUCE", GET, "SUM", "MATCH", "c*"])).toBe(66);
      expect(await t.result(["MAPREDUCE", GET, "COUNT", "MATCH", "c*"])).toBe(12);
      expect(await t.result(["MAPREDUCE", GET, "MIN", "MATCH", "c*"])).toBe(0);
      expect(await t.result(["MAPREDUCE", GET, "MAX", "MATCH", "c*"])).toBe(11);
      expect(await t.result(["MAPREDUCE", GET, "AVG", "MATCH", "c*"])).toBe("5.5");
      // A double among the inputs makes the result a double, formatted as Redis formats scores.
      expect(await t.result(["MAPREDUCE", GET, "SUM", "MATCH", "f*"])).toBe("3.75");
      expect(await t.result(["MAPREDUCE", GET, "MAX", "MATCH", "f*"])).toBe("2.25");
      expect(await t.result(["MAPREDUCE", GET, "SUM", "MATCH", "nothing*"])).toBe(0);
      expect(await t.result(["MAPREDUCE", GET, "AVG", "MATCH", "nothing*"])).toBe(null);
    });

    it("a small COUNT takes more rounds and gives the same answer", async () => {
      await load(t);
      expect(await t.result(["MAPREDUCE", GET, "SUM", "MATCH", "c*", "COUNT", 1])).toBe(66);
      expect(await t.result(["MAPREDUCE", "return 1", "COUNT", "COUNT", 2])).toBe(21);
    });

    it("TYPE selects keys of one type; a nil map result drops the key", async () => {
      await load(t);
      expect(await t.result(["MAPREDUCE", "return 1", "COUNT", "TYPE", "zset"])).toBe(4);
      expect(await t.result(["MAPREDUCE", "return 1", "COUNT", "TYPE", "hash"])).toBe(3);
      expect(await t.result(["MAPREDUCE", "local v = tonumber(redis.call('GET', KEYS[1])); if v % 2 == 0 then return v end", "COLLECT", "MATCH", "c*"]).then((v: number[]) => v.sort((a, b) => a - b))).toEqual([
        0, 2, 4, 6, 8, 10,
      ]);
    });

    it("COLLECT keeps each value as the map returned it", async () => {
      await load(t);
      const pairs: [string, string][] = await t.result(["MAPREDUCE", "return {KEYS[1], redis.call('HGET', KEYS[1], 'team')}", "COLLECT", "TYPE", "hash"]);
      expect(pairs.sort()).toEqual([["h1", "red"], ["h2", "blue"], ["h3", "red"]]);
    });

    it("TOPK n: highest values first, ties by key", async () => {
      await load(t);
      const score = "return redis.call('ZSCORE', KEYS[1], 'm')";
      expect(await t.result(["MAPREDUCE", score, "TOPK", 3, "TYPE", "zset"])).toEqual(["z2", 9, "z3", 9, "z1", 5]);
      expect(await t.result(["MAPREDUCE", score, "TOPK", 10, "TYPE", "zset", "COUNT", 1])).toEqual(["z2", 9, "z3", 9, "z1", 5, "z4", 1]);
    });

    it("GROUPBY sums per group, sorted by group", async () => {
      await load(t);
      const byTeam = "return redis.call('HMGET', KEYS[1], 'team', 'score')";
      expect(await t.result(["MAPREDUCE", byTeam, "GROUPBY", "TYPE", "hash"])).toEqual(["blue", 4, "red", 13]);
    });

    it("REDUCE runs a Lua script over the values (ARGV) on each shard, then over the shards' partials", async () => {
      await load(t);
      const sum = "local s = 0; for _, v in ipairs(ARGV) do s = s + tonumber(v) end; return s";
      expect(await t.result(["MAPREDUCE", GET, "REDUCE", sum, "MATCH", "c*"])).toBe(66);
      expect(await t.result(["MAPREDUCE", GET, "REDUCE", sum, "MATCH", "c*", "COUNT", 1])).toBe(66);
      const longest = "local best = ''; for _, v in ipairs(ARGV) do if #v > #best or (#v == #best and v > best) then best = v end end; return best";
      expect(await t.result(["MAPREDUCE", "return KEYS[1]", "REDUCE", longest, "MATCH", "c*"])).toBe("c11");
      // One key per shard per call: the script first runs at the gateway, over the shards' partials.
      const refuses = "if #ARGV > 1 then return redis.error_reply('ERR too many') end; return ARGV[1]";
      expect(await t.error(["MAPREDUCE", GET, "REDUCE", refuses, "MATCH", "c*", "COUNT", 1, "CURSOR", 0])).toBe("ERR too many");
      expect(await t.error(["MAPREDUCE", GET, "REDUCE", refuses, "MATCH", "c*"])).toBe("ERR too many");
      expect(await t.error(["MAPREDUCE", GET, "REDUCE", "return redis.call('GET', 'x')", "MATCH", "c*"])).toMatch(/^ERR a MAPREDUCE reduce script may not call commands script: [0-9a-f]{40}/);
    });

    it("ARGS become the map script's ARGV", async () => {
      await load(t);
      expect(await t.result(["MAPREDUCE", "return redis.call('GET', KEYS[1]) * ARGV[1] + ARGV[2]", "SUM", "MATCH", "c*", "ARGS", 10, 1])).toBe(672);
    });

    it("the map is read-only unless WRITE; with WRITE each key's map writes", async () => {
      await load(t);
      expect(await t.error(["MAPREDUCE", "return redis.call('INCR', KEYS[1])", "SUM", "MATCH", "c*"])).toMatch(
        /^ERR Write commands are not allowed from read-only scripts\. script: [0-9a-f]{40}, on @user_script:1\.$/,
      );
      expect(await t.result(["MAPREDUCE", "return redis.call('INCR', KEYS[1])", "SUM", "MATCH", "c*", "WRITE"])).toBe(78);
      expect(await t.result(["MGET", "c0", "c11"])).toEqual(["1", "12"]);
      // Each key is mapped once, also when the calls are small and the map adds keys as it goes.
      // c0 writes c0{c0}: the same slot (its tag), a key the same MATCH selects.
      const copy = "if not string.find(KEYS[1], '{', 1, true) then redis.call('SET', KEYS[1] .. '{' .. KEYS[1] .. '}', 1) end; return 1";
      const mapped = await t.result(["MAPREDUCE", copy, "COUNT", "MATCH", "c*", "COUNT", 1, "WRITE"]);
      expect(mapped).toBeGreaterThanOrEqual(12);
      expect(mapped).toBeLessThanOrEqual(24);
      expect(await t.result(["MAPREDUCE", "return 1", "COUNT", "MATCH", "c*{*"])).toBe(12);
      expect(await t.result(["MAPREDUCE", "return redis.call('INCR', KEYS[1])", "SUM", "MATCH", "c[0-9]", "COUNT", 1, "WRITE"])).toBe(65); // c0..c9 were 1..10 after the first INCR
      expect(await t.result(["MGET", "c0", "c9"])).toEqual(["2", "11"]);
    });

    it("a read-only caller may map, not WRITE", async () => {
      await load(t);
      expect(await reader.result(["MAPREDUCE", GET, "SUM", "MATCH", "c*"])).toBe(66);
      expect(await reader.error(["MAPREDUCE", GET, "SUM", "MATCH", "c*", "WRITE"])).toMatch(/^NOPERM /);
    });

    it("errors: the map's own, syntax, unknown reducer, values a reducer cannot take", async () => {
      await load(t);
      expect(await t.error(["MAPREDUCE", "return nosuch.call()", "SUM", "MATCH", "c*"])).toMatch(/^ERR .*nosuch.* script: [0-9a-f]{40}, on @user_script:1\.$/);
      expect(await t.error(["MAPREDUCE", "return {err='MY bad'}", "COUNT"])).toBe("MY bad");
      expect(await t.error(["MAPREDUCE", "return (", "SUM"])).toMatch(/^ERR Error compiling script/);
      expect(await t.error(["MAPREDUCE", GET, "SUM", "BOGUS", "x"])).toBe("ERR syntax error");
      expect(await t.error(["MAPREDUCE", GET, "SUM", "COUNT", 0])).toBe("ERR syntax error");
      expect(await t.error(["MAPREDUCE", GET, "SUM", "MATCH"])).toBe("ERR syntax error");
      expect(await t.error(["MAPREDUCE", GET, "TOPK", "x"])).toBe("ERR TOPK needs a positive integer");
      expect(await t.error(["MAPREDUCE", GET, "MEDIAN"])).toMatch(/^ERR unknown reducer 'MEDIAN'/);
      expect(await t.error(["MAPREDUCE", GET])).toBe("ERR wrong number of arguments for 'mapreduce' command");
      expect(await t.error(["MAPREDUCE", "return 'x'", "SUM", "MATCH", "c1"])).toBe("ERR MAPREDUCE SUM needs numbers: the map script returned a non-number for key 'c1'");
      expect(await t.error(["MAPREDUCE", "return 1", "GROUPBY", "MATCH", "c1"])).toMatch(/^ERR MAPREDUCE GROUPBY needs \{group, number\}/);
    });

    it("CURSOR: one round per call, [cursor, result so far], until the cursor is 0", async () => {
      await load(t);
      const { steps, result } = await resume(t, ["MAPREDUCE", GET, "SUM", "MATCH", "c*", "COUNT", 1]);
      expect(result).toBe(66);
      expect(steps).toBeGreaterThan(1);
      expect((await resume(t, ["MAPREDUCE", GET, "TOPK", 2, "MATCH", "c*", "COUNT", 2])).result).toEqual(["c11", 11, "c10", 10]);
      expect((await resume(t, ["MAPREDUCE", "return redis.call('HMGET', KEYS[1], 'team', 'score')", "GROUPBY", "TYPE", "hash", "COUNT", 1])).result).toEqual(["blue", 4, "red", 13]);
      expect((await resume(t, ["MAPREDUCE", GET, "AVG", "MATCH", "c*", "COUNT", 1])).result).toBe("5.5");
      // A big COUNT finishes in the first call.
      expect(await t.result(["MAPREDUCE", GET, "COUNT", "CURSOR", 0, "MATCH", "c*"])).toEqual(["0", 12]);
    });

    it("a call stops at the instruction budget (10 million over its map runs) and the cursor resumes after the last key mapped", async () => {
      // Six keys on one shard, about 4 million Lua instructions each: three fit in one call.
      await t.result(["MSET", "{b}1", 1, "{b}2", 2, "{b}3", 3, "{b}4", 4, "{b}5", 5, "{b}6", 6]);
      const heavy = "local x = 0; for i = 1, 2000000 do x = x + i end; return redis.call('GET', KEYS[1])";
      const [cursor, first] = await t.result(["MAPREDUCE", heavy, "COUNT", "MATCH", "{b}*", "CURSOR", 0]);
      expect(cursor).not.toBe("0");
      expect(first).toBe(3);
      const [next, total] = await t.result(["MAPREDUCE", heavy, "COUNT", "MATCH", "{b}*", "CURSOR", cursor]);
      expect([next, total]).toEqual(["0", 6]);
    });

    it("a cursor only resumes the command it came from", async () => {
      await load(t);
      const [cursor] = await t.result(["MAPREDUCE", GET, "SUM", "CURSOR", 0, "MATCH", "c*", "COUNT", 1]);
      expect(cursor).not.toBe("0");
      expect(await t.error(["MAPREDUCE", GET, "MAX", "CURSOR", cursor, "MATCH", "c*", "COUNT", 1])).toBe("ERR invalid cursor");
      expect(await t.error(["MAPREDUCE", GET, "SUM", "CURSOR", "garbage!", "MATCH", "c*", "COUNT", 1])).toBe("ERR invalid cursor");
    });

    it("MATCH on a hash tag maps only that tag's keys", async () => {
      await load(t);
      await t.result(["MSET", "{user1}a", 1, "{user1}b", 2, "{user2}a", 100]);
      expect(await t.result(["MAPREDUCE", GET, "SUM", "MATCH", "{user1}*"])).toBe(3);
      expect(await t.result(["MAPREDUCE", GET, "COLLECT", "MATCH", "{user2}*"])).toEqual(["100"]);
    });

    it("in a pipeline it sees the writes before it; a transaction refuses it", async () => {
      const replies = await t.pipeline([["SET", "p1", 5], ["MAPREDUCE", GET, "SUM", "MATCH", "p*"], ["SET", "p2", 7], ["MAPREDUCE", GET, "SUM", "MATCH", "p*"]]);
      expect(replies).toEqual([{ result: "OK" }, { result: 5 }, { result: "OK" }, { result: 12 }]);
      expect(await t.multiExec([["MAPREDUCE", GET, "SUM"]])).toEqual([{ error: "ERR MAPREDUCE is not allowed in a transaction" }]);
    });

    it("MAPREDUCE cannot be called from a script", async () => {
      expect(await t.error(["EVAL", `return redis.call('MAPREDUCE', "${GET}", 'SUM')`, 0])).toMatch(/^ERR This Redis command is not allowed from script/);
    });
  });
}
