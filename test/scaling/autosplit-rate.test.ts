// Automatic split by request rate: a shard serving far more commands than the others (past
// EDGESLOT_AUTOSPLIT_RATE times their mean, between two checks) is split by the coordinator with no
// operator call; memory plays no part (no memory threshold is set).
import { expect, it } from "vitest";
import { rangesOf, slotCount } from "../../shards/coordinator/slots";
import { pipeline, type CallOptions } from "../worker/gateway";
import { keysIn, MoveHarness, sleep } from "./moves";

const OPTIONS: CallOptions = {
  vars: { EDGESLOT_SHARDS: "2", EDGESLOT_REPLICAS: "0", EDGESLOT_AUTOSPLIT_RATE: "4", EDGESLOT_AUTOSPLIT_CHECK_MS: "200" },
};
const cluster = new MoveHarness(OPTIONS);

it("splits the shard whose command rate is far above the other's, and only it", { timeout: 120_000 }, async () => {
  const hot = keysIn(0, 8191, 50, "hot").map(([key]) => key);
  const cold = keysIn(8192, 16383, 2, "cold").map(([key]) => key);
  const setAll = await pipeline([...hot, ...cold].map((key) => ["SET", key, key]), OPTIONS);
  expect(setAll.status).toBe(200);
  expect((await cluster.topology()).groups).toHaveLength(2);

  // Shard 0 gets 50 commands for each one shard 1 gets, until the coordinator acts.
  let groups = 2;
  const until = Date.now() + 30_000;
  for (let round = 0; Date.now() < until && groups < 3; round++) {
    const answer = await pipeline([...hot.map((key) => ["GET", key]), ["GET", cold[round % 2]!]], OPTIONS);
    expect(answer.status).toBe(200);
    if (round % 10 === 9) {
      groups = (await cluster.topology()).groups.length;
      // Time for the coordinator's check to run between the requests.
      await sleep(20);
    }
  }
  expect(groups).toBe(3);

  const after = await cluster.settled();
  expect(slotCount(rangesOf(after.slots, 1))).toBe(8192);
  expect(slotCount(rangesOf(after.slots, 2))).toBe(4096);
  const read = await pipeline([...hot, ...cold].map((key) => ["GET", key]), OPTIONS);
  expect(read.json.map((reply: { result: string }) => reply.result)).toEqual([...hot, ...cold]);
  // The load stopped: no second split.
  await sleep(1000);
  expect((await cluster.topology()).groups).toHaveLength(3);
});
