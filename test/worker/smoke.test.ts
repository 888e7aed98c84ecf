import { env, SELF } from "cloudflare:test";
import { expect, it } from "vitest";
import slotModule from "../../wasm/build/slot.wasm";

it("smoke", async () => {
  const res = await SELF.fetch("http://x/");
  expect(await res.text()).toBe("edgeslot");
  const inst = new WebAssembly.Instance(slotModule, {});
  expect(WebAssembly.Module.exports(slotModule).length).toBe(3);
  const stub = env.SHARD.get(env.SHARD.idFromName("s0"));
  const out = await stub.execute(new Uint8Array([1, 2]).buffer);
  expect(new Uint8Array(out)).toEqual(new Uint8Array([1, 2]));
  void inst;
});
