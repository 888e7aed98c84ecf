// Differential: script shebangs, no-writes, *_RO and redis.log through the gateway against redis-server
// 7.0, reply for reply (error texts and their script suffixes included). Upstash's allow-key-locking
// and no-cluster are not sent: redis-server refuses or runs them differently (differences.ts).
import { describe, expect, it } from "vitest";
import { asJsonView, renderCommand, renderReply, repliesMatch } from "./compare";
import { GatewayTarget } from "./gateway-target";
import { useOracleAndGateway } from "./oracle-and-gateway";
import { MISSING_REDIS_MESSAGE, redisAvailability } from "./redis-server";

/** Every key shares the {f} tag, so each script's keys live on one shard. */
const CORPUS: string[][] = [
  ["EVAL", "#!lua flags=no-writes,allow-oom\nreturn 1", "0"],
  ["EVAL", "#!lua\nreturn redis.call('SET', KEYS[1], ARGV[1])", "1", "{f}a", "v"],
  ["EVAL", "#!lua flags=\nreturn redis.call('GET', KEYS[1])", "1", "{f}a"],
  ["EVAL", "#!lua  flags=no-writes \r\nreturn redis.call('GET', KEYS[1])", "1", "{f}a"],
  ["EVAL", '#!lua "flags=no-writes"\nreturn 5', "0"],
  ["EVAL", '#!"lua" flags=no-writes flags=allow-stale\nreturn 6', "0"],
  ["EVAL", "#!lua flags=allow-stale,allow-cross-slot-keys\nreturn 7", "0"],
  ["EVAL", "#!lua name=foo\nreturn 1", "0"],
  ["EVAL", "#!lua flags=no-writes foo=bar\nreturn 1", "0"],
  ["EVAL", "#!python\nreturn 1", "0"],
  ["EVAL", "#! lua\nreturn 1", "0"],
  ["EVAL", "#!Lua\nreturn 1", "0"],
  ["EVAL", "#!lua flags=bogus\nreturn 1", "0"],
  ["EVAL", "#!lua flags=No-writes\nreturn 1", "0"],
  ["EVAL", "#!lua flags=no-writes,,allow-oom\nreturn 1", "0"],
  ["EVAL", "#!lua flags=no-writes, allow-oom\nreturn 1", "0"],
  ["EVAL", '#!lua "flags\nreturn 1', "0"],
  ["EVAL", '#!lua flags="no-writes"x\nreturn 1', "0"],
  ["EVAL", "#!lua", "0"],
  ["EVAL", " #!lua\nreturn 1", "0"],
  ["EVAL", "#!lua flags=bogus\nreturn 1", "x"],
  ["EVAL", "#!lua flags=bogus\nreturn 1", "5"],
  ["EVAL", "#!lua flags=no-writes\nreturn redis.call('SET', KEYS[1], 'w')", "1", "{f}a"],
  ["EVAL", "#!lua flags=no-writes\nreturn redis.pcall('SET', KEYS[1], 'w')", "1", "{f}a"],
  ["EVAL", "#!lua flags=no-writes\n\n\nreturn redis.call('DEL', KEYS[1])", "1", "{f}a"],
  ["EVAL_RO", "#!lua\nreturn redis.call('GET', KEYS[1])", "1", "{f}a"],
  ["EVAL_RO", "#!lua flags=no-writes\nreturn redis.call('GET', KEYS[1])", "1", "{f}a"],
  ["EVAL_RO", "#!lua flags=no-writes\nreturn redis.call('SET', KEYS[1], 'w')", "1", "{f}a"],
  ["SCRIPT", "LOAD", "#!lua flags=bogus\nreturn 1"],
  ["SCRIPT", "LOAD", "#!lua flags=no-writes\nreturn redis.call('INCR', KEYS[1])"],
  ["EVALSHA", "0bfa5d5f8b8ef6a7ea4dc8efac1c3e0f8b2a85bb", "0"],
  // A fixed-window limiter with a shebang: INCRBY, then PEXPIRE on first use.
  ["EVAL", "#!lua\nlocal r = redis.call('INCRBY', KEYS[1], ARGV[2])\nif r == tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end\nreturn r", "1", "{f}w", "60000", "1"],
  ["EVAL", "#!lua\nlocal r = redis.call('INCRBY', KEYS[1], ARGV[2])\nif r == tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end\nreturn r", "1", "{f}w", "60000", "1"],
  ["EVAL", "return redis.log()", "0"],
  ["EVAL", "return redis.log(1)", "0"],
  ["EVAL", "return redis.log('x', 'y')", "0"],
  ["EVAL", "return redis.log(7, 'y')", "0"],
  ["EVAL", "return redis.log(-1, 'y')", "0"],
  ["EVAL", "\nreturn redis.log(redis.LOG_WARNING)", "0"],
  ["EVAL", "return redis.log(redis.LOG_NOTICE, 'differential', 1, {}, true)", "0"],
  ["EVAL", "return redis.log('3', nil)", "0"],
  ["EVAL", "return {redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING}", "0"],
  ["GET", "{f}a"],
];

const availability = redisAvailability();

describe.runIf(availability.available)("script shebangs and redis.log against redis-server 7.0", () => {
  const fixture = useOracleAndGateway();

  it("answers every script of the corpus as Redis does", async () => {
    const target = new GatewayTarget(fixture.gateway.url, fixture.gateway.token);
    const problems: string[] = [];
    for (const command of CORPUS) {
      const [want] = await fixture.client.send([command.map((arg) => Buffer.from(arg, "utf8"))]);
      const [got] = await target.send([command]);
      if (!repliesMatch(asJsonView(want!), got!, undefined)) {
        problems.push(`${renderCommand(command)}\n  redis-server: ${renderReply(asJsonView(want!), 200)}\n  edgeslot:     ${renderReply(got!, 200)}`);
      }
    }
    if (problems.length) expect.fail(problems.join("\n\n"));
  });
});

it.runIf(!availability.available && availability.required)("redis-server is installed", () => {
  expect.fail(MISSING_REDIS_MESSAGE);
});
