// Sandbox escape attempts over any transport: each one is refused with an error reply, its writes
// (if any) are rolled back, and the same shard then answers the next script with nothing leaked.
import { describe, expect, it } from "vitest";
import type { Client } from "../transport";

interface Escape {
  name: string;
  script: string;
  /** What the error reply must say. */
  error: RegExp;
}

const MISSING = (name: string) => new RegExp(`Script attempted to access nonexistent global variable '${name}'`);
const NIL_CALL = /attempt to call a nil value/;
const READONLY = /Attempt to modify a readonly table/;
const BUDGET = /^BUSY Script aborted: it ran over the budget of \d+ Lua instructions script: [0-9a-f]{40}, on @user_script:\d+\.$/;
const STRING_CAP = /^ERR Script aborted: a string of \d+ bytes is over the limit of 16777216 bytes script: [0-9a-f]{40}, on @user_script:\d+\.$/;
const MEMORY_CAP = /^ERR Script aborted: it allocated more than 67108864 bytes script: [0-9a-f]{40}, on @user_script:\d+\.$/;

/** Each escape runs after `redis.call('SET', KEYS[1], 'dirty')`, so a refusal must also leave no write behind. */
const ESCAPES: readonly Escape[] = [
  { name: "string.dump of a function", script: "return string.dump(function() end)", error: NIL_CALL },
  { name: "load of precompiled bytecode", script: "return load(string.char(27) .. 'Lua')", error: MISSING("load") },
  { name: "loadstring", script: "return loadstring('return 1')()", error: MISSING("loadstring") },
  { name: "dofile", script: "return dofile('/etc/passwd')", error: MISSING("dofile") },
  { name: "loadfile", script: "return loadfile('/etc/passwd')", error: MISSING("loadfile") },
  { name: "require", script: "return require('os')", error: MISSING("require") },
  { name: "package.loaded", script: "return package.loaded", error: MISSING("package") },
  { name: "io.open", script: "return io.open('/etc/passwd')", error: MISSING("io") },
  { name: "os.execute", script: "return os.execute('ls')", error: NIL_CALL },
  { name: "os.getenv", script: "return os.getenv('HOME')", error: NIL_CALL },
  { name: "os.exit", script: "os.exit(1)", error: NIL_CALL },
  { name: "debug.getinfo", script: "return debug.getinfo(1)", error: MISSING("debug") },
  { name: "debug.sethook through _G", script: "_G.debug.sethook()", error: MISSING("debug") },
  { name: "collectgarbage", script: "collectgarbage('stop')", error: MISSING("collectgarbage") },
  { name: "getfenv (Lua 5.1)", script: "return getfenv(1)", error: MISSING("getfenv") },
  { name: "setfenv (Lua 5.1)", script: "setfenv(1, {})", error: MISSING("setfenv") },
  { name: "newproxy (Lua 5.1)", script: "return newproxy(true)", error: MISSING("newproxy") },
  { name: "setmetatable on _G", script: "setmetatable(_G, {})", error: /cannot change a protected metatable/ },
  { name: "removing _G's guard through getmetatable", script: "getmetatable(_G).__index = nil", error: /attempt to index a boolean value/ },
  { name: "creating a global", script: "leak = 1", error: READONLY },
  { name: "rawset on globals", script: "rawset(_G, 'leak', 1)", error: READONLY },
  { name: "rawset on the redis library", script: "rawset(redis, 'call', function() return 'hacked' end)", error: READONLY },
  { name: "replacing redis.call", script: "redis.call = function() return 'hacked' end", error: READONLY },
  { name: "replacing string.format", script: "string.format = nil", error: READONLY },
  { name: "getmetatable('').__index to reach the string library", script: "getmetatable('').__index.rep = nil", error: /attempt to index a boolean value/ },
  { name: "setmetatable on the redis library", script: "setmetatable(redis, nil)", error: /cannot change a protected metatable/ },
  { name: "_ENV assignment", script: "_ENV.leak = 1", error: READONLY },
  { name: "a local _ENV reaching a library", script: "local _ENV = {string = string}; string.upper = nil", error: READONLY },
  { name: "coroutine.yield from the main body", script: "coroutine.yield()", error: /attempt to yield from outside a coroutine/ },
  { name: "coroutine.yield across a C call", script: "coroutine.wrap(function() table.sort({3, 2, 1}, function(a, b) coroutine.yield() return a < b end) end)()", error: /attempt to yield across a JS-call boundary/ /* fengari says JS where Lua says C */ },
  { name: "a coroutine looping forever", script: "coroutine.wrap(function() while true do end end)()", error: BUDGET },
  { name: "pcall inside a coroutine swallowing the budget abort", script: "coroutine.wrap(function() while true do pcall(function() while true do end end) end end)()", error: BUDGET },
  { name: "xpcall inside a coroutine swallowing the budget abort", script: "coroutine.wrap(function() while true do xpcall(function() while true do end end, function() end) end end)()", error: BUDGET },
  { name: "pcall retrying the budget abort", script: "while true do pcall(function() while true do end end) end", error: BUDGET },
  { name: "redis.call in an endless loop", script: "while true do redis.call('APPEND', KEYS[1], 'x') end", error: BUDGET },
  { name: "coroutines created without end", script: "local t = {} while true do t[#t + 1] = coroutine.create(function() end) end", error: MEMORY_CAP },
  { name: "('x'):rep(1e9)", script: "return ('x'):rep(1e9)", error: STRING_CAP },
  { name: "huge string.rep caught by pcall", script: "local ok = pcall(string.rep, 'x', 1e9) return ok", error: STRING_CAP },
  { name: "string.rep of a long string", script: "return string.rep(('y'):rep(1e4), 1e5)", error: STRING_CAP },
  { name: "a concatenation doubling loop", script: "local s = 'x' while true do s = s .. s end", error: STRING_CAP },
  { name: "table.concat of a huge table", script: "local t, s = {}, ('x'):rep(1e6) for i = 1, 20 do t[i] = s end return #table.concat(t)", error: STRING_CAP },
  { name: "gsub replacement growth", script: "return #string.gsub(('x'):rep(1e6), 'x', ('%0'):rep(20))", error: /^(BUSY|ERR) Script aborted/ },
  { name: "a table growing without end", script: "local t = {} while true do t[#t + 1] = 1 end", error: MEMORY_CAP },
  { name: "tables of tables", script: "local t = {} while true do t[#t + 1] = {} end", error: MEMORY_CAP },
  { name: "closures without end", script: "local t = {} while true do local n = #t t[n + 1] = function() return n end end", error: MEMORY_CAP },
  { name: "copies of a large string held in a table", script: "local s, t = ('x'):rep(1e7), {} for i = 1, 100 do t[i] = s:sub(i) end", error: MEMORY_CAP },
  { name: "a backtracking pattern bomb", script: "return string.find(('a'):rep(5000), ('a*'):rep(30) .. 'b')", error: BUDGET },
  { name: "string.format with a huge width", script: "return string.format('%99999999s', 'x')", error: /invalid format \(width or precision too long\)/ },
  { name: "string.byte of a huge slice", script: "return string.byte(('x'):rep(1e6), 1, -1)", error: /string slice too long/ },
  { name: "table.unpack of a huge range", script: "return table.unpack({}, 1, 1e8)", error: /too many results to unpack/ },
  { name: "deep recursion", script: "local function f() return f() + 1 end return f()", error: /stack overflow/ },
  { name: "recursion through __index", script: "local t = setmetatable({}, {__index = function(t, k) return t[k] end}) return t.x", error: /stack overflow/ },
  { name: "an error table with __tostring", script: "error(setmetatable({}, {__tostring = function() return 'pwned' end}))", error: /^ERR \(error object is not a string\) script: / },
  { name: "an error table with __gc", script: "error(setmetatable({}, {__gc = function() while true do end end}))", error: /^ERR \(error object is not a string\) script: / },
  { name: "__tostring looping forever", script: "return tostring(setmetatable({}, {__tostring = function() while true do end end}))", error: BUDGET },
];

/** What a fresh run sees: libraries intact, no global leaked, the key untouched, the shard serving. */
const PROBE =
  "return {type(redis.call), type(string.rep), type(string.dump), tostring(getmetatable('')), " +
  "pcall(function() return leak end) and 'leak' or 'none', redis.call('EXISTS', KEYS[1]), redis.call('PING').ok, math.floor(2.5)}";
const CLEAN = ["function", "function", "nil", "false", "none", 0, "PONG", 2];

export function scriptingSandboxSuite(t: Client): void {
  describe(`script sandbox over ${t.name}`, () => {
    it(`lists at least 30 escape attempts`, () => {
      expect(new Set(ESCAPES.map((e) => e.name)).size).toBeGreaterThanOrEqual(30);
    });

    for (const escape of ESCAPES) {
      it(`refuses ${escape.name} and the shard serves on clean`, async () => {
        const entry = await t.exec(["EVAL", `redis.call('SET', KEYS[1], 'dirty')\n${escape.script}`, 1, "{s}escape"]);
        expect(entry.error, JSON.stringify(entry)).toMatch(escape.error);
        if (/Script aborted/.test(entry.error!)) expect(await t.result(["EXISTS", "{s}escape"])).toBe(0);
        else await t.result(["DEL", "{s}escape"]);
        expect(await t.result(["EVAL", PROBE, 1, "{s}escape"])).toEqual(CLEAN);
      });
    }

    it("math.randomseed in one run does not seed the next", async () => {
      const [, second] = await t.result(["EVAL", "math.randomseed(42) return {math.random(1000000000), math.random(1000000000)}", 0]);
      expect(await t.result(["EVAL", "math.randomseed(42) math.random(1000000000) return math.random(1000000000)", 0])).toBe(second);
      await t.result(["EVAL", "math.randomseed(42) return math.random(1000000000)", 0]);
      // Had the seed carried over, this would be the seeded sequence's second draw.
      expect(await t.result(["EVAL", "return math.random(1000000000)", 0])).not.toBe(second);
    });
  });
}
