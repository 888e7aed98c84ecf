// Script shebang flags and key rules over any transport (4 shards): Redis 7.0's texts, Upstash's
// allow-key-locking as @upstash/ratelimit 2.x uses it, and Redis Cluster's non-local key error.
import { describe, expect, it } from "vitest";
import type { Client } from "../transport";

const NOSCRIPT = "NOSCRIPT No matching script. Please use EVAL.";
const SCRIPT_AT = / script: [0-9a-f]{40}, on @user_script:\d+\.$/;

/** The shape of @upstash/ratelimit 2.2.0's fixed-window script: allow-key-locking, declared keys
 * (the second one optional and empty), INCRBY then PEXPIRE on first use. */
const FIXED_WINDOW = `#!lua flags=allow-key-locking
  local key           = KEYS[1]
  local dynamicLimitKey = KEYS[2]
  local tokens        = tonumber(ARGV[1])
  local window        = ARGV[2]
  local incrementBy   = ARGV[3]
  local effectiveLimit = tokens
  if dynamicLimitKey and dynamicLimitKey ~= "" then
    local dynamicLimit = redis.call("GET", dynamicLimitKey)
    if dynamicLimit then effectiveLimit = tonumber(dynamicLimit) end
  end
  local r = redis.call("INCRBY", key, incrementBy)
  if r == tonumber(incrementBy) then
    redis.call("PEXPIRE", key, window)
  end
  return {r, effectiveLimit}
`;

export function scriptingFlagsSuite(t: Client): void {
  describe(`script flags and keys over ${t.name}`, () => {
    it("shebang errors as Redis 7.0 words them", async () => {
      expect(await t.error(["EVAL", "#!lua flags=bogus\nreturn 1", 0])).toBe("ERR Unexpected flag in script shebang: bogus");
      expect(await t.error(["EVAL", "#!python\nreturn 1", 0])).toBe("ERR Unexpected engine in script shebang: #!python");
      expect(await t.error(["EVAL", "#!lua name=f\nreturn 1", 0])).toBe("ERR Unknown lua shebang option: name=f");
      expect(await t.error(["EVAL", "#!lua", 0])).toBe("ERR Invalid script shebang");
      expect(await t.error(["SCRIPT", "LOAD", "#!lua flags=bogus\nreturn 1"])).toBe("ERR Unexpected flag in script shebang: bogus");
      expect(await t.error(["EVAL", "#!lua flags=no-cluster\nreturn 1", 0])).toBe("ERR Can not run script on cluster, 'no-cluster' flag is set.");
      expect(await t.result(["EVAL", "#!lua flags=allow-stale,allow-cross-slot-keys,allow-oom\nreturn 1", 0])).toBe(1);
    });

    it("no-writes scripts read but cannot write; *_RO needs no-writes", async () => {
      expect(await t.result(["EVAL", "#!lua\nreturn redis.call('SET', KEYS[1], 'v')", 1, "{f}k"])).toBe("OK");
      expect(await t.result(["EVAL", "#!lua flags=no-writes\nreturn redis.call('GET', KEYS[1])", 1, "{f}k"])).toBe("v");
      expect(await t.error(["EVAL", "#!lua flags=no-writes\nreturn redis.call('DEL', KEYS[1])", 1, "{f}k"])).toMatch(
        /^ERR Write commands are not allowed from read-only scripts\. script: [0-9a-f]{40}, on @user_script:2\.$/,
      );
      expect(await t.error(["EVAL_RO", "#!lua\nreturn 1", 1, "{f}k"])).toBe("ERR Can not execute a script with write flag using *_ro command.");
      expect(await t.result(["EVAL_RO", "#!lua flags=no-writes\nreturn redis.call('GET', KEYS[1])", 1, "{f}k"])).toBe("v");
    });

    it("@upstash/ratelimit's allow-key-locking script: EVALSHA, NOSCRIPT, then EVAL; counts per window", async () => {
      const sha = (await t.result(["SCRIPT", "LOAD", FIXED_WINDOW])) as string;
      expect(await t.result(["SCRIPT", "FLUSH"])).toBe("OK");
      // rl:user:2 is in slot 265 and "" in slot 0: both on shard 0 of 4.
      expect(await t.error(["EVALSHA", sha, 2, "rl:user:2", "", 3, 60000, 1])).toBe(NOSCRIPT);
      expect(await t.result(["EVAL", FIXED_WINDOW, 2, "rl:user:2", "", 3, 60000, 1])).toEqual([1, 3]);
      expect(await t.result(["EVALSHA", sha, 2, "rl:user:2", "", 3, 60000, 1])).toEqual([2, 3]);
      expect(await t.result(["EVALSHA", sha, 2, "rl:user:2", "", 3, 60000, 2])).toEqual([4, 3]);
      const ttl = (await t.result(["PTTL", "rl:user:2"])) as number;
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60000);
    });

    it("allow-key-locking refuses an undeclared key; pcall returns the error", async () => {
      const script = "#!lua flags=allow-key-locking\nreturn redis.call('GET', KEYS[1] .. ':other')";
      const error = await t.error(["EVAL", script, 1, "{f}a"]);
      expect(error.replace(SCRIPT_AT, "")).toBe("ERR Dynamic keys are not allowed in Lua scripts when 'allow-key-locking' flag is set. Key was: {f}a:other");
      expect(error).toMatch(/on @user_script:2\.$/);
      expect(await t.result(["EVAL", "#!lua flags=allow-key-locking\nreturn redis.pcall('GET', 'x').err", 1, "{f}a"])).toBe(
        "ERR Dynamic keys are not allowed in Lua scripts when 'allow-key-locking' flag is set. Key was: x",
      );
    });

    it("an undeclared key of the script's shard is fine; a key of another shard is Redis Cluster's error", async () => {
      // Slots (Redis's CLUSTER KEYSLOT): foo{hash_tag} 2515 and {user1000}.following 3443 on shard 0 of 4; foo 12182 on shard 2.
      expect(await t.result(["EVAL", "redis.call('SET', KEYS[1], 1)\nreturn redis.call('INCR', '{user1000}.following')", 1, "foo{hash_tag}"])).toBe(1);
      const error = await t.error(["EVAL", "redis.call('SET', KEYS[1], 2)\nreturn redis.call('GET', 'foo')", 1, "foo{hash_tag}"]);
      expect(error).toMatch(/^ERR Script attempted to access a non local key in a cluster node script: [0-9a-f]{40}, on @user_script:2\.$/);
      expect(await t.result(["EVAL", "return redis.pcall('SET', 'foo', 'x').err", 1, "foo{hash_tag}"])).toBe(
        "ERR Script attempted to access a non local key in a cluster node",
      );
      // Redis keeps a script's writes made before its error; foo was never written.
      expect(await t.result(["MGET", "foo{hash_tag}", "foo"])).toEqual(["2", null]);
    });

    it("redis.log checks its arguments", async () => {
      expect((await t.error(["EVAL", "redis.log(redis.LOG_WARNING)", 0])).replace(SCRIPT_AT, "")).toBe("ERR redis.log() requires two arguments or more.");
      expect((await t.error(["EVAL", "redis.log('x', 'y')", 0])).replace(SCRIPT_AT, "")).toBe("ERR First argument must be a number (log level).");
      expect((await t.error(["EVAL", "redis.log(4, 'y')", 0])).replace(SCRIPT_AT, "")).toBe("ERR Invalid debug level.");
      expect(await t.result(["EVAL", "redis.log(redis.LOG_NOTICE, 'edgeslot transport suite'); return 'logged'", 0])).toBe("logged");
    });
  });
}
