// A harness for slot-move fault tests inside workerd: a deployment's gateway, coordinator and shards; a
// model of every write clients had acknowledged (or may have had applied); and the check that every
// key has exactly one owner, the owner of its slot in the published map, holding its last value.
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { COORDINATOR_NAME } from "../../shards/coordinator/coordinator";
import type { StepFault } from "../../shards/coordinator/scaling/step-faults";
import { ownerTable, rangesOf } from "../../shards/coordinator/slots";
import type { Topology } from "../../shards/coordinator/topology";
import { keySlot } from "../../worker/routing/key-slot";
import { encodeCommands, ReplyReader } from "../../worker/wire/resp";
import { pipeline, request, type Answer, type Arg, type CallOptions } from "../worker/gateway";

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const coordinator = () => env.COORDINATOR.get(env.COORDINATOR.idFromName(COORDINATOR_NAME));
export const member = (name: string) => env.SHARD.get(env.SHARD.idFromName(name));
const TTL_MS = 3_600_000;

export type Kind = "string" | "hash" | "zset";
export type Keys = [string, Kind][];
/** What the test knows of a key: its kind and every value it may hold (one once a write was
 * acknowledged after the last unacknowledged one). */
interface Known {
  readonly kind: Kind;
  values: string[];
}

// The zset keeps one member, the greatest: values are written in increasing order.
const write = (key: string, kind: Kind, value: string): Arg[][] =>
  kind === "string" ? [["SET", key, value]] : kind === "hash" ? [["HSET", key, "f", value]] : [["ZADD", key, "1", value], ["ZREMRANGEBYRANK", key, "0", "-2"]];
const read = (key: string, kind: Kind): Arg[] => (kind === "string" ? ["GET", key] : kind === "hash" ? ["HGET", key, "f"] : ["ZRANGE", key, "0", "-1"]);
const readValue = (kind: Kind, reply: unknown) => (kind === "zset" ? (reply as string[]).join(",") : (reply as string));
const acknowledged = (answer: Answer) => answer.status === 200 && answer.json.every((reply: { error?: string }) => reply.error === undefined);

/** `count` keys whose slots are in [first, last], with a kind each. */
export function keysIn(first: number, last: number, count: number, prefix: string): Keys {
  const kinds: Kind[] = ["string", "hash", "zset"];
  const found: Keys = [];
  for (let i = 0; found.length < count; i++) {
    const key = `${prefix}:${i}`;
    const slot = keySlot(new TextEncoder().encode(key));
    if (slot >= first && slot <= last) found.push([key, kinds[found.length % 3]!]);
  }
  return found;
}

export class MoveHarness {
  private readonly model = new Map<string, Known>();

  constructor(readonly options: CallOptions) {}

  async topology(): Promise<Topology> {
    const answer = await request("/admin/topology", undefined, this.options);
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    return answer.json.result as Topology;
  }

  /** Writes `value` (with a TTL) to every key in one pipeline; every write must be acknowledged. */
  async writeAll(keys: Keys, value: string): Promise<void> {
    const answer = await pipeline(keys.flatMap(([key, kind]) => [...write(key, kind, value), ["PEXPIRE", key, TTL_MS]]), this.options);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.filter((reply: { error?: string }) => reply.error)).toEqual([]);
    for (const [key, kind] of keys) this.model.set(key, { kind, values: [value] });
  }

  /** Writes `value` to each key as its own request; resolves once all are answered, with how many
   * failed (their keys may hold the old value or the new one). */
  async writeEach(keys: Keys, value: string): Promise<number> {
    const answers = await Promise.all(keys.map(([key, kind]) => pipeline([...write(key, kind, value), ["PEXPIRE", key, TTL_MS]], this.options)));
    let failed = 0;
    answers.forEach((answer, i) => {
      const known = this.model.get(keys[i]![0])!;
      if (acknowledged(answer)) known.values = [value];
      else {
        known.values = [...known.values, value];
        failed++;
      }
    });
    return failed;
  }

  /** Arms a step fault and queues the move of [first, last] to group `to`; resolves once the fault fired. */
  async moveUntilFault(first: number, last: number, to: number, fault: StepFault): Promise<void> {
    const fired = (await coordinator().testStepFault(undefined)).fired;
    await coordinator().testStepFault(fault);
    const moved = await request(`/admin/slots/move?first=${first}&last=${last}&to=${to}`, "", { ...this.options, method: "POST" });
    expect(moved.status, moved.text).toBe(200);
    for (let i = 0; i < 300 && (await coordinator().testStepFault(undefined)).fired === fired; i++) await sleep(50);
    expect((await coordinator().testStepFault(undefined)).fired).toBe(fired + 1);
  }

  /** The topology once no move is queued (the coordinator's alarm runs them). */
  async settled(): Promise<Topology> {
    let current = await this.topology();
    for (let i = 0; i < 600 && current.moves.length > 0; i++) {
      await sleep(100);
      current = await this.topology();
    }
    expect(current.moves).toEqual([]);
    return current;
  }

  /** Every key on exactly one primary, the owner of its slot; no primary holds anything else; each
   * primary's ownership state is the published map; through the gateway, each key's last value and TTL. */
  async checkOwnership(): Promise<void> {
    const current = await this.topology();
    const owners = ownerTable(current.slots);
    const keys = [...this.model.keys()];
    const present = await Promise.all(current.groups.map((group) => direct(group.primary, keys.map((key) => ["EXISTS", key]))));
    const misplaced = keys.filter((key, k) => {
      const holders = current.groups.map((_, g) => g).filter((g) => present[g]![k] === 1);
      return holders.length !== 1 || holders[0] !== owners[keySlot(new TextEncoder().encode(key))];
    });
    expect(misplaced).toEqual([]);
    const sizes = await Promise.all(current.groups.map(async (group) => (await direct(group.primary, [["DBSIZE"]]))[0] as number));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(this.model.size);
    for (const [g, group] of current.groups.entries()) {
      const state = await member(group.primary).slotsState();
      if (state) {
        expect(state.frozen).toEqual([]);
        expect(state.owned).toEqual(rangesOf(current.slots, g));
      }
    }
    const replies = await pipeline(keys.flatMap((key) => [read(key, this.model.get(key)!.kind), ["PTTL", key]]), this.options);
    const wrong = keys.filter((key, k) => {
      const known = this.model.get(key)!;
      const ttl = replies.json[2 * k + 1].result as number;
      return !known.values.includes(readValue(known.kind, replies.json[2 * k].result)) || ttl <= 0 || ttl > TTL_MS;
    });
    expect(wrong).toEqual([]);
  }
}

/** Commands on one member directly, past the gateway's routing. */
export async function direct(name: string, commands: Arg[][]): Promise<unknown[]> {
  const out = await member(name).execute(encodeCommands(commands.map((c) => c.map(String))).buffer as ArrayBuffer);
  const reader = new ReplyReader(new Uint8Array(out as ArrayBuffer));
  return commands.map(() => reader.next());
}
