// Bundles fengari for workerd into shards/scripting/build/fengari.js (run by `npm run build`).
// Node-only modules become stubs, and two patches give Redis's Lua 5.1 number model: every
// numeral is a double (fengari's integers are 32-bit and wrap) and integral floats print
// without ".0" (LUA_COMPAT_FLOATSTRING), so `tostring(3)` is "3" as in Redis. The rest report
// allocations and pattern-matching steps to fengari-meter.cjs, where limits.ts caps them.
import { build } from "esbuild";
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { libraryPatches } from "./libraries/fengari-patches.mjs";

const stub = fileURLToPath(new URL("./node-stubs.cjs", import.meta.url));
const meter = fileURLToPath(new URL("./fengari-meter.cjs", import.meta.url));
const cFormat = fileURLToPath(new URL("./c-format.cjs", import.meta.url));
const NODE_ONLY = /^(readline-sync|tmp|fs|os|path|child_process|crypto)$/;
const METER = 'const meter = require("edgeslot-meter");\n';
const STRICT = '"use strict";\n';

const patches = {
  "lobject.js": [
    ["o.setivalue(s2i.n);", "o.setfltvalue(s2i.n);"],
    [STRICT, STRICT + METER],
    ["constructor(L, n) {\n        this.id = L.l_G.id_counter++;", "constructor(L, n) {\n        if (meter.sink !== null) meter.sink.allocate(L, 160 + 16 * n);\n        this.id = L.l_G.id_counter++;"],
  ],
  // A stack of 1,000,000 slots takes ~330 MB of JS objects before "stack overflow": 65,536 slots
  // (~20 MB) still allow ~16,000 nested Lua calls, near Lua 5.1's LUAI_MAXCALLS of 20,000.
  // tostring/concatenation print numbers as C's "%.14g" (Lua 5.1's LUA_NUMBER_FMT), c-format.cjs:
  // fengari's toPrecision round trip printed 2^53 as "9007199254741000" and -1/0 as "-Infinity".
  "luaconf.js": [
    ["const conf = (process.env.FENGARICONF ? JSON.parse(process.env.FENGARICONF) : {});", "const conf = { LUA_COMPAT_FLOATSTRING: true, LUAI_MAXSTACK: 65536 };"],
    ["return String(Number(n.toPrecision(14))); /* should match behaviour of LUA_NUMBER_FMT */", 'return require("edgeslot-c-format").numberToString(n);'],
  ],
  // Every Lua string is blessed here (concatenation, library results, replies pushed by the host).
  "lstring.js": [
    [STRICT, STRICT + METER],
    ["lua_assert(str instanceof Uint8Array);\n    return new TString(L, str);", "lua_assert(str instanceof Uint8Array);\n    if (meter.sink !== null) meter.sink.string(L, str.length);\n    return new TString(L, str);"],
  ],
  // A result's size is known before its bytes are allocated: refuse it before, not after.
  "lvm.js": [
    [STRICT, STRICT + METER],
    ["let buff = new Uint8Array(tl);", "if (meter.sink !== null) meter.sink.reserve(L, tl);\n            let buff = new Uint8Array(tl);"],
    ["ltable.luaH_setint(h, last--, L.stack[ra + n]);", "ltable.luaH_setint(h, last--, L.stack[ra + n], L);"],
  ],
  // Each append to a buffer (gsub's replacements, table.concat, string.format) is JS work the count
  // hook never sees: charged as 4 instructions (~160 ns measured per append, ~22 ns per instruction).
  "lauxlib.js": [
    [STRICT, STRICT + METER],
    ["const luaL_prepbuffsize = function(B, sz) {", "const luaL_prepbuffsize = function(B, sz) {\n    if (meter.sink !== null) meter.sink.step(B.L, 4);"],
    ["let newbuff = new Uint8Array(newsize);", "if (meter.sink !== null) meter.sink.reserve(B.L, newsize);\n        let newbuff = new Uint8Array(newsize);"],
  ],
  "lapi.js": [
    ["ltable.luaH_setint(o.value, n, L.stack[L.top - 1]);", "ltable.luaH_setint(o.value, n, L.stack[L.top - 1], L);"],
    // fengari's setoah never sets the bit, so a pcall inside a coroutine that catches an error
    // raised by the count hook came back with hooks off for good: an unbudgeted loop.
    ["ci.callstatus &= ~lstate.CIST_OAH | L.allowhook;", "ci.callstatus = (ci.callstatus & ~lstate.CIST_OAH) | L.allowhook;"],
  ],
  "ltable.js": [
    [STRICT, STRICT + METER],
    // `#t` binary-searches from the Map's size (~19 lookups at 500,000 entries): a dense array's border is its size.
    ["let j = t.strong.size + 1; /* use known size of Map to kick start search */", "let j = t.strong.size + 1; /* use known size of Map to kick start search */\n    if (j > 1 && luaH_getint(t, j).ttisnil() && !luaH_getint(t, j - 1).ttisnil()) return j - 1;"],
    ["const luaH_new = function(L) {", "const luaH_new = function(L) {\n    if (meter.sink !== null) meter.sink.allocate(L, 450);"],
    // A new key (entry object, key and value TValues, Map slot): ~175 bytes measured.
    ["const luaH_setint = function(t, key, value) {", "const luaH_setint = function(t, key, value, L) {"],
    ["let k = new lobject.TValue(LUA_TNUMINT, key);", "if (L !== undefined && meter.sink !== null) meter.sink.allocate(L, 180);\n        let k = new lobject.TValue(LUA_TNUMINT, key);"],
    ["            k = new lobject.TValue(key.type, kv);\n        }\n", "            k = new lobject.TValue(key.type, kv);\n        }\n        if (meter.sink !== null) meter.sink.allocate(L, 180);\n"],
  ],
  "lstate.js": [
    [STRICT, STRICT + METER],
    ["const lua_newthread = function(L) {", "const lua_newthread = function(L) {\n    if (meter.sink !== null) meter.sink.allocate(L, 1100);"],
  ],
  // Backtracking runs in JS, unseen by the count hook: each match() step is charged as an instruction.
  // An empty string repeated 1e9 times would loop 1e9 times to build "".
  "lstrlib.js": [
    [STRICT, STRICT + METER],
    ["if (ms.matchdepth-- === 0)", "if (meter.sink !== null) meter.sink.step(ms.L, 1);\n    if (ms.matchdepth-- === 0)"],
    ["if (n <= 0) lua_pushliteral(L, \"\");", "if (n <= 0 || l + lsep === 0) lua_pushliteral(L, \"\");"],
    // Lua 5.1's %d and friends cast any number to a C long long (truncating; out of range is x86's
    // INT64_MIN) where 5.3 refuses a non-integral one; digits past 2^53 and %x of negatives are
    // printed from a BigInt (sprintf-js would print 2^62 rounded and hex from 32 bits).
    ["let n = luaL_checkinteger(L, arg);\n                    addlenmod(form, to_luastring(LUA_INTEGER_FRMLEN, true));\n                    luaL_addstring(b, to_luastring(sprintf(String.fromCharCode(...form), n)));", `const x = luaL_checknumber(L, arg);
                    const spec = String.fromCharCode(...form);
                    const conv = spec[spec.length - 1];
                    let n = Math.trunc(x);
                    if (!(n >= -9223372036854775808 && n < 9223372036854775808)) n = -9223372036854775808;
                    if ((conv === "d" || conv === "i") && Math.abs(n) < 9007199254740992) {
                        luaL_addstring(b, to_luastring(sprintf(spec, n)));
                    } else {
                        let digits;
                        if (conv === "d" || conv === "i") digits = BigInt(n).toString();
                        else {
                            /* gcc's double -> unsigned long long on x86-64: from 2^63 by subtracting 2^63 (2^64 and more give 0), below it the signed cast */
                            const u = x >= 9223372036854775808 ? (x < 18446744073709551616 ? BigInt(x) : 0n) : BigInt.asUintN(64, BigInt(n));
                            digits = u.toString(conv === "o" ? 8 : conv === "u" ? 10 : 16);
                            if (conv === "X") digits = digits.toUpperCase();
                        }
                        const [, flags, width] = /^%([-+ #0]*)(\\d*)/.exec(spec);
                        digits = flags.includes("-") ? digits.padEnd(Number(width)) : digits.padStart(Number(width), flags.includes("0") ? "0" : " ");
                        luaL_addstring(b, to_luastring(digits));
                    }`],
    // %e/%f/%g as C prints them (sprintf-js gives "1.2345678e+4" for %e and rounds ties up).
    ["let n = luaL_checknumber(L, arg);\n                    addlenmod(form, to_luastring(LUA_INTEGER_FRMLEN, true));\n                    luaL_addstring(b, to_luastring(sprintf(String.fromCharCode(...form), n)));", "let n = luaL_checknumber(L, arg);\n                    luaL_addstring(b, to_luastring(require(\"edgeslot-c-format\").formatSpec(String.fromCharCode(...form), n)));"],
    // %c: C's (int) cast; a NUL ends 5.1's buffer there (strlen), so it adds nothing.
    ["luaL_addchar(b, luaL_checkinteger(L, arg));", "{ const t = Math.trunc(luaL_checknumber(L, arg)); const c = t >= -2147483648 && t < 2147483648 ? ((t % 256) + 256) % 256 : 0; if (c !== 0) luaL_addchar(b, c); }"],
    // Lua 5.1's string.rep has no separator: a third argument is ignored, as in Redis.
    ["let sep = luaL_optstring(L, 3, \"\");", "let sep = new Uint8Array(0);"],
  ],
  // math.randomseed's state is module-wide (every Lua state in the isolate): the runtime resets it per run.
  "lmathlib.js": [["const math_randomseed = function(L) {", "module.exports.reset_random = function() { rand_state = void 0; };\nconst math_randomseed = function(L) {"]],
  "fengari.js": [["module.exports.lualib  = lualib;", "module.exports.lualib  = lualib;\nmodule.exports.meter   = require(\"edgeslot-meter\");\nmodule.exports.resetRandom = require(\"./lmathlib.js\").reset_random;"]],
};

await build({
  entryPoints: [fileURLToPath(new URL("../../node_modules/fengari/src/fengari.js", import.meta.url))],
  outfile: fileURLToPath(new URL("./build/fengari.js", import.meta.url)),
  bundle: true,
  format: "esm",
  platform: "neutral",
  mainFields: ["module", "main"],
  logLevel: "warning",
  define: { "process.env.FENGARICONF": "undefined" },
  plugins: [
    {
      name: "fengari-for-workerd",
      setup(b) {
        b.onResolve({ filter: NODE_ONLY }, () => ({ path: stub }));
        b.onResolve({ filter: /^edgeslot-meter$/ }, () => ({ path: meter }));
        b.onResolve({ filter: /^edgeslot-c-format$/ }, () => ({ path: cFormat }));
        b.onLoad({ filter: /fengari[\\/]src[\\/][a-z]+\.js$/ }, async (args) => {
          let contents = await readFile(args.path, "utf8");
          const name = args.path.split(/[\\/]/).pop();
          for (const [from, to] of [...(patches[name] ?? []), ...(libraryPatches[name] ?? [])]) {
            if (!contents.includes(from)) throw new Error(`fengari patch no longer applies to ${name}: ${from}`);
            contents = contents.replace(from, to);
          }
          return { contents, loader: "js" };
        });
      },
    },
  ],
});

// The bundle is plain JS (a CommonJS package, so one default export): the runtime reaches it through this loose declaration.
await writeFile(
  fileURLToPath(new URL("./build/fengari.d.ts", import.meta.url)),
  "declare const fengari: {\n  lua: any;\n  lauxlib: any;\n  lualib: any;\n  meter: { sink: unknown };\n  resetRandom(): void;\n  to_luastring(s: string): Uint8Array;\n  to_jsstring(s: Uint8Array): string;\n};\nexport default fengari;\n",
);
