// Collections in the WebAssembly core alone (issue 3): bytes per element for hashes, sets, sorted sets and
// lists, small (many keys, compact encodings) and large (one key), against redis-server's used_memory for
// the same commands; ZADD / ZRANGEBYSCORE / LPUSH / LRANGE ops/s against redis-benchmark -P 64. All in one run.
import { execFile } from "node:child_process";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { Core } from "../wasm/host";
import { BATCH, loadCollections, sameBytes, timedOps, type Family, type Load, type TimedOp } from "./collections-workload";
import { rate, ratio, table, type Section } from "./report";
import { ensureRedisInstalled, RedisServer } from "./redis-server";
import type { BenchContext, Suite } from "./suite";
import { compileWasm } from "./wasm-module";

const run = promisify(execFile);
const SMALL_KEYS = 10_000;
/** Ops are measured in each of this many rounds (core and redis-benchmark alike) and each one's best kept. */
const ROUNDS = 2;
const FAMILIES: readonly { family: Family; label: string }[] = [
  { family: "hash", label: "hash fields (`field:<12 digits>` → `val:<12 digits>`)" },
  { family: "set", label: "set members (`member:<12 digits>`)" },
  { family: "intset", label: "set members (integers)" },
  { family: "zset", label: "sorted-set members (`member:<12 digits>`, integer scores)" },
  { family: "list", label: "list elements (`element:<12 digits>`)" },
];
const decoder = new TextDecoder();

function fail(what: string, got: Uint8Array, want?: Uint8Array): never {
  const show = (bytes: Uint8Array) => JSON.stringify(decoder.decode(bytes.subarray(0, 120)));
  throw new Error(`${what}: got ${show(got)}${want ? `, want ${show(want)}` : ""}`);
}

/** Bytes the core's allocator gains loading `load` into a fresh core; every reply checked. */
function coreBytes(module: WebAssembly.Module, load: Load, what: string): number {
  const core = new Core(module);
  const before = core.usedMemory();
  load.batches.forEach((batch, b) => {
    const { replies } = core.execute(batch, Date.now());
    if (!sameBytes(replies, load.replies[b])) fail(`core, ${what}, batch ${b}`, replies, load.replies[b]);
  });
  return core.usedMemory() - before;
}

/** redis-server's used_memory growth for the same load on a flushed server; every reply checked. */
async function redisBytes(server: RedisServer, load: Load, what: string): Promise<number> {
  await server.command("FLUSHALL", "SYNC");
  const before = await server.usedMemory();
  for (let b = 0; b < load.batches.length; b++) {
    const reply = await server.send(load.batches[b], load.replies[b].length);
    if (!sameBytes(reply, load.replies[b])) fail(`redis-server, ${what}, batch ${b}`, reply, load.replies[b]);
  }
  return (await server.usedMemory()) - before;
}

interface CoreOps {
  opsPerSecond: Record<TimedOp["name"], number>;
  /** Per op, every batch's replies, kept to check redis-server's against (writes) or the first batch (reads). */
  replies: Record<TimedOp["name"], Uint8Array[]>;
}

/** The ops in order on one fresh core: ZADD fills `zbench`, which ZRANGEBYSCORE reads; LPUSH fills `lbench` for LRANGE. */
function timeCoreOps(module: WebAssembly.Module, ops: readonly TimedOp[]): CoreOps {
  const core = new Core(module);
  const result = { opsPerSecond: {}, replies: {} } as CoreOps;
  for (const op of ops) {
    let seconds = 0;
    const replies: Uint8Array[] = [];
    op.batches.forEach((batch, b) => {
      const start = performance.now();
      const { count, replies: bytes } = core.execute(batch, Date.now());
      seconds += (performance.now() - start) / 1000;
      const commands = Math.min(BATCH, op.commands - b * BATCH);
      if (count !== commands) fail(`core ${op.name} batch ${b}: ran ${count} of ${commands}`, bytes);
      // Writes answer `:<n>\r\n` per command, reads an array per command: an error anywhere changes the lead byte or the count.
      const lead = op.name === "ZADD" || op.name === "LPUSH" ? 58 /* : */ : 42; /* * */
      if (bytes[0] !== lead || (op.name === "ZADD" && bytes.length !== 4 * commands)) fail(`core ${op.name} batch ${b}`, bytes);
      replies.push(bytes);
    });
    result.opsPerSecond[op.name] = op.commands / seconds;
    result.replies[op.name] = replies;
  }
  return result;
}

/**
 * The same data in redis-server as in the core (the core's own ZADD and LPUSH batches, every reply compared
 * with the core's), and the first batch of each read compared byte for byte: the core is checked against Redis.
 */
async function checkAgainstRedis(server: RedisServer, ops: readonly TimedOp[], core: CoreOps): Promise<void> {
  await server.command("FLUSHALL", "SYNC");
  for (const op of ops) {
    const mine = core.replies[op.name];
    const batches = op.name === "ZADD" || op.name === "LPUSH" ? op.batches : op.batches.slice(0, 1);
    for (let b = 0; b < batches.length; b++) {
      const reply = await server.send(batches[b], mine[b].length);
      if (!sameBytes(reply, mine[b])) fail(`${op.name} batch ${b}: redis-server and the core disagree (core shown second)`, reply, mine[b]);
    }
  }
}

async function redisBenchmark(path: string, server: RedisServer, op: TimedOp): Promise<number> {
  const args = ["-h", "127.0.0.1", "-p", String(server.port), "-P", "64", "-n", String(op.commands), "-r", String(op.range), "-q", ...op.benchmark];
  const { stdout } = await run(path, args, { maxBuffer: 16 * 1024 * 1024 });
  const figures = [...stdout.matchAll(/([\d.]+) requests per second/g)];
  if (figures.length === 0) throw new Error(`no figure in redis-benchmark output for ${op.name}:\n${stdout}`);
  return Number(figures[figures.length - 1][1]);
}

export const collectionsSuite: Suite = {
  id: "collections",
  async run({ quick, log }: BenchContext): Promise<Section> {
    const n = quick ? 100_000 : 1_000_000;
    const smallKeys = quick ? SMALL_KEYS / 10 : SMALL_KEYS;
    const rounds = quick ? 1 : ROUNDS;
    const module = compileWasm("wasm/build/core.wasm");
    const paths = ensureRedisInstalled(log);
    const ops = timedOps(n);
    const best = { core: {} as Record<string, number>, redis: {} as Record<string, number> };
    const memory: { label: string; shape: string; core: number; redis: number }[] = [];
    const server = await RedisServer.start(paths.server);
    try {
      for (let round = 1; round <= rounds; round++) {
        const core = timeCoreOps(module, ops);
        await checkAgainstRedis(server, ops, core);
        // redis-benchmark writes from an empty server like the core's, then reads the checked data.
        await server.command("FLUSHALL", "SYNC");
        const redis: Record<string, number> = {};
        for (const op of ops.filter((o) => o.name === "ZADD" || o.name === "LPUSH")) redis[op.name] = await redisBenchmark(paths.benchmark, server, op);
        await checkAgainstRedis(server, ops, core);
        for (const op of ops.filter((o) => o.name !== "ZADD" && o.name !== "LPUSH")) redis[op.name] = await redisBenchmark(paths.benchmark, server, op);
        for (const op of ops) {
          best.core[op.name] = Math.max(best.core[op.name] ?? 0, core.opsPerSecond[op.name]);
          best.redis[op.name] = Math.max(best.redis[op.name] ?? 0, redis[op.name]);
          log(`round ${round} ${op.name}: core ${rate(core.opsPerSecond[op.name])}, redis-benchmark ${rate(redis[op.name])}`);
        }
      }
      for (const { family, label } of FAMILIES) {
        for (const keys of [smallKeys, 1]) {
          const load = loadCollections(family, keys, n);
          const shape = keys === 1 ? `1 key × ${n.toLocaleString("en")}` : `${keys.toLocaleString("en")} keys × ${n / keys}`;
          const what = `${family}, ${shape}`;
          const core = coreBytes(module, load, what) / n;
          const redis = (await redisBytes(server, load, what)) / n;
          log(`${what}: core ${core.toFixed(1)} B/element, redis-server ${redis.toFixed(1)}`);
          memory.push({ label, shape, core, redis });
        }
      }
    } finally {
      server.stop();
    }

    return {
      title: `Collections in the core: ${n.toLocaleString("en")} elements per figure, batches of ${BATCH}`,
      lines: [
        ...table(
          ["command", "`redis-benchmark -P 64` → redis-server (baseline)", "core alone (Node 22)", "ratio"],
          ops.map((op) => [`\`${op.benchmark.join(" ")}\` × ${op.commands.toLocaleString("en")}`, rate(best.redis[op.name]), rate(best.core[op.name]), ratio(best.core[op.name] / best.redis[op.name])]),
        ),
        "",
        ...table(
          ["elements", "shape", "redis-server used_memory (baseline)", "core usedMemory()", "ratio"],
          memory.map((m) => [m.label, m.shape, `${m.redis.toFixed(1)} B`, `${m.core.toFixed(1)} B`, ratio(m.core / m.redis)]),
        ),
        "",
        `- Ops: the core runs each command as batches of ${BATCH} (one \`execute\` per batch, encoded before the clock starts) on one fresh core, in order: ` +
          "ZADD fills `zbench`, ZRANGEBYSCORE reads it, LPUSH fills `lbench`, LRANGE reads it. `__rand_int__` is a seeded 12-digit number below " +
          `${n.toLocaleString("en")}, as redis-benchmark's \`-r\` expands it. The baseline is \`redis-benchmark -P 64 -n <commands> -r ${n} -q <command>\` ` +
          "(50 clients) against a throwaway redis-server 7.0 on loopback, writes from an empty server, reads on the same data the core held. " +
          `Each figure is the best of ${rounds} round(s); each round measures the core and redis-benchmark afresh.`,
        "- Checked before reported: every write batch's replies are compared byte for byte with redis-server's for the same batch on the same data " +
          "(the core's own batches loaded into the server), and the first batch of each read likewise; every other read batch must answer arrays only.",
        `- Memory: each row loads the same commands (${100} elements per HSET/SADD/ZADD/RPUSH, every reply checked on both sides) into a fresh core and ` +
          "a flushed redis-server; bytes per element are the growth of the core's `usedMemory()` (every byte its allocator holds) and of redis-server's " +
          "`INFO memory` used_memory, divided by the elements; key names and per-key overhead are included on both sides. " +
          `The small shape (${smallKeys.toLocaleString("en")} keys) keeps Redis in its compact encodings where 7.0 has one ` +
          "(listpack for hashes, sorted sets and lists, intset for integer sets; 7.0 has no compact encoding for sets of strings); the one-key shape puts it in " +
          "hashtable, skiplist and quicklist.",
      ],
      targets: [],
    };
  },
};
