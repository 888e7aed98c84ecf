// MAPREDUCE's resume positions against the core's real SCAN: the JS port of hashKey places every key
// where the core's SCAN order puts it, and after a smaller table (a restart after deletions) the
// position mark is what keeps a key from being mapped twice.
import { expect, it } from "vitest";
import coreModule from "../../../wasm/build/core.wasm";
import { Core } from "../../../wasm/host";
import { cursorAt, DONE, keyPosition, positionOf } from "../../../shards/compute/scan-position";
import { decodeReplies, encodeCommands } from "../../../worker/wire/resp";

const dec = new TextDecoder();

function coreWith(keys: string[], keySeed?: number): Core {
  const core = new Core(coreModule, keySeed === undefined ? {} : { keySeed });
  for (let i = 0; i < keys.length; i += 500) core.execute(encodeCommands(keys.slice(i, i + 500).map((k) => ["SET", k, "1"])), 1000);
  return core;
}

function scanPage(core: Core, position: number, count: number): { keys: Uint8Array[]; end: number } {
  const [reply] = decodeReplies(core.execute(encodeCommands([["SCAN", String(cursorAt(position)), "COUNT", String(count)]]), 1000).replies);
  const [cursor, keys] = reply as [Uint8Array, Uint8Array[]];
  return { keys, end: positionOf(Number(dec.decode(cursor))) };
}

const names = (n: number, prefix = "key:") => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

// A shard's core hashes its keyspace with its group's seed; an unseeded core (tests, scratch cores) with none.
it.each([undefined, 0, 123_456_789, 0xffffffff])("every key a SCAN page returns sits between the page's start and end positions (key seed %s)", (keySeed) => {
  const core = coreWith(names(5000, "binary\u00ff-safe:"), keySeed);
  let position = 0;
  let seen = 0;
  while (position < DONE) {
    const { keys, end } = scanPage(core, position, 37);
    for (const key of keys) {
      const at = keyPosition(key, keySeed);
      expect(at).toBeGreaterThanOrEqual(position);
      expect(at).toBeLessThan(end);
    }
    seen += keys.length;
    expect(end).toBeGreaterThan(position);
    position = end;
  }
  expect(seen).toBe(5000);
});

it("a smaller table makes SCAN return keys already passed; the position mark skips exactly those", () => {
  const all = names(4000);
  const big = coreWith(all);
  let mark = 0;
  const mapped = new Set<string>();
  for (let page = 0; page < 40; page++) {
    const { keys, end } = scanPage(big, mark, 50);
    for (const key of keys) mapped.add(dec.decode(key));
    mark = end;
  }
  // The shard restarts holding only some keys: its table is rebuilt smaller (~110 keys: 256 buckets,
  // so a bucket spans the top 8 bits of a position). Kept: every 40th key, and the keys just below
  // the mark in its bucket, which the small table's SCAN returns again.
  const bucketStart = (mark & 0xff000000) >>> 0;
  const kept = all.filter((name, i) => {
    const at = keyPosition(new TextEncoder().encode(name));
    return i % 40 === 0 || (at >= bucketStart && at < mark);
  });
  expect(kept.length).toBeLessThan(192);
  const small = coreWith(kept);
  let position = mark;
  let revisited = 0;
  const again: string[] = [];
  while (position < DONE) {
    const { keys, end } = scanPage(small, position, 50);
    for (const key of keys) {
      const name = dec.decode(key);
      if (keyPosition(key) < mark) {
        revisited++;
        expect(mapped.has(name), name).toBe(true);
      } else again.push(name);
    }
    position = Math.max(position, end);
  }
  expect(revisited).toBeGreaterThan(0);
  // Every kept key is mapped exactly once over the two tables.
  expect(again.filter((name) => mapped.has(name))).toEqual([]);
  expect(new Set([...again, ...[...mapped].filter((name) => kept.includes(name))])).toEqual(new Set(kept));
});
