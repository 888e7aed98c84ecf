// The core's ABI: the export list is snapshotted so that changing it is a deliberate act (see wasm/README.md).
import { expect, it } from "vitest";
import coreModule from "../../wasm/build/core.wasm";
import transcodeModule from "../../wasm/build/transcode.wasm";

it("core.wasm exports exactly the documented ABI", () => {
  const exports = WebAssembly.Module.exports(coreModule).map((e) => `${e.name}:${e.kind}`).sort();
  expect(exports).toEqual([
    "effectsLen:function",
    "effectsPtr:function",
    "execute:function",
    "keyCount:function",
    "keySlotAt:function",
    "memory:memory",
    "replyLen:function",
    "replyPtr:function",
    "scratch:function",
    "seed:function",
    "seedKeyspace:function",
    "setEvictionPolicy:function",
    "setMaxMemory:function",
    "usedMemory:function",
    "volatileCount:function",
  ]);
});

it("core.wasm imports only env.abort", () => {
  expect(WebAssembly.Module.imports(coreModule).map((i) => `${i.module}.${i.name}`)).toEqual(["env.abort"]);
});

it("transcode.wasm exports exactly the documented ABI and imports nothing", () => {
  const exports = WebAssembly.Module.exports(transcodeModule).map((e) => `${e.name}:${e.kind}`).sort();
  expect(exports).toEqual([
    "commandTable:function",
    "input:function",
    "json:function",
    "memory:memory",
    "order:function",
    "parseRequest:function",
    "partition:function",
    "render:function",
    "replyInput:function",
    "replyShards:function",
    "shardOfSlot:function",
  ]);
  expect(WebAssembly.Module.imports(transcodeModule)).toEqual([]);
});
