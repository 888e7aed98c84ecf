// `npm run bench`: bundles the TypeScript bench suite with esbuild (installed with wrangler) and runs it on
// the Node of `npm run` (22, from devDependencies). Options are environment variables, see bench/main.ts.
import { build } from "esbuild";
import { fileURLToPath, pathToFileURL } from "node:url";
import { join, resolve } from "node:path";

const root = fileURLToPath(new URL("..", import.meta.url));
process.chdir(root);
// As in `npm start`: offline, wrangler would try to fetch Request.cf and send metrics (TOOLCHAIN.md).
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
process.env.WRANGLER_SEND_METRICS ??= "false";
// Sources import built .wasm files as compiled modules (wrangler's CompiledWasm rule); in Node the
// bundle compiles them from the file at load time instead, so the gateway's own modules run unchanged.
const compiledWasm = {
  name: "compiled-wasm",
  setup(build) {
    build.onResolve({ filter: /\.wasm$/ }, (args) => ({ path: resolve(args.resolveDir, args.path), namespace: "compiled-wasm" }));
    build.onLoad({ filter: /.*/, namespace: "compiled-wasm" }, (args) => ({
      contents: `import { readFileSync } from "node:fs";\nexport default new WebAssembly.Module(readFileSync(${JSON.stringify(args.path)}));`,
      loader: "js",
    }));
  },
};
const outfile = join(root, "bench", ".build", "main.mjs");
await build({
  entryPoints: [join(root, "bench", "main.ts")],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  // Packages stay imports (resolved from node_modules next to the output), only our sources are bundled.
  packages: "external",
  logLevel: "warning",
  plugins: [compiledWasm],
});
const { main } = await import(pathToFileURL(outfile).href);
process.exitCode = await main();
