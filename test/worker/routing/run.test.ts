// The three phases end to end over an in-memory transport: merge order, a failing shard answering
// errors for its own commands only, and a batch refused with MOVED planned again on the new slot map.
import { describe, expect, it } from "vitest";
import { keySlot } from "../../../worker/routing/key-slot";
import { isPlain, repliesInOrder, runCommands, runPlainPlan, type RunContext } from "../../../worker/routing/run";
import { plan } from "../../../worker/routing/plan";
import type { ShardTransport } from "../../../worker/routing/transport";
import { encodeReply, type Reply, ReplyError, Status } from "../../../worker/wire/resp";
import { MovedError } from "../../../worker/routing/moved";
import { SlotMap } from "../../../worker/routing/slot-map";
import { assignRange, contiguousAssignment } from "../../../shards/coordinator/slots";

const enc = new TextEncoder();
const dec = new TextDecoder();
const cmd = (...args: string[]) => args.map((a) => enc.encode(a));

/** A transport over plain maps, one per shard, understanding SET and GET; shard `broken` throws. */
function mapTransport(broken?: number): ShardTransport & { calls: number[] } {
  const shards = new Map<number, Map<string, Uint8Array>>();
  const calls: number[] = [];
  return {
    calls,
    async execute(shard, commands) {
      calls.push(shard);
      if (shard === broken) throw new Error("connection reset");
      const data = shards.get(shard) ?? new Map<string, Uint8Array>();
      shards.set(shard, data);
      return commands.map((command): Reply => {
        const [name, key, value] = command.map((a) => dec.decode(a));
        if (name === "SET") return data.set(key!, enc.encode(value!)), new Status("OK");
        if (name === "GET") return data.get(key!) ?? null;
        return new ReplyError(`ERR unknown command '${name}'`);
      });
    },
  };
}

const context = (transport: ShardTransport): RunContext => ({
  shards: 4, readonly: false, maxKeyBytes: 1024, keySlot, transport,
  transactions: {
    participant: () => { throw new Error("no cross-shard transactions in these tests"); },
    decision: () => { throw new Error("no cross-shard transactions in these tests"); },
  },
  local: { shards: 4, ip: "127.0.0.1", port: 8787, keySlot },
});

const keyOn = (shard: number) => {
  for (let i = 0; ; i++) if (Math.floor(keySlot(enc.encode(`k${i}`)) / 4096) === shard) return `k${i}`;
};

describe("runCommands", () => {
  it("contacts each shard once and answers in request order", async () => {
    const transport = mapTransport();
    const [a, b] = [keyOn(0), keyOn(3)];
    const replies = await runCommands([cmd("SET", a, "1"), cmd("SET", b, "2"), cmd("GET", b), cmd("GET", a)], context(transport));
    expect(replies.slice(2).map((r) => dec.decode(r as Uint8Array))).toEqual(["2", "1"]);
    expect(transport.calls.sort()).toEqual([0, 3]);
  });

  it("a failing shard answers an error for each of its commands; other shards' replies stand", async () => {
    const transport = mapTransport(1);
    const [a, b] = [keyOn(0), keyOn(1)];
    const replies = await runCommands([cmd("SET", a, "1"), cmd("SET", b, "2"), cmd("GET", b)], context(transport));
    expect(replies[0]).toEqual(new Status("OK"));
    expect(replies[1]).toEqual(new ReplyError("ERR shard 1 failed: connection reset"));
    expect(replies[2]).toEqual(new ReplyError("ERR shard 1 failed: connection reset"));
  });

  it("a batch refused with MOVED runs again on the new map: keyed commands where their slots went, fan-out parts on the same shard, replies in order", async () => {
    const [a, b] = [keyOn(0), keyOn(1)];
    const slotA = keySlot(enc.encode(a));
    const before = new SlotMap(contiguousAssignment(4), 5);
    const after = new SlotMap(assignRange(contiguousAssignment(4), slotA, slotA, 4, 1), 5);
    const inner = mapTransport();
    let refused = false;
    const sent: { shard: number; names: string[] }[] = [];
    const transport: ShardTransport = {
      async execute(shard, commands) {
        sent.push({ shard, names: commands.map((command) => dec.decode(command[0]!)) });
        // Shard 0 learnt of the move first: the first batch it gets is refused unrun.
        if (shard === 0 && !refused) {
          refused = true;
          throw new MovedError(1);
        }
        return inner.execute(shard, commands.filter((command) => dec.decode(command[0]!) !== "DBSIZE")).then((replies) => {
          const out: Reply[] = [];
          let at = 0;
          for (const command of commands) out.push(dec.decode(command[0]!) === "DBSIZE" ? shard : replies[at++]!);
          return out;
        });
      },
    };
    const routed = (map: SlotMap): RunContext => ({ ...context(transport), shards: map.groups, slotMap: map, current: async () => routed(after) });
    const replies = await runCommands([cmd("SET", a, "1"), cmd("DBSIZE"), cmd("SET", b, "2"), cmd("GET", a)], routed(before));
    expect(replies[0]).toEqual(new Status("OK"));
    // DBSIZE's fan-out: each of the 5 shards answered its own index; the refused part went to shard 0 again.
    expect(replies[1]).toBe(0 + 1 + 2 + 3 + 4);
    expect(replies[2]).toEqual(new Status("OK"));
    expect(dec.decode(replies[3] as Uint8Array)).toBe("1");
    // a's SET and GET now ran on shard 4, after the refusal; shard 0 got the DBSIZE part alone.
    const afterRefusal = sent.slice(sent.findIndex((call) => call.shard === 0) + 1);
    expect(afterRefusal).toContainEqual({ shard: 4, names: ["SET"] });
    expect(afterRefusal).toContainEqual({ shard: 4, names: ["GET"] });
    expect(afterRefusal).toContainEqual({ shard: 0, names: ["DBSIZE"] });
  });

  it("a refused MSET whose keys the new map puts on two shards runs again through the cross-shard protocol", async () => {
    const a = keyOn(0);
    let b = "";
    for (let i = 0; !b; i++) {
      const key = `m${i}`;
      const slot = keySlot(enc.encode(key));
      if (Math.floor(slot / 4096) === 0 && slot !== keySlot(enc.encode(a))) b = key;
    }
    const slotA = keySlot(enc.encode(a));
    const before = new SlotMap(contiguousAssignment(4), 5);
    const after = new SlotMap(assignRange(contiguousAssignment(4), slotA, slotA, 4, 1), 5);
    const sent: number[] = [];
    const locked: number[] = [];
    const transport: ShardTransport = {
      async execute(shard) {
        sent.push(shard);
        throw new MovedError(1);
      },
    };
    const routed = (map: SlotMap): RunContext => ({
      ...context(transport),
      shards: map.groups,
      slotMap: map,
      current: async () => routed(after),
      transactions: {
        participant: (shard) => {
          locked.push(shard);
          throw new Error("stop at the first lock");
        },
        decision: () => { throw new Error("not reached"); },
      },
    });
    // Planned on one shard, refused there; on the new map it is a cross-shard MSET, not a batch.
    const outcome = await runCommands([cmd("MSET", a, "1", b, "2")], routed(before)).catch((error: Error) => error.message);
    expect(sent).toEqual([0]);
    // The protocol started locking the keys' new shards (the stub stops it there).
    expect(locked.length).toBeGreaterThan(0);
    expect(locked.every((shard) => shard === 0 || shard === 4)).toBe(true);
    expect(String(outcome)).not.toMatch(/reached runPlan/);
  });
});

/** `mapTransport` also answering as RESP, as the Durable Object transports do. */
function respTransport(broken?: number): ShardTransport & { calls: number[] } {
  const inner = mapTransport(broken);
  return {
    calls: inner.calls,
    execute: inner.execute,
    async executeRaw(shard, commands) {
      const out: number[] = [];
      for (const reply of await inner.execute(shard, commands)) encodeReply(reply, out);
      return new Uint8Array(out);
    },
  };
}

describe("runPlainPlan", () => {
  const keys = [keyOn(2), keyOn(0), keyOn(3), keyOn(0)];
  const commands = [cmd("SET", keys[0]!, "a"), cmd("SET", keys[1]!, "b"), cmd("GET", keys[0]!), cmd("SET", keys[2]!, "c"), cmd("GET", keys[1]!), cmd("GET", keys[3]!)];

  it("answers each shard's RESP untouched, with each command's place among them in shard order", async () => {
    const run = context(respTransport());
    const planned = plan(commands, run);
    expect(isPlain(planned)).toBe(true);
    const answer = await runPlainPlan(planned, run);
    if (Array.isArray(answer)) throw new Error("expected RESP");
    expect(answer.counts).toEqual([3, 0, 2, 1]);
    expect(answer.shards[1]!.length).toBe(0);
    // Shard 0 holds commands 1, 4, 5; shard 2 holds 0, 2; shard 3 holds 3.
    expect([...answer.order]).toEqual([3, 0, 4, 5, 1, 2]);
    const values = repliesInOrder(answer);
    expect(values.slice(0, 2)).toEqual([new Status("OK"), new Status("OK")]);
    expect([values[2], values[4], values[5]].map((value) => dec.decode(value as Uint8Array))).toEqual(["a", "b", "b"]);
  });

  it("answers values when a shard failed: its commands get errors, the others' replies stand", async () => {
    const run = context(respTransport(3));
    const answer = await runPlainPlan(plan(commands, run), run);
    if (!Array.isArray(answer)) throw new Error("expected values");
    expect(answer[3]).toEqual(new ReplyError("ERR shard 3 failed: connection reset"));
    expect(dec.decode(answer[2] as Uint8Array)).toBe("a");
  });

  it("turns a shard's answer holding another number of replies than commands into errors for that shard", async () => {
    const transport = respTransport();
    const run = context({ ...transport, executeRaw: async (shard, batch) => (shard === 3 ? new Uint8Array() : transport.executeRaw!(shard, batch)) });
    const answer = await runPlainPlan(plan(commands, run), run);
    if (Array.isArray(answer)) throw new Error("expected RESP");
    const values = repliesInOrder(answer);
    expect(values[3]).toEqual(new ReplyError("ERR shard 3 failed: shard 3 answered 0 replies to 1 commands"));
    expect(values[0]).toEqual(new Status("OK"));
  });

  it("is not for plans that merge: a fan-out or a split is not plain", () => {
    const run = context(respTransport());
    expect(isPlain(plan([cmd("SET", "x", "1"), cmd("DBSIZE")], run))).toBe(false);
    expect(isPlain(plan([cmd("DEL", keyOn(0), keyOn(1))], run))).toBe(false);
  });
});
