// Compiles a built .wasm in Node. The Workers types declare WebAssembly.Module abstract (workerd forbids
// compiling at run time); Node allows it, so the bench reaches Node's constructor through a cast.
import { readFileSync } from "node:fs";

const NodeModule = WebAssembly.Module as unknown as new (bytes: Uint8Array) => WebAssembly.Module;

export function compileWasm(path: string): WebAssembly.Module {
  return new NodeModule(readFileSync(path));
}
