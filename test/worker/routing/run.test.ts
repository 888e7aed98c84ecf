// The three phases end to end over an in-memory transport: merge order, and a failing shard
// answering errors for its own commands only.
import { describe, expect, it } from "vitest";
import { keySlot } from "../../../worker/routing/key-slot";
import { runCommands, type RunContext } from "../../../worker/routing/run";
import type { ShardTransport } from "../../../worker/routing/transport";
import { type Reply, ReplyError, Status } from "../../../worker/wire/resp";

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
});
