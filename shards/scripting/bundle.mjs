// Bundles fengari for workerd into shards/scripting/build/fengari.js (run by `npm run build`).
// Node-only modules become stubs, and two patches give Redis's Lua 5.1 number model: every
// numeral is a double (fengari's integers are 32-bit and wrap) and integral floats print
// without ".0" (LUA_COMPAT_FLOATSTRING), so `tostring(3)` is "3" as in Redis.
import { build } from "esbuild";
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { libraryPatches } from "./libraries/fengari-patches.mjs";

const stub = fileURLToPath(new URL("./node-stubs.cjs", import.meta.url));
const NODE_ONLY = /^(readline-sync|tmp|fs|os|path|child_process|crypto)$/;

const patches = {
  "lobject.js": [["o.setivalue(s2i.n);", "o.setfltvalue(s2i.n);"]],
  "luaconf.js": [
    ["const conf = (process.env.FENGARICONF ? JSON.parse(process.env.FENGARICONF) : {});", "const conf = { LUA_COMPAT_FLOATSTRING: true };"],
  ],
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
  "declare const fengari: {\n  lua: any;\n  lauxlib: any;\n  lualib: any;\n  to_luastring(s: string): Uint8Array;\n  to_jsstring(s: Uint8Array): string;\n};\nexport default fengari;\n",
);
