// A slot move whose source primary fails after freezing, in a deployment with a replica per shard
// (sync): the coordinator promotes the replica, which holds the freeze through the log, and the move
// resumes from it once the old primary is back as its replica. Every key ends with one owner and its last acknowledged value, and the target's
// replica follows the slots it took.
import { expect, it } from "vitest";
import { call } from "../worker/gateway";
import { direct, keysIn, member, MoveHarness, sleep } from "./moves";

const VARS: Partial<Env> = {
  EDGESLOT_SHARDS: "2",
  EDGESLOT_REPLICAS: "1",
  EDGESLOT_REPLICATION: "sync",
  EDGESLOT_FAILOVER_AFTER: "1",
  EDGESLOT_PROBE_MS: "300",
  EDGESLOT_CALL_TIMEOUT_MS: "800",
};
const cluster = new MoveHarness({ vars: VARS });

it("the source's replica, promoted mid-move, holds the freeze and the move completes from it", { timeout: 300_000 }, async () => {
  const moving = keysIn(0, 199, 60, "m");
  const onSource = keysIn(5000, 8191, 20, "s");
  const onTarget = keysIn(8192, 16383, 20, "t");
  for (const keys of [moving, onSource, onTarget]) await cluster.writeAll(keys, "v0");
  const before = await cluster.topology();
  const [source, target] = before.groups;
  expect(source!.replicas).toHaveLength(1);

  await cluster.moveUntilFault(0, 199, 1, { at: "slotsExport" });
  // The source primary fails (writes to the frozen range sent now may meet it failing).
  const early = cluster.writeEach(moving, "v1");
  await member(source!.primary).testFault("fail");
  // Writes to the source's other keys report the failure (the first may fail: its outcome is unknown);
  // the coordinator promotes the replica and the rest are served by it.
  await cluster.writeEach(onSource, "v1");
  for (let i = 0; i < 100 && (await cluster.topology()).groups[0]!.primary === source!.primary; i++) await sleep(50);
  const promoted = (await cluster.topology()).groups[0]!;
  expect(promoted.primary).toBe(source!.replicas[0]);
  expect(promoted.epoch).toBeGreaterThan(source!.epoch);
  // The old primary comes back as the new one's replica: sync writes and the next freeze need its ack.
  await member(source!.primary).testFault("clear");
  await cluster.writeEach(onSource, "v2");
  // The promoted replica holds the freeze: these wait in the gateway until the range is published.
  const inRange = cluster.writeEach(moving, "v2");

  const after = await cluster.settled();
  expect(after.groups[0]!.primary).toBe(source!.replicas[0]);
  await early;
  expect(await inRange).toBe(0);
  expect(after.slots.ranges.find((range) => range.first === 0)).toMatchObject({ last: 199, group: 1 });
  await cluster.checkOwnership();

  // Sync replication: an acknowledged write on the target means its replica applied everything before.
  expect((await call(["SET", onTarget[0]![0], "sync"], { vars: VARS })).json.result).toBe("OK");
  await cluster.writeAll([onTarget[0]!], "v3");
  const replica = target!.replicas[0]!;
  expect(await member(replica).slotsState()).toEqual(await member(target!.primary).slotsState());
  expect(await member(replica).digest()).toBe(await member(target!.primary).digest());
  expect(await direct(target!.primary, moving.map(([key]) => ["EXISTS", key]))).toEqual(moving.map(() => 1));
});
