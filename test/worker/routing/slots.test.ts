// Key slots through the gateway's WebAssembly module, and the slot → shard map.
import { describe, expect, it } from "vitest";
import { keySlot } from "../../../worker/routing/key-slot";
import { shardOfSlot, shardRange, SLOT_COUNT } from "../../../worker/routing/slot-map";
import { SLOT_CHECK_VALUES } from "./slot-check-values";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("keySlot", () => {
  it.each(SLOT_CHECK_VALUES)("CLUSTER KEYSLOT %j is %i as in Redis 7.0", (key, slot) => {
    expect(keySlot(bytes(key))).toBe(slot);
  });

  it("hashes binary keys and keys longer than one memory page", () => {
    expect(keySlot(new Uint8Array([0xff, 0x00, 0xfe]))).toBeGreaterThanOrEqual(0);
    const long = new Uint8Array(200_000).fill(0x61);
    long.set(bytes("{foo}"), 1000);
    expect(keySlot(long)).toBe(12182);
  });
});

describe("slot map", () => {
  it.each([1, 3, 4, 7, 16384])("%i shards cover every slot once, contiguously", (shards) => {
    let next = 0;
    for (let shard = 0; shard < shards; shard++) {
      const [first, last] = shardRange(shard, shards);
      expect(first).toBe(next);
      expect(last).toBeGreaterThanOrEqual(first);
      next = last + 1;
    }
    expect(next).toBe(SLOT_COUNT);
  });

  it.each([1, 3, 4, 7])("shardOfSlot agrees with the ranges for %i shards", (shards) => {
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      const shard = shardOfSlot(slot, shards);
      const [first, last] = shardRange(shard, shards);
      expect(slot >= first && slot <= last).toBe(true);
    }
  });

  it("4 shards own 0-4095, 4096-8191, 8192-12287, 12288-16383", () => {
    expect([0, 1, 2, 3].map((i) => shardRange(i, 4))).toEqual([[0, 4095], [4096, 8191], [8192, 12287], [12288, 16383]]);
  });
});
