// Online resharding's cost to clients: throughput and p99 latency of a steady pipeline load through
// `npm start` while slots move from 2 shards to 4, against the same load just before (same run), and
// slots migrated per second.
import { GatewayProcess } from "../test/compat/gateway-process";
import { checkReplies, mixedCommands } from "./http-workload";
import { rate, ratio, table, type Section } from "./report";
import type { BenchContext, Suite } from "./suite";

export const migrationSuite: Suite = { id: "migration", run: runMigration };

const PIPELINE = 100;
const CLIENTS = 4;

interface Sample {
  readonly requests: number;
  readonly seconds: number;
  readonly latencies: number[];
  /** One more client's single-key GETs, back to back: what a request touching one slot sees. */
  readonly single: number[];
}

async function runMigration(context: BenchContext): Promise<Section> {
  const { log } = context;
  const keyspace = context.quick ? 20_000 : 200_000;
  const baselineSeconds = context.quick ? 4 : 15;
  const gateway = await GatewayProcess.start({ vars: { EDGESLOT_SHARDS: "2" } });
  try {
    await preload(gateway, keyspace, log);
    const body = JSON.stringify(mixedCommands(PIPELINE, keyspace));
    const commands = mixedCommands(PIPELINE, keyspace);
    checkReplies("gateway /pipeline", commands, (await (await gateway.fetch("/pipeline", { method: "POST", body })).json()) as unknown[]);

    const before = await sampleLoad(gateway, body, keyspace, async () => void (await sleep(baselineSeconds * 1000)));
    log(`migration: before ${rate((before.requests * PIPELINE) / before.seconds)} commands, p99 ${percentile(before.latencies, 0.99).toFixed(1)} ms`);

    const topologyBefore = await topology(gateway);
    let moved = 0;
    let migrationSeconds = 0;
    const during = await sampleLoad(gateway, body, keyspace, async () => {
      const started = performance.now();
      const answer = await gateway.fetch("/admin/shards?add=2", { method: "POST" });
      if (!answer.ok) throw new Error(`POST /admin/shards?add=2 → ${answer.status} ${await answer.text()}`);
      for (;;) {
        const current = await topology(gateway);
        if (current.moves.length === 0) {
          migrationSeconds = (performance.now() - started) / 1000;
          moved = slotsMoved(topologyBefore.owners, current.owners);
          return;
        }
        await sleep(50);
      }
    });
    log(`migration: during ${rate((during.requests * PIPELINE) / during.seconds)} commands, p99 ${percentile(during.latencies, 0.99).toFixed(1)} ms; ${moved} slots in ${migrationSeconds.toFixed(1)} s`);

    const perSecond = (sample: Sample) => (sample.requests * PIPELINE) / sample.seconds;
    return {
      title: "Online resharding: load during a migration (2 → 4 shards) vs just before it",
      lines: [
        ...table(
          ["phase", "commands/s", "vs before", "p50 ms", "p99 ms", "p99 vs before"],
          [
            ["before (steady load)", rate(perSecond(before)), ratio(1), percentile(before.latencies, 0.5).toFixed(1), percentile(before.latencies, 0.99).toFixed(1), ratio(1)],
            [
              "during the migration",
              rate(perSecond(during)),
              ratio(perSecond(during) / perSecond(before)),
              percentile(during.latencies, 0.5).toFixed(1),
              percentile(during.latencies, 0.99).toFixed(1),
              ratio(percentile(during.latencies, 0.99) / percentile(before.latencies, 0.99)),
            ],
          ],
        ),
        "",
        ...table(
          ["single-key GET (one more client)", "requests/s", "vs before", "p50 ms", "p99 ms", "p99 vs before"],
          [before, during].map((sample, i) => [
            i === 0 ? "before" : "during the migration",
            rate(sample.single.length / sample.seconds),
            ratio(sample.single.length / sample.seconds / (before.single.length / before.seconds)),
            percentile(sample.single, 0.5).toFixed(1),
            percentile(sample.single, 0.99).toFixed(1),
            ratio(percentile(sample.single, 0.99) / percentile(before.single, 0.99)),
          ]),
        ),
        "",
        `Slots migrated: ${moved} in ${migrationSeconds.toFixed(1)} s, ${(moved / migrationSeconds).toFixed(0)} slots/s ` +
          `(${keyspace.toLocaleString("en")} keys of each of 3 types preloaded, so about ${Math.round((moved / 16384) * keyspace * 3).toLocaleString("en")} keys moved).`,
        "",
        `Gateway: \`npm start\` with EDGESLOT_SHARDS=2 and the default one async replica per shard, then ` +
          `\`POST /admin/shards?add=2\`. Load: ${CLIENTS} clients in this process, each posting ${PIPELINE}-command pipelines ` +
          `(SET/GET/INCR/HSET in rotation over the preloaded keys) back to back; latency is per pipeline. A fifth client ` +
          `sends single-key GETs back to back: a pipeline of 100 random keys meets a range being moved in about half the ` +
          `steps (128 of 16384 slots each), a single key in under 1%. ` +
          `"Before" is ${baselineSeconds} s of the same load just before the migration starts. Every reply is checked: the run fails on any error.`,
      ],
      targets: [],
    };
  } finally {
    await gateway.stop();
  }
}

/** SET, INCR and HSET of every key, so the moves carry data. */
async function preload(gateway: GatewayProcess, keyspace: number, log: (line: string) => void): Promise<void> {
  const started = performance.now();
  for (let at = 0; at < keyspace; at += 1000) {
    const commands: string[][] = [];
    for (let k = at; k < Math.min(keyspace, at + 1000); k++) commands.push(["SET", `s:${k}`, `v${k}`], ["INCR", `c:${k}`], ["HSET", `h:${k}`, "f", `v${k}`]);
    const answer = await gateway.fetch("/pipeline", { method: "POST", body: JSON.stringify(commands) });
    const replies = (await answer.json()) as { error?: string }[];
    const failed = replies.find((reply) => reply.error !== undefined);
    if (!answer.ok || failed) throw new Error(`preload: ${answer.status} ${JSON.stringify(failed)}`);
  }
  log(`migration: preloaded ${(keyspace * 3).toLocaleString("en")} keys in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** Runs the clients until `during` settles; every reply must be free of errors. */
async function sampleLoad(gateway: GatewayProcess, body: string, keyspace: number, during: () => Promise<void>): Promise<Sample> {
  let stop = false;
  const latencies: number[] = [];
  const started = performance.now();
  const client = async () => {
    while (!stop) {
      const sent = performance.now();
      const answer = await gateway.fetch("/pipeline", { method: "POST", body });
      const replies = (await answer.json()) as { error?: string }[];
      latencies.push(performance.now() - sent);
      const failed = Array.isArray(replies) ? replies.find((reply) => reply.error !== undefined) : replies;
      if (!answer.ok || failed) throw new Error(`a client saw an error: ${answer.status} ${JSON.stringify(failed)}`);
    }
  };
  const single: number[] = [];
  const singleClient = async () => {
    for (let i = 0; !stop; i++) {
      const sent = performance.now();
      const answer = await gateway.fetch("/", { method: "POST", body: JSON.stringify(["GET", `s:${(i * 7919) % keyspace}`]) });
      const reply = (await answer.json()) as { error?: string };
      single.push(performance.now() - sent);
      if (!answer.ok || reply.error !== undefined) throw new Error(`the single-key client saw an error: ${answer.status} ${JSON.stringify(reply)}`);
    }
  };
  const clients = [...Array.from({ length: CLIENTS }, client), singleClient()];
  try {
    await during();
  } finally {
    stop = true;
    await Promise.all(clients);
  }
  return { requests: latencies.length, seconds: (performance.now() - started) / 1000, latencies, single };
}

async function topology(gateway: GatewayProcess): Promise<{ moves: unknown[]; owners: number[] }> {
  const answer = await gateway.fetch("/admin/topology");
  if (!answer.ok) throw new Error(`GET /admin/topology → ${answer.status} ${await answer.text()}`);
  const { result } = (await answer.json()) as { result: { moves: unknown[]; slots: { ranges: { first: number; last: number; group: number }[] } } };
  const owners = new Array<number>(16384).fill(-1);
  for (const { first, last, group } of result.slots.ranges) owners.fill(group, first, last + 1);
  return { moves: result.moves, owners };
}

function slotsMoved(before: readonly number[], after: readonly number[]): number {
  return before.reduce((count, owner, slot) => count + (owner === after[slot] ? 0 : 1), 0);
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
