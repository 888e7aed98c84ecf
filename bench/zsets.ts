// Sorted sets in the WebAssembly core alone (issue 3): ZADD and ZRANGEBYSCORE ops/s into one set of N
// members (skiplist), and bytes per member against redis-server's used_memory for the same data loaded in
// this run, for one large set and for many small (listpack) sets.
import { performance } from "node:perf_hooks";
import { Core } from "../wasm/host";
import { encodeCommands } from "../worker/wire/resp";
import { rate, ratio, table, type Section } from "./report";
import { ensureRedisInstalled, RedisServer } from "./redis-server";
import type { BenchContext, Suite } from "./suite";
import { compileWasm } from "./wasm-module";

const BATCH = 1000;
const SMALL_SET = 100;
const enc = new TextEncoder();

const member = (i: number) => `member:${String(i).padStart(12, "0")}`;

/** Batches of `ZADD big <score> <member>`: scores a permutation of 0..n-1, so every member has its own rank. */
function bigBatches(n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let start = 0; start < n; start += BATCH) {
    const commands: Uint8Array[][] = [];
    for (let i = start; i < Math.min(n, start + BATCH); i++) {
      commands.push(["ZADD", "big", String((i * 7919) % n), member(i)].map((a) => enc.encode(a)));
    }
    out.push(encodeCommands(commands));
  }
  return out;
}

/** Batches of one ZADD per small set (SMALL_SET members each, under the 128-entry listpack limit). */
function smallBatches(n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  const sets = n / SMALL_SET;
  for (let start = 0; start < sets; start += 10) {
    const commands: Uint8Array[][] = [];
    for (let k = start; k < Math.min(sets, start + 10); k++) {
      const args = ["ZADD", `small:${k}`];
      for (let i = 0; i < SMALL_SET; i++) args.push(String(i), member(i));
      commands.push(args.map((a) => enc.encode(a)));
    }
    out.push(encodeCommands(commands));
  }
  return out;
}

function rangeBatches(n: number, queries: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let start = 0; start < queries; start += BATCH) {
    const commands: Uint8Array[][] = [];
    for (let q = start; q < Math.min(queries, start + BATCH); q++) {
      const from = (q * 104729) % n;
      commands.push(["ZRANGEBYSCORE", "big", String(from), String(from + 9), "WITHSCORES"].map((a) => enc.encode(a)));
    }
    out.push(encodeCommands(commands));
  }
  return out;
}

function timeCore(core: Core, batches: readonly Uint8Array[]): number {
  let seconds = 0;
  for (const batch of batches) {
    const start = performance.now();
    const { count, replies } = core.execute(batch, Date.now());
    seconds += (performance.now() - start) / 1000;
    if (count === 0 || replies[0] === 45 /* '-' */) throw new Error(`a batch failed: ${new TextDecoder().decode(replies.subarray(0, 100))}`);
  }
  return seconds;
}

/** redis-server's used_memory growth for the batches; every reply is `:<replyDigits digits>\r\n`. */
async function redisBytes(server: RedisServer, batches: readonly Uint8Array[], replyDigits: number): Promise<number> {
  await server.command("FLUSHALL", "SYNC");
  const before = await server.usedMemory();
  for (const batch of batches) {
    const commands = new TextDecoder().decode(batch).split("\r\n*").length;
    const reply = await server.send(batch, commands * (replyDigits + 3));
    if (reply.includes(45 /* '-' */)) throw new Error(`redis-server refused a ZADD: ${reply.toString().slice(0, 100)}`);
  }
  return (await server.usedMemory()) - before;
}

export const zsetsSuite: Suite = {
  id: "zsets",
  async run({ quick, log }: BenchContext): Promise<Section> {
    const n = quick ? 100_000 : 1_000_000;
    const module = compileWasm("wasm/build/core.wasm");
    const big = bigBatches(n);
    const small = smallBatches(n);
    let core = new Core(module);
    const base = core.usedMemory();
    const zaddSeconds = timeCore(core, big);
    const bigBytes = (core.usedMemory() - base) / n;
    const rangeSeconds = timeCore(core, rangeBatches(n, n / 10));
    log(`core ZADD ${rate(n / zaddSeconds)}, ZRANGEBYSCORE ${rate(n / 10 / rangeSeconds)}, ${bigBytes.toFixed(1)} bytes/member`);
    core = new Core(module);
    const base2 = core.usedMemory();
    timeCore(core, small);
    const smallBytes = (core.usedMemory() - base2) / n;
    const paths = ensureRedisInstalled(log);
    const server = await RedisServer.start(paths.server);
    let redisBig = 0;
    let redisSmall = 0;
    try {
      redisBig = (await redisBytes(server, big, 1)) / n;
      redisSmall = (await redisBytes(server, small, String(SMALL_SET).length)) / n;
    } finally {
      server.stop();
    }
    log(`redis: ${redisBig.toFixed(1)} bytes/member (one set), ${redisSmall.toFixed(1)} (sets of ${SMALL_SET})`);
    return {
      title: `Sorted sets in the core (${n.toLocaleString("en")} members, batches of ${BATCH})`,
      lines: [
        ...table(
          ["figure", "edgeslot core", "redis-server", "ratio"],
          [
            ["ZADD into one set (skiplist), ops/s", rate(n / zaddSeconds), "", ""],
            ["ZRANGEBYSCORE … WITHSCORES (10 members), ops/s", rate(n / 10 / rangeSeconds), "", ""],
            ["bytes per member, one set", bigBytes.toFixed(1), redisBig.toFixed(1), ratio(bigBytes / redisBig)],
            [`bytes per member, sets of ${SMALL_SET} (listpack)`, smallBytes.toFixed(1), redisSmall.toFixed(1), ratio(smallBytes / redisSmall)],
          ],
        ),
        "",
        `Members are \`member:<12 digits>\` with integer scores; redis-server's figure is its used_memory delta for the same commands.`,
      ],
      targets: [],
    };
  },
};
