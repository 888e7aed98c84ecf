// Asynchronous MAPREDUCE jobs over HTTP: POST /compute, GET /compute/<id> progress and result, cancel;
// a job and a shard restarting mid-job still give the exact answer.
import { env, evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { jobObjectName } from "../../../shards/compute/job";
import { type CallOptions, pipeline, READONLY_TOKEN, request, useEmptyStore } from "../gateway";

useEmptyStore();

const GET = "return redis.call('GET', KEYS[1])";
const jobStub = (id: string) => env.COMPUTE_JOB.get(env.COMPUTE_JOB.idFromName(jobObjectName(id)));
const start = async (command: (string | number)[], options?: CallOptions) => request("/compute", JSON.stringify(command), options);
const progress = async (id: string) => (await request(`/compute/${id}`, undefined)).json.result;

/** Runs the job's rounds (its alarm may also fire by itself) until it ends; every view seen, in order. */
async function untilEnded(id: string, between: (round: number) => Promise<void> = async () => {}) {
  const views = [await progress(id)];
  for (let i = 0; views.at(-1).status === "running"; i++) {
    if (i > 500) throw new Error(`job ${id} never ended: ${JSON.stringify(views.at(-1))}`);
    await runDurableObjectAlarm(jobStub(id));
    await between(i);
    views.push(await progress(id));
  }
  return views;
}

it("MAPREDUCE with WRITE changes the upstash-sync-token; without, it echoes it", async () => {
  await pipeline([["SET", "s1", 1]]);
  const before = (await request("/", JSON.stringify(["GET", "s1"]))).headers.get("upstash-sync-token")!;
  const read = await request("/", JSON.stringify(["MAPREDUCE", GET, "SUM"]), { headers: { "upstash-sync-token": before } });
  expect(read.headers.get("upstash-sync-token")).toBe(before);
  const wrote = await request("/", JSON.stringify(["MAPREDUCE", "return redis.call('INCR', KEYS[1])", "SUM", "WRITE"]), { headers: { "upstash-sync-token": before } });
  expect(wrote.json).toEqual({ result: 2 });
  expect(wrote.headers.get("upstash-sync-token")).not.toBe(before);
});

describe("POST /compute: asynchronous MAPREDUCE jobs", () => {
  it("a job over 200,000 keys on 4 shards reports progress monotonically, survives restarts of the job and of a shard, and gives the exact result", async () => {
    const KEYS = 200_000;
    for (let from = 0; from < KEYS; from += 10_000) {
      const load = Array.from({ length: 10_000 }, (_, i) => ["SET", `c${from + i}`, from + i]);
      expect((await pipeline(load)).status).toBe(200);
    }
    const started = await start(["MAPREDUCE", GET, "SUM", "MATCH", "c*"]);
    expect(started.status).toBe(200);
    const id: string = started.json.result;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const views = await untilEnded(id, async (round) => {
      if (round === 1) await evictDurableObject(jobStub(id));
      if (round === 2) await evictDurableObject(env.SHARD.get(env.SHARD.idFromName("shard-0")));
    });
    const last = views.at(-1);
    expect(last).toMatchObject({ id, status: "done", shards: 4, shardsDone: 4, keysMapped: KEYS, result: (KEYS * (KEYS - 1)) / 2 });
    expect(last.rounds).toBeGreaterThan(2);
    for (let i = 1; i < views.length; i++) {
      expect(views[i].keysMapped).toBeGreaterThanOrEqual(views[i - 1].keysMapped);
      expect(views[i].shardsDone).toBeGreaterThanOrEqual(views[i - 1].shardsDone);
      expect(views[i].elapsedMs).toBeGreaterThanOrEqual(views[i - 1].elapsedMs);
    }
  }, 300_000);

  it("a tagged MATCH runs on one shard; GROUPBY's reply as the command's", async () => {
    await pipeline([["HSET", "{t}1", "g", "a", "n", 1], ["HSET", "{t}2", "g", "b", "n", 2], ["HSET", "{t}3", "g", "a", "n", 3]]);
    const id: string = (await start(["MAPREDUCE", "return redis.call('HMGET', KEYS[1], 'g', 'n')", "GROUPBY", "MATCH", "{t}*"])).json.result;
    expect((await untilEnded(id)).at(-1)).toMatchObject({ status: "done", shards: 1, shardsDone: 1, keysMapped: 3, result: ["a", 4, "b", 2] });
  });

  it("cancel stops a running job; an ended job cannot be cancelled", async () => {
    await pipeline(Array.from({ length: 40 }, (_, i) => ["SET", `k${i}`, 1]));
    const id: string = (await start(["MAPREDUCE", GET, "SUM", "COUNT", 1])).json.result;
    expect((await request(`/compute/${id}/cancel`, "")).json).toEqual({ result: 1 });
    expect((await request(`/compute/${id}/cancel`, "")).json).toEqual({ result: 0 });
    await runDurableObjectAlarm(jobStub(id));
    expect(await progress(id)).toMatchObject({ status: "cancelled" });
    expect((await progress(id)).result).toBeUndefined();
  });

  it("a failing map ends the job with its error; bad requests are refused", async () => {
    await pipeline([["SET", "x", "1"]]);
    const id: string = (await start(["MAPREDUCE", "return nosuch()", "SUM"])).json.result;
    const last = (await untilEnded(id)).at(-1);
    expect(last.status).toBe("failed");
    expect(last.error).toMatch(/^ERR .*nosuch.* script: [0-9a-f]{40}, on @user_script:1\.$/);
    expect((await start(["GET", "x"])).json).toEqual({ error: "ERR /compute takes one MAPREDUCE command" });
    expect((await start(["MAPREDUCE", GET, "SUM", "CURSOR", "0"])).status).toBe(400);
    const writer = await start(["MAPREDUCE", GET, "SUM", "WRITE"]);
    expect(writer.status).toBe(200);
    await request(`/compute/${writer.json.result}/cancel`, "");
    expect((await start(["MAPREDUCE", GET, "SUM", "WRITE"], { token: READONLY_TOKEN, vars: { EDGESLOT_READONLY_TOKEN: READONLY_TOKEN } })).json.error).toMatch(/^NOPERM /);
    expect((await request("/compute/not-a-job", undefined)).status).toBe(404);
    expect((await request(`/compute/${crypto.randomUUID()}`, undefined)).status).toBe(404);
  });
});
