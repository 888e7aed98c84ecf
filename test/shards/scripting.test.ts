// Scripts inside one shard: Redis 7.0's conventions, the budget, the persisted script cache and
// effects replication (a script's writes come back from the log after a restart).
import { env, evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Shard } from "../../shards/shard";
import { decodeReplies, encodeCommands, type Reply, ReplyError, Status } from "../../worker/wire/resp";

const text = (s: string) => new TextEncoder().encode(s);
const shardStub = () => env.SHARD.get(env.SHARD.idFromName(`scripting-${expect.getState().currentTestName}`));

async function run(stub: DurableObjectStub<Shard>, ...commands: (string | Uint8Array)[][]): Promise<Reply[]> {
  return decodeReplies(new Uint8Array(await stub.execute(encodeCommands(commands).buffer as ArrayBuffer)));
}

describe("scripting inside a shard", () => {
  it("runs EVAL between other commands of a batch, replies in order", async () => {
    const stub = shardStub();
    expect(
      await run(stub, ["SET", "k", "1"], ["EVAL", "return redis.call('INCR', KEYS[1])", "1", "k"], ["GET", "k"], ["eval", "return {ARGV[1], #KEYS}", "0", "a"]),
    ).toEqual([new Status("OK"), 2, text("2"), [text("a"), 0]]);
  });

  it("converts replies both ways", async () => {
    const stub = shardStub();
    expect(
      await run(
        stub,
        ["EVAL", "return {1, 2, 3.9, -3.7, 'x', true, false, nil, 5}", "0"],
        ["EVAL", "return {ok='FINE'}", "0"],
        ["EVAL", "return {err='MY bad'}", "0"],
        ["EVAL", "return redis.call('GET', 'missing') == false", "0"],
        ["EVAL", "return type(redis.call('SET', 'a', 'b')) .. redis.call('SET', 'a', 'b').ok", "0"],
        ["EVAL", "local t = redis.pcall('INCR', 'a'); return t.err", "0"],
        ["EVAL", "return 1700000000000 + 1", "0"],
        ["EVAL", "return tostring(2147483647 + 1)", "0"],
        ["EVAL", "redis.call('SET', 'n', 0.1); return redis.call('GET', 'n')", "0"],
        ["EVAL", "return redis.sha1hex('')", "0"],
        ["EVAL", "return redis.error_reply('nocode')", "0"],
        ["EVAL", "return redis.status_reply('X')", "0"],
        ["EVAL", "return redis.replicate_commands()", "0"],
        ["EVAL", "return unpack({1, 2})", "0"],
      ),
    ).toEqual([
      [1, 2, 3, -3, text("x"), 1, null],
      new Status("FINE"),
      new ReplyError("MY bad"),
      1,
      text("tableOK"),
      text("ERR value is not an integer or out of range"),
      1700000000001,
      text("2147483648"),
      text("0.10000000000000001"),
      text("da39a3ee5e6b4b0d3255bfef95601890afd80709"),
      new ReplyError("ERR nocode"),
      new Status("X"),
      1,
      1,
    ]);
  });

  it("prints numbers as redis-server 7.0's Lua 5.1 does (tostring, string.format)", async () => {
    const stub = shardStub();
    // Expected values are redis-server 7.0.15's for the same expressions.
    const cases: [string, string][] = [
      ["tostring(2^53)", "9.007199254741e+15"],
      ["tostring(123456789012345)", "1.2345678901234e+14"],
      ["tostring(-1/0) .. tostring(0/0)", "-inf-nan"],
      ["tostring(-2.5e-7)", "-2.5e-07"],
      ["string.format('%d|%i|%x|%c', 3.7, -3.7, 255.9, 65.5)", "3|-3|ff|A"],
      ["string.format('%d|%x|%u', 1e20, -1, -1)", "-9223372036854775808|ffffffffffffffff|18446744073709551615"],
      ["string.format('%.2f|%.2f|%.0f|%.0f', 0.125, 0.375, 2.5, 3.5)", "0.12|0.38|2|4"],
      ["string.format('%g|%g|%e|%G|%#g', 1e20, 100000, 12345.678, 1e-10, 1.5)", "1e+20|100000|1.234568e+04|1E-10|1.50000"],
      ["string.format('%010.2f|%-10.2e|%+.1f', -3.14159, -1234.5, 2.25)", "-000003.14|-1.23e+03 |+2.2"],
      ["string.rep('ab', 3, ',')", "ababab"],
    ];
    const replies = await run(stub, ...cases.map(([expression]) => ["EVAL", `return ${expression}`, "0"]));
    expect(replies.map((reply) => new TextDecoder().decode(reply as Uint8Array))).toEqual(cases.map(([, printed]) => printed));
  });

  it("pcall hands back an error table's err text, and out-of-range numbers reply INT64_MIN, as Redis 7.0", async () => {
    const stub = shardStub();
    expect(
      await run(
        stub,
        ["SET", "s", "x"],
        ["EVAL", "local ok, e = pcall(redis.call, 'INCR', 's') return {tostring(ok), type(e), e}", "0"],
        ["EVAL", "return {pcall(error, {err = 'MY text'})}", "0"],
        ["EVAL", "return {pcall()}", "0"],
        ["EVAL", "return {1e20, -1/0, 2^62}", "0"],
      ),
    ).toEqual([
      new Status("OK"),
      [text("false"), text("string"), text("ERR value is not an integer or out of range")],
      [null, text("MY text")],
      [null, text("attempt to call a boolean value")],
      [-(2n ** 63n), -(2n ** 63n), 2n ** 62n],
    ]);
  });

  it("words errors as Redis 7.0 does", async () => {
    const stub = shardStub();
    const sha = (s: string) => s; // the shas below are redis-server 7.0's for the same scripts
    const replies = await run(
      stub,
      ["SET", "s", "x"],
      ["EVAL", "return redis.call('incr','s')", "0"],
      ["EVAL", "return redis.call('nosuch')", "0"],
      ["EVAL", "return redis.call('get')", "0"],
      ["EVAL", "return redis.call('get', {})", "0"],
      ["EVAL", "error('boom')", "0"],
      ["EVAL", "return x", "0"],
      ["EVAL", "x = 1", "0"],
      ["EVAL", "return 1 +", "0"],
      ["EVAL", "return 1", "2", "a"],
      ["EVAL", "return 1", "-1"],
      ["EVAL", "return 1", "x"],
      ["EVALSHA", "abc", "0"],
      ["EVAL_RO", "return redis.call('set','a','b')", "0"],
      ["EVAL", "return redis.call('eval','return 1',0)", "0"],
    );
    expect(replies.slice(1).map((r) => (r as ReplyError).message)).toEqual([
      `ERR value is not an integer or out of range script: ${sha("c243b9f46db13ba8f69da41b45a77708832babed")}, on @user_script:1.`,
      `ERR Unknown Redis command called from script script: 206396248e12c6e742fd7296250433c8d7343b74, on @user_script:1.`,
      `ERR Wrong number of args calling Redis command from script script: f187dee77f607f7cff00bbabc9df38507582c78d, on @user_script:1.`,
      `ERR Lua redis lib command arguments must be strings or integers script: 4368e88f98d93af9caf358186e5fbf273374ee91, on @user_script:1.`,
      `ERR user_script:1: boom script: 82903a0434f1503e152f89c03c9acd881a0e8150, on @user_script:1.`,
      `ERR user_script:1: Script attempted to access nonexistent global variable 'x' script: 03c387736bb5cc009ff35151572cee04677aa374, on @user_script:1.`,
      `ERR user_script:1: Attempt to modify a readonly table script: 34bce5f775de97f557a34088509c8bfe1ea17e52, on @user_script:1.`,
      // fengari's parser is Lua 5.3's: it does not quote <eof> (differences.ts).
      `ERR Error compiling script (new function): user_script:1: unexpected symbol near <eof>`,
      "ERR Number of keys can't be greater than number of args",
      "ERR Number of keys can't be negative",
      "ERR value is not an integer or out of range",
      "NOSCRIPT No matching script. Please use EVAL.",
      `ERR Write commands are not allowed from read-only scripts. script: ff967d0ae0e68b4f9e360fa91c54598bc25ad9b6, on @user_script:1.`,
      `ERR This Redis command is not allowed from script script: 595931feb16e9cba240a2e4c6a852627761118e3, on @user_script:1.`,
    ]);
  });

  it("aborts a runaway script with an error and keeps serving", async () => {
    const stub = shardStub();
    const [aborted] = await run(stub, ["EVAL", "local i = 0\nwhile true do i = i + 1 end", "0"]);
    expect((aborted as ReplyError).message).toMatch(/^BUSY Script aborted: .* script: [0-9a-f]{40}, on @user_script:2\.$/);
    const [caught] = await run(stub, ["EVAL", "while true do pcall(function() while true do end end) end", "0"]);
    expect((caught as ReplyError).message).toMatch(/^BUSY /);
    expect(await run(stub, ["EVAL", "return 'alive'", "0"])).toEqual([text("alive")]);
  });

  it("rolls back the writes of a script aborted over its budget, keeping the batch's other writes", async () => {
    const stub = shardStub();
    const replies = await run(
      stub,
      ["SET", "before", "1"],
      ["EVAL", "redis.call('SET', 'trace', 'x'); redis.call('INCR', 'before'); while true do end", "0"],
      ["SET", "after", "2"],
      ["MGET", "before", "trace", "after"],
    );
    expect(replies[0]).toEqual(new Status("OK"));
    expect((replies[1] as ReplyError).message).toMatch(/^BUSY Script aborted/);
    expect(replies.slice(2)).toEqual([new Status("OK"), [text("1"), null, text("2")]]);
    await evictDurableObject(stub);
    expect(await run(stub, ["MGET", "before", "trace", "after"])).toEqual([[text("1"), null, text("2")]]);
  });

  it("refuses sandbox escapes without harming the shard", async () => {
    const stub = shardStub();
    const escapes = [
      "return io.open('/etc/passwd')",
      "return os.execute('ls')",
      "return os.getenv('HOME')",
      "return require('os')",
      "return load('return 1')()",
      "return loadstring('return 1')()",
      "return dofile('/etc/passwd')",
      "return loadfile('/etc/passwd')",
      "return string.dump(function() end)",
      "return debug.getinfo(1)",
      "return collectgarbage('count')",
      "return package.loaded",
      "setmetatable(_G, nil)",
      "leak = 1",
      "getmetatable(_G).__index = nil",
      "redis.call = function() return 1 end",
      "string.format = nil",
      "getmetatable('').__index.upper = nil",
      "setmetatable(redis, nil)",
    ];
    for (const script of escapes) {
      const [reply] = await run(stub, ["EVAL", script, "0"]);
      expect(reply, script).toBeInstanceOf(ReplyError);
    }
    // Nothing one run did is visible to the next.
    // rawset cannot write past the read-only tables either (Redis 7.0's words, no position).
    const [rawset] = await run(stub, ["EVAL", "rawset(_G, 'leak', 1); return leak", "0"]);
    expect((rawset as ReplyError).message).toMatch(/^ERR Attempt to modify a readonly table script: /);
    expect(await run(stub, ["EVAL", "pcall(rawset, redis, 'call', error); return redis.call('PING')", "0"])).toEqual([new Status("PONG")]);
    expect(await run(stub, ["EVAL", "return rawget(_G, 'leak') == nil", "0"])).toEqual([1]);
    expect(await run(stub, ["EVAL", "return os.clock() >= 0", "0"])).toEqual([1]);
    expect(await run(stub, ["EVAL", "return string.format('%s', ('x'):upper()) .. table.concat({1, 2}) .. math.floor(2.5)", "0"])).toEqual([text("X122")]);
  });

  it("a table that contains itself converts to nested arrays around `reached lua stack limit`, as in Redis 7.0 (1,000 deep, not 7,995)", async () => {
    const stub = shardStub();
    for (const script of ["local t = {} t[1] = t return t", "local t = {} local c = t for i = 1, 100000 do c[1] = {} c = c[1] end return t"]) {
      let [reply] = await run(stub, ["SET", "k", "v"], ["EVAL", script, "0"]).then((r) => r.slice(1));
      let depth = 0;
      while (Array.isArray(reply)) {
        expect(reply).toHaveLength(1);
        [reply] = reply;
        depth++;
      }
      expect({ depth, reply }).toEqual({ depth: 1000, reply: new ReplyError("ERR reached lua stack limit") });
    }
    expect(await run(stub, ["GET", "k"])).toEqual([text("v")]);
  });

  it("SCRIPT LOAD, EXISTS, FLUSH and EVALSHA; loaded scripts survive a restart", async () => {
    const stub = shardStub();
    const body = "return redis.call('INCRBY', KEYS[1], ARGV[1])";
    const [sha] = (await run(stub, ["SCRIPT", "LOAD", body])) as Uint8Array[];
    const hex = new TextDecoder().decode(sha);
    expect(hex).toMatch(/^[0-9a-f]{40}$/);
    expect(await run(stub, ["EVALSHA", hex.toUpperCase(), "1", "c", "5"], ["SCRIPT", "EXISTS", hex, "0".repeat(40)])).toEqual([5, [1, 0]]);
    await evictDurableObject(stub);
    expect(await run(stub, ["EVALSHA", hex, "1", "c", "2"], ["EVALSHA_RO", hex, "1", "c", "2"])).toEqual([
      7,
      new ReplyError(`ERR Write commands are not allowed from read-only scripts. script: ${hex}, on @user_script:1.`),
    ]);
    expect(await run(stub, ["SCRIPT", "FLUSH"], ["SCRIPT", "EXISTS", hex], ["EVALSHA", hex, "0"])).toEqual([
      new Status("OK"),
      [0],
      new ReplyError("NOSCRIPT No matching script. Please use EVAL."),
    ]);
    await evictDurableObject(stub);
    expect(await run(stub, ["SCRIPT", "EXISTS", hex])).toEqual([[0]]);
  });

  it("logs a script's effects, so its writes survive a restart", async () => {
    const stub = shardStub();
    await run(stub, ["EVAL", "redis.call('SET', KEYS[1], ARGV[1]); redis.call('RPUSH', KEYS[2], 'a', 'b'); return redis.call('LPOP', KEYS[2])", "2", "s", "l", "v"]);
    await evictDurableObject(stub);
    expect(await run(stub, ["GET", "s"], ["LRANGE", "l", "0", "-1"])).toEqual([text("v"), [text("b")]]);
  });
});
