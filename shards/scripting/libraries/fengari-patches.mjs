// The fengari patches the script libraries rely on (applied by bundle.mjs after its own): Lua 5.1's
// number text, its constant folding of -0.0, and glibc's "%p" of NULL. Each `from` must match once.
import { fileURLToPath } from "node:url";

export const libraryPatches = {
  // %p of a NULL pointer as glibc prints it: tostring(cjson.null) is "userdata: (nil)" in Redis.
  "lobject.js": [['pushstr(L, to_luastring("null"));', 'pushstr(L, to_luastring("(nil)"));']],
  // Lua 5.1 folds constants that are 0 or -0.0 too, so `-0.0` shares a function's constant slot with `0`
  // (whichever comes first), as in Redis: `tostring(-0.0) .. tostring(1/0)` is "-0-inf" there.
  "lcode.js": [["if (isNaN(n) || n === 0)\n            return false;", "if (isNaN(n))\n            return false;"]],
  // tostring and concatenation print numbers with "%.14g" as glibc does (1e+20, inf, and a NaN's sign:
  // 0/0 is "-nan", -(0/0) is "nan"), not with JS's toPrecision. An early return, so whatever body the
  // function has (fengari's, or another patch's) is left as it is, unreached.
  "luaconf.js": [
    [
      "const lua_number2str = function(n) {",
      `const lua_number2str = function(n) {\n    return require(${JSON.stringify(fileURLToPath(new URL("./c-number-format.ts", import.meta.url)))}).formatG(n, 14);`,
    ],
  ],
};
