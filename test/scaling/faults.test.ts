// Fault injection mid-migration with real shards: the coordinator stops at each phase of a slot move (as
// if it crashed), and the coordinator, the source or the target is restarted or made to fail there;
// clients keep writing to the moving range meanwhile. After recovery every key has exactly one owner,
// the owner of its slot in the published map, holding its last acknowledged value.
import { env, evictDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { COORDINATOR_NAME } from "../../shards/coordinator/coordinator";
import type { StepFault } from "../../shards/coordinator/scaling/step-faults";
import { ownerTable, rangesOf } from "../../shards/coordinator/slots";
import type { Topology } from "../../shards/coordinator/topology";
import { keySlot } from "../../worker/routing/key-slot";
import { encodeCommands, ReplyReader } from "../../worker/wire/resp";
import { pipeline, request, type Answer, type Arg, type CallOptions } from "../worker/gateway";

const OPTIONS: CallOptions = { vars: { EDGESLOT_SHARDS: "2", EDGESLOT_REPLICAS: "0" } };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const coordinator = () => env.COORDINATOR.get(env.COORDINATOR.idFromName(COORDINATOR_NAME));
const member = (name: string) => env.SHARD.get(env.SHARD.idFromName(name));
const TTL_MS = 3_600_000;

type Kind = "string" | "hash" | "zset";
/** What the test knows of a key: its kind and every value it may hold (one once a write was acknowledged
 * after the last unacknowledged one). */
interface Known {
  readonly kind: Kind;
  values: string[];
}
const model = new Map<string, Known>();

const write = (key: string, kind: Kind, value: string): Arg[][] =>
  kind === "string" ? [["SET", key, value]] : kind === "hash" ? [["HSET", key, "f", value]] : [["ZADD", key, "1", value], ["ZREMRANGEBYRANK", key, "0", "-2"]];
const read = (key: string, kind: Kind): Arg[] => (kind === "string" ? ["GET", key] : kind === "hash" ? ["HGET", key, "f"] : ["ZRANGE", key, "0", "-1"]);
const readValue = (kind: Kind, reply: unknown) => (kind === "zset" ? (reply as string[]).join(",") : (reply as string));

async function topology(): Promise<Topology> {
  const answer = await request("/admin/topology", undefined, OPTIONS);
  expect(answer.status, JSON.stringify(answer.json)).toBe(200);
  return answer.json.result as Topology;
}

/** `count` keys whose slots are in [first, last], with a kind each. */
function keysIn(first: number, last: number, count: number, prefix: string): [string, Kind][] {
  const kinds: Kind[] = ["string", "hash", "zset"];
  const found: [string, Kind][] = [];
  for (let i = 0; found.length < count; i++) {
    const key = `${prefix}:${i}`;
    const slot = keySlot(new TextEncoder().encode(key));
    if (slot >= first && slot <= last) found.push([key, kinds[found.length % 3]!]);
  }
  return found;
}

/** Writes `value` to every key, all in one pipeline; the model learns what was acknowledged. */
async function writeAll(keys: [string, Kind][], value: string): Promise<void> {
  const commands = keys.flatMap(([key, kind]) => [...write(key, kind, value), ["PEXPIRE", key, TTL_MS]]);
  const answer = await pipeline(commands, OPTIONS);
  expect(answer.status, answer.text).toBe(200);
  expect(answer.json.filter((reply: { error?: string }) => reply.error)).toEqual([]);
  for (const [key, kind] of keys) model.set(key, { kind, values: [value] });
}

/** Writes sent while a move is stalled; settled later. Acknowledged → the value; an error → either. */
function writeInFlight(keys: [string, Kind][], value: string): Promise<Answer[]> {
  return Promise.all(keys.map(([key, kind]) => pipeline([...write(key, kind, value), ["PEXPIRE", key, TTL_MS]], OPTIONS)));
}

function settle(keys: [string, Kind][], value: string, answers: Answer[]): number {
  let errors = 0;
  answers.forEach((answer, i) => {
    const known = model.get(keys[i]![0])!;
    const ok = answer.status === 200 && answer.json.every((reply: { error?: string }) => reply.error === undefined);
    if (ok) known.values = [value];
    else {
      known.values = [...known.values, value];
      errors++;
    }
  });
  return errors;
}

async function firedFaults(): Promise<number> {
  return (await coordinator().testStepFault(undefined)).fired;
}

async function untilFired(before: number): Promise<void> {
  for (let i = 0; i < 300 && (await firedFaults()) === before; i++) await sleep(50);
  expect(await firedFaults()).toBe(before + 1);
}

async function untilSettled(): Promise<Topology> {
  let current = await topology();
  for (let i = 0; i < 600 && current.moves.length > 0; i++) {
    await sleep(100);
    current = await topology();
  }
  expect(current.moves).toEqual([]);
  return current;
}

async function direct(name: string, commands: Arg[][]): Promise<unknown[]> {
  const out = await member(name).execute(encodeCommands(commands.map((c) => c.map(String))).buffer as ArrayBuffer);
  const reader = new ReplyReader(new Uint8Array(out as ArrayBuffer));
  return commands.map(() => reader.next());
}

/** Every key on exactly one primary, the owner of its slot; that owner serves its last acknowledged value. */
async function checkOwnership(): Promise<void> {
  const current = await topology();
  const owners = ownerTable(current.slots);
  const keys = [...model.keys()];
  const present = await Promise.all(current.groups.map((group) => direct(group.primary, keys.map((key) => ["EXISTS", key]))));
  const misplaced = keys.filter((key, k) => {
    const holders = current.groups.map((_, g) => g).filter((g) => present[g]![k] === 1);
    return holders.length !== 1 || holders[0] !== owners[keySlot(new TextEncoder().encode(key))];
  });
  expect(misplaced).toEqual([]);
  const sizes = await Promise.all(current.groups.map(async (group) => (await direct(group.primary, [["DBSIZE"]]))[0] as number));
  expect(sizes.reduce((a, b) => a + b, 0)).toBe(model.size);
  // Each primary's own ownership state is the published map, with nothing left frozen.
  for (const [g, group] of current.groups.entries()) {
    const state = await member(group.primary).slotsState();
    if (state) {
      expect(state.frozen).toEqual([]);
      expect(state.owned).toEqual(rangesOf(current.slots, g));
    }
  }
  const replies = await pipeline(keys.flatMap((key) => [read(key, model.get(key)!.kind), ["PTTL", key]]), OPTIONS);
  const wrong = keys.filter((key, k) => {
    const known = model.get(key)!;
    const ttl = replies.json[2 * k + 1].result as number;
    return !known.values.includes(readValue(known.kind, replies.json[2 * k].result)) || ttl <= 0 || ttl > TTL_MS;
  });
  expect(wrong).toEqual([]);
}

interface Scenario {
  readonly name: string;
  readonly range: [number, number];
  readonly fault: StepFault;
  /** What happens while the move is stopped. */
  readonly meanwhile: (move: { source: string; target: string }) => Promise<void>;
  /** Client writes to the range may fail while a shard fails; elsewhere none may. */
  readonly errorsAllowed?: boolean;
}

const evict = (name: string) => evictDurableObject(member(name));
const evictCoordinator = () => evictDurableObject(coordinator());

const SCENARIOS: Scenario[] = [
  { name: "the coordinator restarts after freezing", range: [0, 199], fault: { at: "phase:frozen" }, meanwhile: () => evictCoordinator() },
  {
    name: "the target and the coordinator restart mid-copy",
    range: [300, 499],
    fault: { at: "slotsImport", nth: 2, exportBytes: 512 },
    meanwhile: async ({ target }) => {
      await evict(target);
      await evictCoordinator();
    },
  },
  { name: "the source restarts before the commit", range: [600, 799], fault: { at: "slotsCommit" }, meanwhile: ({ source }) => evict(source) },
  {
    name: "source, target and coordinator restart after the commit, before the drop",
    range: [900, 1099],
    fault: { at: "phase:committed" },
    meanwhile: async ({ source, target }) => {
      await evict(source);
      await evict(target);
      await evictCoordinator();
    },
  },
  { name: "the coordinator restarts after the drop, before publishing", range: [1200, 1399], fault: { at: "phase:dropped" }, meanwhile: () => evictCoordinator() },
  {
    name: "the source fails for a while after freezing",
    range: [1500, 1699],
    fault: { at: "slotsExport" },
    errorsAllowed: true,
    meanwhile: async ({ source }) => {
      await member(source).testFault("fail");
      await sleep(2_500);
      await member(source).testFault("clear");
    },
  },
  {
    name: "the target fails for a while mid-copy",
    range: [1800, 1999],
    fault: { at: "slotsImport", nth: 2, exportBytes: 512 },
    errorsAllowed: true,
    meanwhile: async ({ target }) => {
      await member(target).testFault("fail");
      await sleep(2_500);
      await member(target).testFault("clear");
    },
  },
  // Back to the first shard: the range's old home must take it again, a stale copy nowhere.
  { name: "a range moved before goes back, the coordinator restarting after freezing", range: [900, 1099], fault: { at: "phase:frozen" }, meanwhile: () => evictCoordinator() },
];

it("a move stopped at any phase, with members restarted or failing there, ends with every key on exactly one owner holding its last acknowledged value", { timeout: 300_000 }, async () => {
  const all = new Map<string, [string, Kind][]>();
  for (const scenario of SCENARIOS) {
    const id = `${scenario.range[0]}`;
    if (!all.has(id)) all.set(id, keysIn(scenario.range[0], scenario.range[1], 45, `f${id}`));
  }
  // Keys outside every moving range, on both shards.
  const bystanders = [...keysIn(5000, 8191, 20, "b0"), ...keysIn(8192, 16383, 20, "b1")];
  for (const keys of [...all.values(), bystanders]) await writeAll(keys, "v0");
  await checkOwnership();

  for (const [n, scenario] of SCENARIOS.entries()) {
    const keys = all.get(`${scenario.range[0]}`)!;
    const before = await topology();
    const owners = ownerTable(before.slots);
    const from = owners[scenario.range[0]]!;
    const to = 1 - from;
    const fired = await firedFaults();
    await coordinator().testStepFault(scenario.fault);
    const moved = await request(`/admin/slots/move?first=${scenario.range[0]}&last=${scenario.range[1]}&to=${to}`, "", { ...OPTIONS, method: "POST" });
    expect(moved.status, `${scenario.name}: ${moved.text}`).toBe(200);
    await untilFired(fired);

    // Stopped mid-move: clients write to the range (they wait in the gateway) and elsewhere (served now).
    const value = `v${n + 1}`;
    const inRange = writeInFlight(keys, value);
    const elsewhere = await writeInFlight(bystanders, value);
    expect(settle(bystanders, value, elsewhere), scenario.name).toBe(0);
    await scenario.meanwhile({ source: before.groups[from]!.primary, target: before.groups[to]!.primary });

    const after = await untilSettled();
    const errors = settle(keys, value, await inRange);
    if (!scenario.errorsAllowed) expect(errors, scenario.name).toBe(0);
    expect(rangesOf(after.slots, to).some(([a, b]) => a <= scenario.range[0] && scenario.range[1] <= b), scenario.name).toBe(true);
    await checkOwnership();
  }
});
