// Cold start of a shard holding one large collection (a hash, set, sorted set or list of up to a million
// elements), restarted from its effect log and from its checkpoint row, against redis-server's RDB load.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GatewayProcess } from "../test/compat/gateway-process";
import type { Reply } from "../worker/wire/resp";
import { checkReplies, type Command } from "./http-workload";
import { redisRestartMs } from "./redis-restart";
import { ratio, table } from "./report";
import type { BenchContext } from "./suite";

/** Elements per command and commands per pipeline: 200,000 elements, at most ~6 MB of JSON, under the 10 MB body limit. */
const PER_COMMAND = 1_000;
const PER_PIPELINE = 200;
const QUICK_ELEMENTS = 50_000;

interface ColdCollection {
  type: string;
  key: string;
  /** Full-run size: 45–55 MB in the core (bytes per element from the collections suite), under the shard's 96 MiB maxmemory. */
  elements: number;
  shape: string;
  /** One command adding elements [from, to) of n. */
  add: (from: number, to: number, n: number) => Command;
  probe: (i: number, n: number) => Command;
  /** The probe's answer, as the gateway renders it in JSON. */
  expected: (i: number, n: number) => string | number;
  /** Elements the key ends with, when adding n repeats some. */
  distinct?: (n: number) => number;
}

/** A fixed pseudo-random field number below n for draw i (murmur3's finaliser), the same in every run. */
function draw(i: number, n: number): string {
  let h = i + 1;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return String(((h ^ (h >>> 16)) >>> 0) % n).padStart(12, "0");
}

const range = (from: number, to: number, each: (i: number) => string[]) => {
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(...each(i));
  return out;
};

const COLLECTIONS: readonly ColdCollection[] = [
  {
    // redis-benchmark's HSET shape (as the engine suite): N draws of a random field below N, ~63% of them distinct. Its
    // checkpoint row comes back in the old table's slot order, the case that once took 9.5 s to load (632k fields).
    type: "hash",
    key: "{cold}:hash",
    elements: 1_000_000,
    shape: "`element:<r>` → `val:<r>`, r drawn below the count",
    add: (from, to, n) => ["HSET", "{cold}:hash", ...range(from, to, (i) => [`element:${draw(i, n)}`, `val:${draw(i, n)}`])],
    probe: (i, n) => ["HGET", "{cold}:hash", `element:${draw(i, n)}`],
    expected: (i, n) => `val:${draw(i, n)}`,
    distinct: (n) => new Set(Array.from({ length: n }, (_, i) => draw(i, n))).size,
  },
  {
    type: "set",
    key: "{cold}:set",
    elements: 1_000_000,
    shape: "`member:<i>`",
    add: (from, to) => ["SADD", "{cold}:set", ...range(from, to, (i) => [`member:${i}`])],
    probe: (i) => ["SISMEMBER", "{cold}:set", `member:${i}`],
    expected: () => 1,
  },
  {
    type: "sorted set",
    key: "{cold}:zset",
    elements: 700_000,
    shape: "`member:<i>` with score `<i>`",
    add: (from, to) => ["ZADD", "{cold}:zset", ...range(from, to, (i) => [String(i), `member:${i}`])],
    probe: (i) => ["ZSCORE", "{cold}:zset", `member:${i}`],
    expected: (i) => String(i),
  },
  {
    type: "list",
    key: "{cold}:list",
    elements: 1_000_000,
    shape: "`element:<i>`",
    add: (from, to) => ["RPUSH", "{cold}:list", ...range(from, to, (i) => [`element:${i}`])],
    probe: (i) => ["LINDEX", "{cold}:list", String(i)],
    expected: (i) => `element:${i}`,
  },
];

function* pipelines(collection: ColdCollection, elements: number): Generator<Command[]> {
  for (let start = 0; start < elements; start += PER_COMMAND * PER_PIPELINE) {
    const commands: Command[] = [];
    for (let from = start; from < Math.min(elements, start + PER_COMMAND * PER_PIPELINE); from += PER_COMMAND) {
      commands.push(collection.add(from, Math.min(elements, from + PER_COMMAND), elements));
    }
    yield commands;
  }
}

/** The cold shard and a key on another shard (which warms the gateway first), from the string measurement. */
export interface ColdPlacement {
  shards: number;
  coldShard: number;
  otherKey: string;
}

interface Restart {
  collection: ColdCollection;
  elements: number;
  shardBytes: number;
  from: "log" | "rows";
  first: number;
  next: number;
}

/**
 * Every gateway start costs 15–30 s here, so the collections share one state directory: after its
 * measurements each collection is deleted (and, checkpointing eagerly, its row with it) before the next
 * is loaded. The first collection, the hash, is also measured from its log; the rest only from rows.
 */
export async function measureColdCollections({ quick, log }: BenchContext, placement: ColdPlacement): Promise<string[]> {
  const redisMs = new Map<ColdCollection, number>();
  for (const collection of COLLECTIONS) {
    const elements = quick ? QUICK_ELEMENTS : collection.elements;
    const probe = Math.floor(elements / 2);
    const expected = collection.expected(probe, elements);
    const [ms] = await redisRestartMs(
      { batches: pipelines(collection, elements), probe: collection.probe(probe, elements), accept: (reply) => matches(reply, expected), restarts: 1 },
      log,
    );
    log(`coldstart: redis-server restart → first ${collection.probe(probe, elements)[0]} on a ${collection.type} of ${elements}: ${ms!.toFixed(0)} ms`);
    redisMs.set(collection, ms!);
  }
  const restarts = await gatewayRestarts(quick, placement, log);
  const rows = restarts.map((r) => [
    r.collection.type,
    (r.collection.distinct?.(r.elements) ?? r.elements).toLocaleString("en"),
    `${(r.shardBytes / 1e6).toFixed(1)} MB`,
    r.from === "log" ? "effect log" : "checkpoint row",
    `\`${r.collection.probe(0, r.elements)[0]}\``,
    `${r.first.toFixed(0)} ms`,
    `${r.next.toFixed(1)} ms`,
    `${redisMs.get(r.collection)!.toFixed(0)} ms`,
    ratio(r.first / redisMs.get(r.collection)!),
  ]);
  return [
    `**Cold start of one large collection.** One key at a time under \`{cold}\` (shard ${placement.coldShard} of ${placement.shards}), ` +
      `loaded through \`POST /pipeline\` (${PER_COMMAND.toLocaleString("en")} elements per command, ${PER_PIPELINE} commands per pipeline), ` +
      `then the whole \`npm start\` process group is SIGKILLed and started again on the same \`--persist-to\` directory. ` +
      `Under the default checkpoint policy such a load stays in the shard's effect log (the log stays below the core's used ` +
      `memory), so the hash's first restart replays it ("effect log"). Every later runtime has EDGESLOT_CHECKPOINT_BYTES=1 and ` +
      `EDGESLOT_CHECKPOINT_GROWTH=0, so each write batch checkpoints its dirty keys into rows and trims the log: the collection is ` +
      `wholly in its row at the restart ("checkpoint row"), and is deleted before the next one loads. A GET on another shard ` +
      `warms the gateway first; the first command reads the element in the middle, and its reply is checked. Elements: ` +
      COLLECTIONS.map((c) => `${c.type} ${c.shape}`).join("; ") +
      ".",
    "",
    ...table(
      ["collection", "elements", "shard used", "restarts from", "command", "first command", "next command", "redis-server", "first command vs redis-server"],
      rows,
    ),
    "",
    `Baseline: redis-server loaded with the same commands, SAVEd to an RDB, SIGKILLed and started again on it; the time from ` +
      `spawn until the same command answers as expected (LOADING retried). The ratio divides the shard's first command by that ` +
      `(lower is better) and, as above, leaves out the runtime's own start.`,
  ];
}

async function gatewayRestarts(quick: boolean, placement: ColdPlacement, log: (line: string) => void): Promise<Restart[]> {
  const persistDir = mkdtempSync(join(tmpdir(), "edgeslot-coldstart-"));
  const shards = { EDGESLOT_SHARDS: String(placement.shards) };
  const eager = { ...shards, EDGESLOT_CHECKPOINT_BYTES: "1", EDGESLOT_CHECKPOINT_GROWTH: "0" };
  let gateway = await GatewayProcess.start({ persistDir, vars: shards });
  const post = async (body: unknown, path = "/") => (await gateway.fetch(path, { method: "POST", body: JSON.stringify(body) })).json() as Promise<any>;
  const timed = async (command: Command, expected: string | number): Promise<number> => {
    const started = performance.now();
    const reply = (await (await gateway.fetch("/", { method: "POST", body: JSON.stringify(command) })).json()) as { result?: unknown };
    const ms = performance.now() - started;
    if (reply.result !== expected) throw new Error(`after restart ${command.join(" ")} answered ${JSON.stringify(reply).slice(0, 200)}`);
    return ms;
  };
  const out: Restart[] = [];
  try {
    await post(["SET", placement.otherKey, "1"]);
    for (const [index, collection] of COLLECTIONS.entries()) {
      const elements = quick ? QUICK_ELEMENTS : collection.elements;
      const probe = Math.floor(elements / 2);
      const loading = performance.now();
      for (const commands of pipelines(collection, elements)) checkReplies(`gateway load of a ${collection.type}`, commands, await post(commands, "/pipeline"));
      const info = String((await post(["INFO", "memory"])).result);
      const shardBytes = Number(new RegExp(`shard${placement.coldShard}:used_memory=(\\d+)`).exec(info)?.[1] ?? NaN);
      log(`coldstart: ${collection.type} of ${elements} loaded in ${((performance.now() - loading) / 1e3).toFixed(1)} s; shard ${placement.coldShard} holds ${(shardBytes / 1e6).toFixed(1)} MB`);
      const restartAndProbe = async (from: Restart["from"]) => {
        await gateway.kill();
        gateway = await GatewayProcess.start({ persistDir, port: gateway.port, token: gateway.token, vars: eager });
        await timed(["GET", placement.otherKey], "1");
        const first = await timed(collection.probe(probe, elements), collection.expected(probe, elements));
        const next = await timed(collection.probe(probe + 1, elements), collection.expected(probe + 1, elements));
        log(`coldstart: ${collection.type} from its ${from}: first ${collection.probe(probe, elements)[0]} ${first.toFixed(0)} ms, then ${next.toFixed(1)} ms`);
        out.push({ collection, elements, shardBytes, from, first, next });
      };
      if (index === 0) {
        // Loaded under the default policy, so still in the log; this restart's one write moves it into its row.
        await restartAndProbe("log");
        const write = await post(["SET", "{cold}:checkpoint", "1"]);
        if (write.result !== "OK") throw new Error(`the write that checkpoints answered ${JSON.stringify(write)}`);
      }
      await restartAndProbe("rows");
      const deleted = await post(["DEL", collection.key]);
      if (deleted.result !== 1) throw new Error(`DEL ${collection.key} answered ${JSON.stringify(deleted)}`);
    }
    return out;
  } finally {
    await gateway.stop();
  }
}

/** A redis-server reply against the gateway's JSON rendering of the same reply. */
function matches(reply: Reply, expected: string | number): boolean {
  return typeof expected === "number" ? reply === expected : reply instanceof Uint8Array && new TextDecoder().decode(reply) === expected;
}
