// MAPREDUCE's scaling: keys per second of a SUM over string counters through a real `npm start`
// gateway with 1, 2, 4 and 8 shards, against a client computing the same sum on redis-server with
// SCAN + MGET (what one would do without MAPREDUCE), in the same run.
import { GatewayProcess } from "../test/compat/gateway-process";
import { RedisServer } from "../test/compat/redis-server";
import { ratio, rate, table, type Section } from "./report";
import type { BenchContext, Suite } from "./suite";

export const mapReduceSuite: Suite = { id: "mapreduce", run: runMapReduce };

const SHARDS = [1, 2, 4, 8];
const LOAD_CHUNK = 10_000;
const SUM = ["MAPREDUCE", "return redis.call('GET', KEYS[1])", "SUM", "COUNT", "5000"];

async function runMapReduce(context: BenchContext): Promise<Section> {
  const keys = context.quick ? 50_000 : 1_000_000;
  const expected = expectedSum(keys);
  const baseline = await redisScanMget(keys, expected);
  context.log(`mapreduce: redis-server SCAN + MGET ${rate(baseline)} keys`);
  const rows: string[][] = [];
  for (const shards of SHARDS) {
    const gateway = await GatewayProcess.start({ vars: { EDGESLOT_SHARDS: String(shards) } });
    try {
      const post = async (path: string, body: unknown) => (await gateway.fetch(path, { method: "POST", body: JSON.stringify(body) })).json() as Promise<any>;
      for (let i = 0; i < keys; i += LOAD_CHUNK) {
        const commands = [];
        for (let j = i; j < Math.min(keys, i + LOAD_CHUNK); j++) commands.push(["SET", `k${j}`, String(j % 1000)]);
        await post("/pipeline", commands);
      }
      await post("/", SUM); // warm: every shard's Lua state compiled the map
      const started = performance.now();
      const answer = await post("/", SUM);
      const seconds = (performance.now() - started) / 1000;
      if (answer.result !== expected) throw new Error(`${shards} shards summed ${JSON.stringify(answer)}, expected ${expected}`);
      const perSecond = keys / seconds;
      context.log(`mapreduce: ${shards} shards ${rate(perSecond)} keys`);
      rows.push([String(shards), rate(perSecond), ratio(perSecond / baseline)]);
    } finally {
      await gateway.stop();
    }
  }
  return {
    title: `MAPREDUCE: a SUM over ${keys.toLocaleString("en")} string counters`,
    lines: [
      ...table(["shards", "MAPREDUCE keys/s", "vs SCAN + MGET on redis-server"], rows),
      "",
      `One synchronous \`MAPREDUCE <GET> SUM COUNT 5000\` through \`POST /\` of an \`npm start\` gateway (after one warm-up run), ` +
        `against a Node client summing the same keys on redis-server with SCAN COUNT 1000 + MGET per page ` +
        `(${rate(baseline)} keys). Every shard runs on this machine's cores, shared with the load generator.`,
    ],
    targets: [],
  };
}

function expectedSum(keys: number): number {
  let sum = 0;
  for (let j = 0; j < keys; j++) sum += j % 1000;
  return sum;
}

async function redisScanMget(keys: number, expected: number): Promise<number> {
  const server = await RedisServer.start();
  const client = await server.connect();
  try {
    for (let i = 0; i < keys; i += LOAD_CHUNK) {
      const commands: string[][] = [];
      for (let j = i; j < Math.min(keys, i + LOAD_CHUNK); j++) commands.push(["SET", `k${j}`, String(j % 1000)]);
      await client.send(commands);
    }
    const started = performance.now();
    let cursor = "0";
    let sum = 0;
    do {
      const [next, page] = (await client.call("SCAN", cursor, "COUNT", "1000")) as [Uint8Array, Uint8Array[]];
      cursor = new TextDecoder().decode(next);
      if (page.length > 0) for (const value of (await client.call("MGET", ...page)) as Uint8Array[]) sum += Number(new TextDecoder().decode(value));
    } while (cursor !== "0");
    const seconds = (performance.now() - started) / 1000;
    if (sum !== expected) throw new Error(`redis-server summed ${sum}, expected ${expected}`);
    return keys / seconds;
  } finally {
    client.close();
    server.stop();
  }
}
