// Engine ops/s inside the real Shard Durable Object with persistence on: workerd (via wrangler's
// startWorker, state on disk as with `npm start`) runs bench/shard-driver.ts, which sends one RPC per batch.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { unstable_readConfig, unstable_startWorker } from "wrangler";
import { cardinalityCommand, checkCardinality, checkReplies, ElementsSeen, ENGINE_OPS } from "./engine-core";
import type { DriverRun } from "./shard-driver";
import { seededRandom } from "./slot-sample";
import { COLLECTION_OPS, encodeBatch, expectedReplyBytes, nextBatch, opSeed, type EngineOp } from "./workload";

/** Batches per request to the driver: ~6 MB bodies, so no phase is ever held in memory at once. */
const BATCHES_PER_REQUEST = 100;
const FLOOR_RUNS = 3;

export interface ShardEngineResult {
  /** The shard's own INFO used_memory / keys after the SET phase (NaN when not read). */
  bytesPerKey: number;
  /** Where the shard's SQLite files lived (the OS temp dir unless BENCH_STATE_DIR says otherwise). */
  stateBase: string;
  opsPerSecond: Record<EngineOp, number>;
  /** The same batches answered by a no-op Durable Object: the local runtime's RPC ceiling. */
  floorOpsPerSecond: Record<EngineOp, number>;
  /** The no-op object writing each batch as one SQLite row first (write ops only): the log-append ceiling. */
  logFloorOpsPerSecond: Record<EngineOp, number>;
  /** Shard time minus the RPC floor's time for as many batches: what the shard itself spends. */
  insideOpsPerSecond: Record<EngineOp, number>;
  /** HSET's and ZADD's one key: its elements and the shard's INFO used_memory once they are written. */
  collections: Partial<Record<EngineOp, { elements: number; usedMemory: number }>>;
}

export type Driver = (query: Record<string, string | number>, body: Uint8Array) => Promise<DriverRun>;

/**
 * Ops that share a shard, each group in its own workerd: INCR's counters plus SET's million keys would
 * pass one shard's maxmemory, and one run with both shards in a single local runtime lost workerd mid-INCR.
 * HSET and ZADD each write one large key from an empty shard, as redis-benchmark's tests do.
 */
const SHARD_GROUPS: readonly (readonly EngineOp[])[] = [["SET", "GET"], ["INCR"], ["HSET"], ["ZADD"]];

export interface ShardVariant {
  /** Worker variables over wrangler.toml's, e.g. a checkpoint threshold. */
  vars: Record<string, string>;
  /** Also measure the RPC and log floors (they don't depend on the shard's settings). */
  floors: boolean;
}

export async function runShardEngine(keys: number, batchSize: number, variant: ShardVariant, log: (line: string) => void): Promise<ShardEngineResult> {
  // BENCH_STATE_DIR moves the shard's SQLite files (e.g. to a tmpfs, to see what the disk costs).
  const stateBase = process.env.BENCH_STATE_DIR ?? tmpdir();
  const perOp = () => ({}) as Record<EngineOp, number>;
  const result: ShardEngineResult = {
    bytesPerKey: Number.NaN,
    stateBase,
    opsPerSecond: perOp(),
    floorOpsPerSecond: perOp(),
    logFloorOpsPerSecond: perOp(),
    insideOpsPerSecond: perOp(),
    collections: {},
  };
  const config = writeDriverConfig(variant.vars);
  for (const group of SHARD_GROUPS) {
    await withDriver(config, stateBase, async (driver) => {
      for (const op of ENGINE_OPS.filter((op) => group.includes(op))) {
        const { ms, sample, seen } = await shardPhase(driver, op, keys, batchSize);
        result.opsPerSecond[op] = keys / (ms / 1000);
        if (op === "SET") result.bytesPerKey = await shardBytesPerKey(driver, keys);
        if (COLLECTION_OPS.includes(op)) {
          checkCardinality(op, await shardReply(driver, cardinalityCommand(op)), seen.count);
          result.collections[op] = { elements: seen.count, usedMemory: await shardUsedMemory(driver) };
        }
        if (!variant.floors) {
          log(`shard ${op} (${JSON.stringify(variant.vars)}): ${(result.opsPerSecond[op] / 1e6).toFixed(2)} M ops/s`);
          continue;
        }
        // The floors get the phase's first request again, answered with replies of the real size
        // (INCR's vary: about 8 bytes each).
        const floorQuery = { batches: sample.batches, floorReplyBytes: expectedReplyBytes(op, batchSize) ?? 8 * batchSize };
        const floorMsPerBatch = (await fastestRun(() => driver({ target: "floor", ...floorQuery }, sample.body))) / sample.batches;
        const logFloorMsPerBatch =
          op === "GET" ? Number.NaN : (await fastestRun(() => driver({ target: "logfloor", ...floorQuery }, sample.body))) / sample.batches;
        const insideMs = ms - floorMsPerBatch * (keys / batchSize);
        result.floorOpsPerSecond[op] = batchSize / (floorMsPerBatch / 1000);
        result.logFloorOpsPerSecond[op] = batchSize / (logFloorMsPerBatch / 1000);
        result.insideOpsPerSecond[op] = insideMs > 0 ? keys / (insideMs / 1000) : Number.NaN;
        log(
          `shard ${op}: ${(result.opsPerSecond[op] / 1e6).toFixed(2)} M ops/s; RPC floor ${(result.floorOpsPerSecond[op] / 1e6).toFixed(2)} M/s; ` +
            `inside ${(result.insideOpsPerSecond[op] / 1e6).toFixed(2)} M/s`,
        );
      }
    });
  }
  return result;
}

/** Starts workerd with the driver and fresh state, hands over a driver client, and stops it after. */
export async function withDriver(config: string, stateBase: string, use: (driver: Driver) => Promise<void>): Promise<void> {
  const stateDir = mkdtempSync(join(stateBase, "edgeslot-bench-state-"));
  const worker = await unstable_startWorker({
    config,
    // No watching: other work rebuilding wasm/ or editing shards/ mid-run must not restart the shard
    // or change what is measured; the bundle is fixed when the worker starts.
    dev: { persist: stateDir, server: { hostname: "127.0.0.1", port: 0 }, inspector: false, logLevel: "warn", watch: false },
  });
  try {
    await worker.ready;
    await use(async (query, body) => {
      const params = new URLSearchParams(Object.entries(query).map(([name, value]) => [name, String(value)]));
      const response = await worker.fetch(`http://bench.local/run?${params}`, { method: "POST", body });
      if (!response.ok) throw new Error(`shard driver answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as DriverRun;
    });
  } finally {
    await worker.dispose();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** One op over the whole keyspace through the real shard; returns its time and its first request for the floors. */
async function shardPhase(driver: Driver, op: EngineOp, keys: number, batchSize: number) {
  const random = seededRandom(opSeed(op));
  const replyBytes = expectedReplyBytes(op, batchSize) ?? 0;
  const batches = keys / batchSize;
  const seen = new ElementsSeen(keys);
  let ms = 0;
  let sample: { body: Uint8Array; batches: number } | null = null;
  for (let first = 0; first < batches; first += BATCHES_PER_REQUEST) {
    const count = Math.min(BATCHES_PER_REQUEST, batches - first);
    const indexes = new Uint32Array(count * batchSize);
    const scores = op === "ZADD" ? new Uint32Array(count * batchSize) : null;
    for (let b = 0; b < count; b++) {
      const batch = nextBatch(op, first + b, batchSize, keys, random);
      indexes.set(batch.indexes, b * batchSize);
      if (scores && batch.scores) scores.set(batch.scores, b * batchSize);
    }
    seen.add(indexes);
    const body = encodeBatch(op, indexes, scores);
    const run = await driver({ target: "shard", name: "shard-0", batches: count, replyBytes }, body);
    if (run.badBatches > 0) throw new Error(`${op}: ${run.badBatches} batches had wrong or error replies`);
    if (sample === null) {
      checkReplies(op, 0, indexes.subarray(0, batchSize), batchSize, Buffer.from(run.firstReply, "base64"));
      sample = { body, batches: count };
    }
    ms += run.ms;
  }
  return { ms, sample: sample!, seen };
}

/** One command's reply from the shard, through the same RPC. */
async function shardReply(driver: Driver, command: Uint8Array): Promise<Uint8Array> {
  const run = await driver({ target: "shard", name: "shard-0", batches: 1, replyBytes: 0 }, command);
  return Buffer.from(run.firstReply, "base64");
}

/** The shard's own INFO used_memory (its core's allocator). */
async function shardUsedMemory(driver: Driver): Promise<number> {
  const info = Buffer.from(await shardReply(driver, new TextEncoder().encode("*1\r\n$4\r\nINFO\r\n"))).toString("latin1");
  const used = /used_memory:(\d+)/.exec(info);
  if (!used) throw new Error(`shard INFO: ${info.slice(0, 200)}`);
  return Number(used[1]);
}

/** Asks the shard itself (INFO through the same RPC) how much its core holds, per key. */
async function shardBytesPerKey(driver: Driver, keys: number): Promise<number> {
  const run = await driver({ target: "shard", name: "shard-0", batches: 1, replyBytes: 0 }, new TextEncoder().encode("*1\r\n$4\r\nINFO\r\n"));
  const info = Buffer.from(run.firstReply, "base64").toString("latin1");
  const used = /used_memory:(\d+)/.exec(info);
  const held = /db0:keys=(\d+)/.exec(info);
  if (!used || !held || Number(held[1]) !== keys) throw new Error(`shard INFO after the SET phase: ${info.slice(0, 200)}`);
  return Number(used[1]) / keys;
}

/**
 * A floor is a lower bound on cost, so it takes the fastest of a few runs: subtracting the smallest
 * floor keeps the "inside the shard" figure conservative on a machine shared with other work.
 */
async function fastestRun(run: () => Promise<DriverRun>): Promise<number> {
  let fastest = Infinity;
  for (let i = 0; i < FLOOR_RUNS; i++) fastest = Math.min(fastest, (await run()).ms);
  return fastest;
}

/**
 * wrangler.toml with the driver as main and the floor object added, written beside the bench's build
 * output: the shard's runtime settings (compatibility, wasm rule, vars, bindings) stay the project's own.
 */
export function writeDriverConfig(vars: Record<string, string>): string {
  const project = unstable_readConfig({ config: "wrangler.toml" });
  const dir = resolve("bench/.build");
  mkdirSync(dir, { recursive: true });
  const config = {
    name: "edgeslot-bench",
    main: resolve("bench/shard-driver.ts"),
    compatibility_date: project.compatibility_date,
    compatibility_flags: project.compatibility_flags,
    rules: project.rules,
    vars: { ...project.vars, ...vars },
    durable_objects: {
      bindings: [...project.durable_objects.bindings, { name: "RPC_FLOOR", class_name: "RpcFloor" }],
    },
    migrations: [...project.migrations, { tag: "bench-floor", new_sqlite_classes: ["RpcFloor"] }],
  };
  const path = join(dir, `wrangler.bench-${Object.keys(vars).length === 0 ? "default" : "variant"}.json`);
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}
