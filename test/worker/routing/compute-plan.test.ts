// MAPREDUCE's plan: which shards it reaches (every one, or a tagged MATCH's owner) and the refusals.
import { expect, it } from "vitest";
import { keySlot } from "../../../worker/routing/key-slot";
import { plan, type PlanOptions } from "../../../worker/routing/plan";
import { shardOfSlot } from "../../../worker/routing/slot-map";

const enc = new TextEncoder();
const cmd = (...args: string[]) => args.map((a) => enc.encode(a));
const options: PlanOptions = { shards: 4, readonly: false, maxKeyBytes: 32 * 1024, keySlot };
const shardsOf = (command: Uint8Array[], opts = options) => {
  const step = plan([command], opts).steps[0]!;
  return step.kind === "compute" ? step.shards : step;
};

it("MAPREDUCE reaches every shard, and no shard batch", () => {
  const p = plan([cmd("MAPREDUCE", "return 1", "COUNT")], options);
  expect(p.batches.every((batch) => batch.length === 0)).toBe(true);
  expect(shardsOf(cmd("MAPREDUCE", "return 1", "COUNT", "MATCH", "user*"))).toEqual([0, 1, 2, 3]);
});

it("a MATCH with a literal hash tag reaches only the tag's shard", () => {
  const owner = shardOfSlot(keySlot(enc.encode("user1")), 4);
  expect(shardsOf(cmd("MAPREDUCE", "return 1", "COUNT", "MATCH", "{user1}*"))).toEqual([owner]);
  expect(shardsOf(cmd("MAPREDUCE", "return 1", "TOPK", "3", "MATCH", "{user1}:*", "ARGS", "MATCH", "x"))).toEqual([owner]);
  expect(shardsOf(cmd("MAPREDUCE", "return 1", "COUNT", "MATCH", "{user1}*"), { ...options, shards: 1 })).toEqual([0]);
  // A glob inside or before the tag, or an empty tag, can match keys of any slot.
  for (const pattern of ["{user*}x", "*{user1}", "{}x", "{user1", "a?{user1}"]) {
    expect(shardsOf(cmd("MAPREDUCE", "return 1", "COUNT", "MATCH", pattern)), pattern).toEqual([0, 1, 2, 3]);
  }
  // ARGS take the rest: a MATCH among them is an argument.
  expect(shardsOf(cmd("MAPREDUCE", "return 1", "COUNT", "ARGS", "MATCH", "{user1}*"))).toEqual([0, 1, 2, 3]);
});

it("a read-only caller may not use WRITE", () => {
  const readonly = { ...options, readonly: true };
  expect(shardsOf(cmd("MAPREDUCE", "return 1", "COUNT"), readonly)).toEqual([0, 1, 2, 3]);
  expect(plan([cmd("MAPREDUCE", "return 1", "COUNT", "WRITE")], readonly).steps[0]).toMatchObject({ kind: "error", queued: true });
  expect(shardsOf(cmd("MAPREDUCE", "return 1", "COUNT", "ARGS", "WRITE"), readonly)).toEqual([0, 1, 2, 3]);
});
