// The routing plan as a pure function: which shards a command touches, per-shard order, splits,
// fan-out, cross-shard steps and the table-derived refusals.
import { describe, expect, it } from "vitest";
import { keySlot } from "../../../worker/routing/key-slot";
import { plan, type PlanOptions } from "../../../worker/routing/plan";
import { shardOfSlot } from "../../../worker/routing/slot-map";

const enc = new TextEncoder();
const dec = new TextDecoder();
const cmd = (...args: string[]) => args.map((a) => enc.encode(a));
const text = (command: readonly Uint8Array[]) => command.map((a) => dec.decode(a));
const options: PlanOptions = { shards: 4, readonly: false, maxKeyBytes: 32 * 1024, keySlot };
const shardOf = (key: string) => shardOfSlot(keySlot(enc.encode(key)), 4);
const touched = (p: ReturnType<typeof plan>) => p.batches.filter((b) => b.length > 0).length;

/** Keys known to land on shards 0..3 (found by hashing, not hard-coded). */
const keyOn = (shard: number) => {
  for (let i = 0; ; i++) if (shardOf(`k${i}`) === shard) return `k${i}`;
};
const [a, b, c, d] = [keyOn(0), keyOn(1), keyOn(2), keyOn(3)];

describe("plan", () => {
  it("a single-key command touches one shard, the key's", () => {
    const p = plan([cmd("GET", b)], options);
    expect(touched(p)).toBe(1);
    expect(text(p.batches[1]![0]!)).toEqual(["GET", b]);
    expect(p.steps[0]).toEqual({ kind: "one", part: { shard: 1, index: 0 } });
  });

  it("hash tags keep keys on one shard", () => {
    const p = plan([cmd("MSET", "{u1}.a", "1", "{u1}.b", "2")], options);
    expect(touched(p)).toBe(1);
    expect(p.steps[0]!.kind).toBe("one");
  });

  it("a pipeline keeps each shard's commands in request order", () => {
    const p = plan([cmd("SET", a, "1"), cmd("SET", b, "2"), cmd("GET", a), cmd("INCR", b), cmd("DEL", a)], options);
    expect(p.batches[0]!.map(text)).toEqual([["SET", a, "1"], ["GET", a], ["DEL", a]]);
    expect(p.batches[1]!.map(text)).toEqual([["SET", b, "2"], ["INCR", b]]);
    expect(touched(p)).toBe(2);
  });

  it("MGET over keys on every shard is split into one MGET per shard with key positions", () => {
    const p = plan([cmd("MGET", d, a, c, b, a)], options);
    expect(touched(p)).toBe(4);
    const step = p.steps[0]!;
    expect(step.kind).toBe("split");
    if (step.kind !== "split") return;
    expect(step.groups).toBe(5);
    const byShard = Object.fromEntries(step.parts.map((part, i) => [part.shard, step.positions[i]]));
    expect(byShard).toEqual({ 0: [1, 4], 1: [3], 2: [2], 3: [0] });
    expect(text(p.batches[0]![0]!)).toEqual(["MGET", a, a]);
  });

  it("MSET over one shard is one command; across shards a cross-shard step (atomic), in no batch", () => {
    const p = plan([cmd("MSET", a, "1", a, "3")], options);
    expect(p.batches[0]!.map(text)).toEqual([["MSET", a, "1", a, "3"]]);
    const across = plan([cmd("MSET", a, "1", b, "2")], options);
    expect(touched(across)).toBe(0);
    expect(across.steps[0]).toMatchObject({ kind: "cross" });
  });

  it("a malformed MSET or MSETNX across shards still takes the cross-shard step, whose core answers the arity error", () => {
    expect(plan([cmd("MSET", a, "1", b)], options).steps[0]!.kind).toBe("cross");
    expect(plan([cmd("MSETNX", a, "1", b)], options).steps[0]!.kind).toBe("cross");
    expect(touched(plan([cmd("MSETNX", a, "1", a)], options))).toBe(1);
  });

  it.each(["DEL", "UNLINK", "EXISTS", "TOUCH"])("%s over two shards sums two sub-commands", (name) => {
    const p = plan([cmd(name, a, b)], options);
    expect(touched(p)).toBe(2);
    expect(p.steps[0]).toMatchObject({ kind: "split", merge: "sum" });
  });

  it.each([
    ["MSETNX", (x: string, y: string) => cmd("MSETNX", x, "1", y, "2")],
    ["RENAME", (x: string, y: string) => cmd("RENAME", x, y)],
    ["RENAMENX", (x: string, y: string) => cmd("RENAMENX", x, y)],
  ])("%s across shards is a cross-shard step, in no shard's batch", (_, make) => {
    const p = plan([make(a, b)], options);
    expect(touched(p)).toBe(0);
    expect(p.steps[0]).toMatchObject({ kind: "cross" });
    expect(touched(plan([make(a, a + "x{" + a + "}")], options))).toBeLessThanOrEqual(1);
  });

  it("numkeys key specs: ZUNIONSTORE's destination and its counted keys are all checked, extra arguments are not", () => {
    const cross = (command: Uint8Array[]) => plan([command], options).steps[0]!;
    expect(cross(cmd("ZUNIONSTORE", a, "1", b))).toMatchObject({ kind: "cross" });
    expect(cross(cmd("ZUNIONSTORE", a, "1", a, "WEIGHTS", b))).toMatchObject({ kind: "one" });
    expect(cross(cmd("ZINTER", "2", a, b))).toMatchObject({ kind: "cross" });
    expect(cross(cmd("ZMPOP", "1", a, "MIN"))).toMatchObject({ kind: "one" });
    expect(cross(cmd("ZRANGESTORE", a, b, "0", "-1"))).toMatchObject({ kind: "cross" });
    // A count that is not a number, or runs past the arguments, names no keys past the destination: the core
    // answers the error.
    expect(cross(cmd("ZUNIONSTORE", a, "x", b))).toMatchObject({ kind: "one" });
    expect(cross(cmd("ZINTER", "3", a, b))).toMatchObject({ kind: "one" });
    const p = plan([cmd("ZDIFFSTORE", b, "2", b, b + "{" + b + "}")], options);
    expect(touched(p)).toBe(1);
  });

  it.each(["DBSIZE", "KEYS *", "RANDOMKEY", "FLUSHDB", "FLUSHALL", "INFO"])("%s fans out to every shard", (line) => {
    const p = plan([cmd(...line.split(" "))], options);
    expect(touched(p)).toBe(4);
    expect(p.steps[0]!.kind).toBe("fanout");
  });

  it("a fan-out command sits at its position in every shard's batch", () => {
    const p = plan([cmd("SET", a, "1"), cmd("DBSIZE"), cmd("SET", a, "2")], options);
    expect(p.batches[0]!.map((c) => text(c)[0])).toEqual(["SET", "DBSIZE", "SET"]);
    expect(p.batches[1]!.map((c) => text(c)[0])).toEqual(["DBSIZE"]);
  });

  it("SCAN touches only the shard its cursor names, with that shard's cursor", () => {
    const p = plan([cmd("SCAN", String(7 * 4 + 2), "MATCH", "k*", "COUNT", "5")], options);
    expect(touched(p)).toBe(1);
    expect(text(p.batches[2]![0]!)).toEqual(["SCAN", "7", "MATCH", "k*", "COUNT", "5"]);
  });

  it.each(["-1", "abc", "1.5", "18446744073709551616", ""])("SCAN with cursor %j is an invalid cursor", (cursor) => {
    const p = plan([cmd("SCAN", cursor)], options);
    expect(touched(p)).toBe(0);
    if (p.steps[0]!.kind === "error") expect(p.steps[0]!.error.message).toBe("ERR invalid cursor");
    else expect.unreachable();
  });

  it("keyless commands go to one shard; CLUSTER KEYSLOT to none", () => {
    const p = plan([cmd("PING"), cmd("ECHO", "x"), cmd("TIME"), cmd("CLUSTER", "KEYSLOT", "foo")], options);
    expect(touched(p)).toBe(1);
    expect(p.keyedShards.size).toBe(0);
    expect(p.steps[3]!.kind).toBe("local");
    expect(plan([cmd("PING")], { ...options, keylessShard: 3 }).batches[3]!.length).toBe(1);
  });

  it("keyless commands join a shard the request already uses, costing no extra shard", () => {
    const p = plan([cmd("PING"), cmd("SET", c, "1"), cmd("TIME"), cmd("GET", c)], options);
    expect(touched(p)).toBe(1);
    expect(p.batches[2]!.map((command) => text(command)[0])).toEqual(["SET", "GET", "PING", "TIME"]);
    expect(p.steps.map((step) => (step.kind === "one" ? step.part : step.kind))).toEqual([
      { shard: 2, index: 2 }, { shard: 2, index: 0 }, { shard: 2, index: 3 }, { shard: 2, index: 1 },
    ]);
  });

  it("CLUSTER COUNTKEYSINSLOT and GETKEYSINSLOT go to the slot's owner", () => {
    const p = plan([cmd("CLUSTER", "COUNTKEYSINSLOT", "12182"), cmd("cluster", "getkeysinslot", "100", "10")], options);
    expect(p.batches[2]!.length).toBe(1);
    expect(p.batches[0]!.length).toBe(1);
  });

  it("unknown commands, arity errors and NOPERM are queue-time errors derived from the table", () => {
    const p = plan([cmd("NOPE", "x"), cmd("GET"), cmd("CLUSTER", "NOPE")], options);
    expect(p.steps.map((s) => (s.kind === "error" ? [s.error.message, s.queued] : s.kind))).toEqual([
      ["ERR unknown command 'NOPE', with args beginning with: 'x' ", true],
      ["ERR wrong number of arguments for 'get' command", true],
      ["ERR unknown subcommand 'NOPE'. Try CLUSTER HELP.", true],
    ]);
    const ro = plan([cmd("SET", a, "1"), cmd("GET", a)], { ...options, readonly: true });
    expect(ro.steps[0]).toMatchObject({ kind: "error", queued: true });
    expect(ro.steps[1]!.kind).toBe("one");
    expect(touched(ro)).toBe(1);
  });

  it("keys over the size limit are refused before routing", () => {
    const p = plan([cmd("GET", "x".repeat(11)), cmd("GET", "x".repeat(10))], { ...options, maxKeyBytes: 10 });
    expect(p.steps[0]).toMatchObject({ kind: "error", queued: true });
    expect(p.steps[1]!.kind).toBe("one");
  });

  it("with one shard nothing is ever split or cross-shard", () => {
    const p = plan([cmd("MGET", a, b, c), cmd("RENAME", a, b), cmd("DBSIZE")], { ...options, shards: 1 });
    expect(p.steps.map((s) => s.kind)).toEqual(["one", "one", "fanout"]);
  });
});
