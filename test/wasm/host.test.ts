// The host glue (wasm/host.ts): copies out of linear memory, counters, options and argument checks.
import { expect, it } from "vitest";
import coreModule from "../../wasm/build/core.wasm";
import { Core } from "../../wasm/host";
import { decodeReplies, encodeCommands } from "../../worker/wire/resp";

it("replies and effects are copies that survive later batches and memory growth", () => {
  const core = new Core(coreModule);
  const first = core.execute(encodeCommands([["SET", "a", "1"], ["GET", "a"]]), 1000);
  expect(first.count).toBe(2);
  // Grow memory well past its first size: views into the old buffer would be detached.
  core.execute(encodeCommands([["SET", "big", "x".repeat(8 * 1024 * 1024)]]), 1000);
  expect(new TextDecoder().decode(first.replies)).toBe("+OK\r\n$1\r\n1\r\n");
  expect(decodeReplies(first.effects).length).toBe(1);
});

it("counters follow the keyspace", () => {
  const core = new Core(coreModule);
  core.execute(encodeCommands([["SET", "a", "1", "EX", "10"], ["SET", "b", "2"]]), 1000);
  expect(core.keyCount()).toBe(2);
  expect(core.volatileCount()).toBe(1);
  expect(core.usedMemory()).toBeGreaterThan(0);
});

it("maxMemory from the options is enforced", () => {
  const core = new Core(coreModule, { maxMemory: 256 * 1024 });
  const { replies } = core.execute(encodeCommands([["SET", "a", "x".repeat(512 * 1024)]]), 1000);
  expect(new TextDecoder().decode(replies)).toBe("-OOM command not allowed when used memory > 'maxmemory'.\r\n");
});

it("a non-finite clock is refused before anything runs", () => {
  const core = new Core(coreModule);
  expect(() => core.execute(encodeCommands([["SET", "a", "1"]]), Number.NaN)).toThrow(RangeError);
  expect(core.keyCount()).toBe(0);
  expect(core.execute(encodeCommands([["PING"]]), 1000).count).toBe(1);
});
