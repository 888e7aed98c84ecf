// Cold start and shard scaling through a real `npm start` gateway: how long a shard holding ~50 MB takes
// to serve its first command after the runtime restarts on the same state (against redis-server
// restarting from its RDB of the same keys), the same for one large collection (coldstart-collections.ts),
// and SET throughput with 1, 2, 4 and 8 shards (against 1).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GatewayProcess } from "../test/compat/gateway-process";
import { shardOfSlot } from "../worker/routing/slot-map";
import { checkReplies, type Command } from "./http-workload";
import { measureColdCollections, type ColdPlacement } from "./coldstart-collections";
import { redisRestartMs } from "./redis-restart";
import { rate, ratio, table, type Section } from "./report";
import { keySlotOfBytes } from "./slot-ts";
import type { BenchContext, Suite } from "./suite";
import { ensureWrk, runWrk } from "./wrk";

export const coldStartSuite: Suite = { id: "coldstart", run: runColdStart };

const SHARDS = 4;
const VALUE_BYTES = 1_000;
const LOAD_CHUNK = 1_000;
const RESTARTS = 2;
const SCALING = [1, 2, 4, 8];
/** BENCH_QUICK=1: each gateway start costs ~15 s, so a smoke run restarts once and compares 1 and 4 shards. */
const QUICK_RESTARTS = 1;
const QUICK_SCALING = [1, 4];
const SCALING_CONNECTIONS = 8;
const SCALING_KEYSPACE = 100_000;

const encoder = new TextEncoder();
/** Every key shares the hash tag {cold}, so the whole data set lands on one shard. */
const coldKey = (i: number) => `{cold}:${i}`;
const coldValue = (i: number) => `${i}:`.padEnd(VALUE_BYTES, "x");

async function runColdStart(context: BenchContext): Promise<Section> {
  ensureWrk(context.log);
  const { lines: cold, placement } = await measureColdStart(context);
  const collections = await measureColdCollections(context, placement);
  const scaling = await measureScaling(context);
  return {
    title: "Cold start of a loaded shard, and SET throughput by shard count",
    lines: [...cold, "", ...collections, "", ...scaling],
    targets: [],
  };
}

async function measureColdStart({ quick, log }: BenchContext): Promise<{ lines: string[]; placement: ColdPlacement }> {
  const keys = quick ? 5_000 : 50_000;
  const restarts = quick ? QUICK_RESTARTS : RESTARTS;
  const probe = Math.floor(keys / 2);
  const coldShard = shardOfSlot(keySlotOfBytes(encoder.encode(coldKey(0))), SHARDS);
  let other = 0;
  while (shardOfSlot(keySlotOfBytes(encoder.encode(`warm:${other}`)), SHARDS) === coldShard) other++;
  const otherKey = `warm:${other}`;

  const expected = encoder.encode(coldValue(probe));
  const redisMs = await redisRestartMs(
    {
      batches: loadBatches(keys),
      probe: ["GET", coldKey(probe)],
      accept: (reply) => reply instanceof Uint8Array && Buffer.from(reply).equals(expected),
      restarts,
    },
    log,
  );
  log(`coldstart: redis-server restart → first GET ${redisMs.map((ms) => ms.toFixed(0)).join(", ")} ms`);

  const persistDir = mkdtempSync(join(tmpdir(), "edgeslot-coldstart-"));
  let gateway = await GatewayProcess.start({ persistDir, vars: { EDGESLOT_SHARDS: String(SHARDS) } });
  const rows: string[][] = [];
  let shardBytes = 0;
  try {
    const post = async (path: string, body: unknown) => (await gateway.fetch(path, { method: "POST", body: JSON.stringify(body) })).json() as Promise<any>;
    for (const commands of loadBatches(keys)) checkReplies("gateway load", commands, await post("/pipeline", commands));
    await post("/", ["SET", otherKey, "1"]);
    const info = String((await post("/", ["INFO", "memory"])).result);
    shardBytes = Number(new RegExp(`shard${coldShard}:used_memory=(\\d+)`).exec(info)?.[1] ?? NaN);
    log(`coldstart: shard ${coldShard} holds ${(shardBytes / 1e6).toFixed(1)} MB`);

    for (let round = 1; round <= restarts; round++) {
      // SIGKILL of the whole runtime: every Durable Object starts again from its SQLite state.
      await gateway.kill();
      const restarted = performance.now();
      gateway = await gateway.restart();
      const servingMs = performance.now() - restarted;
      const timedGet = async (key: string, expected: string) => {
        const started = performance.now();
        const reply = (await (await gateway.fetch("/", { method: "POST", body: JSON.stringify(["GET", key]) })).json()) as { result?: unknown };
        const ms = performance.now() - started;
        if (reply.result !== expected) throw new Error(`after restart GET ${key} answered ${JSON.stringify(reply).slice(0, 200)}`);
        return ms;
      };
      // Another shard first, so the gateway's isolate and slot map are warm before the loaded shard is asked.
      const otherMs = await timedGet(otherKey, "1");
      const coldMs = await timedGet(coldKey(probe), coldValue(probe));
      const warmMs = await timedGet(coldKey(probe + 1), coldValue(probe + 1));
      log(`coldstart: round ${round}: serving after ${servingMs.toFixed(0)} ms, other shard ${otherMs.toFixed(0)} ms, loaded shard ${coldMs.toFixed(0)} ms, then ${warmMs.toFixed(1)} ms`);
      rows.push([String(round), `${servingMs.toFixed(0)} ms`, `${otherMs.toFixed(0)} ms`, `${coldMs.toFixed(0)} ms`, `${warmMs.toFixed(1)} ms`, ratio(coldMs / redisMs[round - 1]!)]);
    }
  } finally {
    await gateway.stop();
  }
  const megabytes = ((keys * VALUE_BYTES) / 1e6).toFixed(0);
  const lines = [
    `**Cold start.** ${keys.toLocaleString("en")} keys × ${VALUE_BYTES.toLocaleString("en")}-byte values (${megabytes} MB of values, ` +
      `all under the hash tag \`{cold}\`, so on shard ${coldShard} of ${SHARDS}; the shard reports ${(shardBytes / 1e6).toFixed(1)} MB used), ` +
      `loaded through \`POST /pipeline\`; then the whole \`npm start\` process group is SIGKILLed and started again on the same ` +
      `\`--persist-to\` directory (a fresh runtime is the local stand-in for an evicted Durable Object), ${restarts} time(s).`,
    "",
    ...table(
      ["restart", "npm start until it serves", "first GET, another shard", "first GET, loaded shard", "next GET, loaded shard", "first GET vs redis-server"],
      rows,
    ),
    "",
    `Baseline: redis-server holding the same keys, SAVEd to an RDB, SIGKILLed and started again on it; the time from spawn ` +
      `until a GET of a loaded key answers (LOADING retried): ${redisMs.map((ms) => `${ms.toFixed(0)} ms`).join(", ")} (one per restart). ` +
      `"first GET vs redis-server" divides the loaded shard's first GET by that (lower is better); it leaves out the ` +
      `runtime's own start (the "serving" column), which a deployed Worker does not pay per shard.`,
  ];
  return { lines, placement: { shards: SHARDS, coldShard, otherKey } };
}

function* loadBatches(keys: number): Generator<Command[]> {
  for (let start = 0; start < keys; start += LOAD_CHUNK) {
    const commands: Command[] = [];
    for (let i = start; i < Math.min(keys, start + LOAD_CHUNK); i++) commands.push(["SET", coldKey(i), coldValue(i)]);
    yield commands;
  }
}

async function measureScaling({ quick, log }: BenchContext): Promise<string[]> {
  const seconds = quick ? 3 : 10;
  const counts = quick ? QUICK_SCALING : SCALING;
  const commands: Command[] = [];
  let state = 0x9e3779b9;
  for (let i = 0; i < LOAD_CHUNK; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    commands.push(["SET", `w:${state % SCALING_KEYSPACE}`, `v${i}`]);
  }
  const body = JSON.stringify(commands);
  // The default deployment (one async replica per shard) and no replicas: what replication adds per shard.
  const measure = async (shards: number, replicas: number): Promise<number> => {
    const gateway = await GatewayProcess.start({ vars: { EDGESLOT_SHARDS: String(shards), EDGESLOT_REPLICAS: String(replicas) } });
    try {
      checkReplies(`gateway (${shards} shards)`, commands, (await (await gateway.fetch("/pipeline", { method: "POST", body })).json()) as unknown[]);
      const result = await runWrk({
        url: gateway.url,
        requests: [{ method: "POST", path: "/pipeline", body }],
        headers: { authorization: `Bearer ${gateway.token}` },
        connections: SCALING_CONNECTIONS,
        seconds,
      });
      const perSecond = result.requestsPerSecond * LOAD_CHUNK;
      log(`coldstart: ${shards} shards, ${replicas} replicas: ${rate(perSecond)} SETs`);
      return perSecond;
    } finally {
      await gateway.stop();
    }
  };
  const replicated: number[] = [];
  const bare: number[] = [];
  for (const shards of counts) {
    replicated.push(await measure(shards, 1));
    bare.push(await measure(shards, 0));
  }
  return [
    `**Write scaling.** SET/s through \`POST /pipeline\` (${LOAD_CHUNK.toLocaleString("en")} SETs over ${SCALING_KEYSPACE.toLocaleString("en")} keys per pipeline, ` +
      `${SCALING_CONNECTIONS} wrk connections, ${seconds} s) with EDGESLOT_SHARDS of ${counts.join(", ")}, in the default deployment ` +
      `(EDGESLOT_REPLICAS=1: one async replica per shard) and with EDGESLOT_REPLICAS=0, each against the same load on 1 shard ` +
      `of the same configuration in the same run.`,
    "",
    ...table(
      ["shards", "SET/s, 1 replica each", "vs 1 shard", "SET/s, no replicas", "vs 1 shard"],
      counts.map((shards, i) => [String(shards), rate(replicated[i]!), ratio(replicated[i]! / replicated[0]!), rate(bare[i]!), ratio(bare[i]! / bare[0]!)]),
    ),
    "",
    `Every shard and the gateway run in one workerd, beside wrk, on this machine's two cores, so more shards add parallel ` +
      `batches but no CPU: the ratio shows what sharding costs or saves per request here, not what separate machines would give.`,
  ];
}
