// The baseline every engine figure is a ratio of: redis-benchmark -P 64 ops/s and redis-server's
// used_memory per key, both measured in this run on this machine.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { BenchContext } from "./suite";
import { ensureRedisInstalled, RedisServer } from "./redis-server";
import { COLLECTION_OPS, encodeBatch, type EngineOp } from "./workload";

const run = promisify(execFile);
const LOAD_CHUNK = 10_000;

export interface RedisBaseline {
  opsPerSecond: Record<EngineOp, number>;
  /** used_memory after loading the keys minus before, divided by the keys. */
  bytesPerKey: number;
  /** HSET's and ZADD's one key after its test: HLEN/ZCARD, and used_memory's growth over the flushed server. */
  collections: Partial<Record<EngineOp, { elements: number; usedMemory: number }>>;
  command: string;
}

/** redis-benchmark's test of each op (`-t`): the ops list drives the baseline, so adding an op adds its baseline. */
export async function measureRedis(keys: number, ops: readonly EngineOp[], { log }: BenchContext): Promise<RedisBaseline> {
  const paths = ensureRedisInstalled(log);
  const server = await RedisServer.start(paths.server);
  try {
    // Memory first, on an empty server, with exactly the keys the engine holds: SET key:i val:i.
    const before = await server.usedMemory();
    for (let start = 0; start < keys; start += LOAD_CHUNK) {
      const count = Math.min(LOAD_CHUNK, keys - start);
      const indexes = Uint32Array.from({ length: count }, (_, i) => start + i);
      const reply = await server.send(encodeBatch("SET", indexes), 5 * count);
      if (reply.length !== 5 * count || reply.includes("-")) throw new Error(`redis-server refused a SET: ${reply.toString().slice(0, 100)}`);
    }
    const after = await server.usedMemory();
    const dbsize = await server.command("DBSIZE");
    if (dbsize !== `:${keys}\r\n`) throw new Error(`redis-server holds ${dbsize.trim()} keys, want ${keys}`);
    log(`redis: ${((after - before) / keys).toFixed(1)} bytes/key over ${keys} keys`);
    await server.command("FLUSHALL", "SYNC");

    const args = (tests: readonly EngineOp[]) =>
      ["-h", "127.0.0.1", "-p", String(server.port), "-P", "64", "-t", tests.map((op) => op.toLowerCase()).join(","), "-n", String(keys), "-r", String(keys), "-d", "16", "-q"];
    const opsPerSecond = {} as Record<EngineOp, number>;
    const benchmark = async (tests: readonly EngineOp[]) => {
      const { stdout } = await run(paths.benchmark, args(tests), { maxBuffer: 16 * 1024 * 1024 });
      for (const op of tests) {
        // -q prints progress lines ending in \r, then "SET: 1234567.89 requests per second, p50=…".
        const match = new RegExp(`(?:^|[\\r\\n])${op}: ([\\d.]+) requests per second`).exec(stdout);
        if (!match) throw new Error(`no ${op} figure in redis-benchmark output:\n${stdout}`);
        opsPerSecond[op] = Number(match[1]);
        log(`redis-benchmark ${op}: ${Number(match[1]).toFixed(0)} ops/s`);
      }
    };
    await benchmark(ops.filter((op) => !COLLECTION_OPS.includes(op)));
    // HSET and ZADD each fill one key (`myhash`, `myzset`) from a flushed server, as the engines start
    // them on an empty core or shard; its size and memory say the two sides hold the same shape.
    const collections: RedisBaseline["collections"] = {};
    for (const op of ops.filter((op) => COLLECTION_OPS.includes(op))) {
      await server.command("FLUSHALL", "SYNC");
      const empty = await server.usedMemory();
      await benchmark([op]);
      const card = await server.command(op === "HSET" ? "HLEN" : "ZCARD", op === "HSET" ? "myhash" : "myzset");
      const elements = Number(/^:(\d+)\r\n$/.exec(card)?.[1] ?? Number.NaN);
      if (!(elements > 0)) throw new Error(`redis-server after redis-benchmark ${op}: ${card.trim()}`);
      collections[op] = { elements, usedMemory: (await server.usedMemory()) - empty };
    }
    return {
      opsPerSecond,
      bytesPerKey: (after - before) / keys,
      collections,
      command: `redis-benchmark ${args(ops).filter((_, i) => i > 3).join(" ")}`,
    };
  } finally {
    server.stop();
  }
}
