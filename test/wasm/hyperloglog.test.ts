// HyperLogLog in the wasm core: Redis's exact algorithm (the counts below were read from redis-server 7.0 for the
// same elements), merges, Redis's sparse format read back, the errors, and effects that replay.
import { describe, expect, it } from "vitest";
import { Session } from "./session";

const NOT_HLL = "-WRONGTYPE Key is not a valid HyperLogLog string value.";
const WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value";

/** PFADD of the decimal numbers from..to (inclusive) in commands of 1000 elements, as one batch. */
function addRange(s: Session, key: string, from: number, to: number): void {
  const commands: string[][] = [];
  for (let i = from; i <= to; i += 1000) {
    const chunk: string[] = [];
    for (let j = i; j <= Math.min(to, i + 999); j++) chunk.push(String(j));
    commands.push(["PFADD", key, ...chunk]);
  }
  s.batch(commands);
}

const hex = (h: string) => Uint8Array.from(h.match(/../g)!.map((b) => parseInt(b, 16)));

// GET of `PFADD sp 1 … 100` on redis-server 7.0: a sparse HLL (its cached count invalidated).
const REDIS_SPARSE_100 = hex(
  "48594c4c01000000000000000000008041768c407684409a9040c9804100801c8c40418840e688405f803f8041688040419840708408804120804059842080078040f48042108841368040e2800a8040b08c37883380407680404680408580405f803380404d8840549040da80415b80228040e2804058804094803780248041718040658442119440aa8040799040db8040ac904147881a84414280158440bf8440d28c4115844081940b8c40b380318c28802d803c80404780446e8040928041e6881588408d80410a8040488440eb803784405a8440a580406d84413e84298040da802480405880068042f4804059801d8840aa8c40ed80404880404a942c80388c308040b28840f28c40b880158418883a8040d994408a80407b8040e8",
);

describe("hyperloglog commands", () => {
  it("PFCOUNT of 1..1,000,000 equals redis-server's count at every step, within 3 standard errors (0.81%)", () => {
    const s = new Session();
    const redis: [number, number][] = [[10, 10], [100, 100], [1000, 1001], [10000, 9988], [100000, 99562], [1000000, 1009972]];
    let done = 0;
    for (const [n, count] of redis) {
      addRange(s, "hll", done + 1, n);
      done = n;
      const got = s.run("PFCOUNT", "hll") as number;
      expect(got, `${n} elements`).toBe(count);
      expect(Math.abs(got - n) / n).toBeLessThan(3 * 0.0081);
    }
    expect(s.run("STRLEN", "hll")).toBe(12304);
    expect(s.run("TYPE", "hll")).toBe("+string");
    expect(s.run("OBJECT", "ENCODING", "hll")).toBe("raw");
  }, 60_000);

  it("PFADD answers 1 when a register changed or the key was created; PFCOUNT of a missing key is 0", () => {
    const s = new Session();
    expect(s.run("PFCOUNT", "h")).toBe(0);
    expect(s.run("PFADD", "h")).toBe(1);
    expect(s.run("PFADD", "h")).toBe(0);
    expect(s.run("PFCOUNT", "h")).toBe(0);
    expect(s.run("PFADD", "h", "a", "b", "c")).toBe(1);
    expect(s.run("PFADD", "h", "a", "b")).toBe(0);
    expect(s.run("PFCOUNT", "h")).toBe(3);
    expect(s.run("PFADD", "h", "", Uint8Array.of(0, 255))).toBe(1);
    expect(s.run("PFCOUNT", "h")).toBe(5);
  });

  it("PFMERGE and multi-key PFCOUNT give the union's count; the destination keeps its TTL", () => {
    const s = new Session();
    addRange(s, "{x}a", 1, 6000);
    addRange(s, "{x}b", 4001, 10000);
    addRange(s, "{x}all", 1, 10000);
    const union = s.run("PFCOUNT", "{x}all");
    expect(union).toBe(9988);
    expect(s.run("PFCOUNT", "{x}a", "{x}b", "{x}missing")).toBe(union);
    s.run("PFADD", "{x}d", "zzz");
    s.run("PEXPIRE", "{x}d", "100000");
    expect(s.run("PFMERGE", "{x}d", "{x}a", "{x}b")).toBe("+OK");
    expect(s.run("PFCOUNT", "{x}d")).toBe(s.run("PFCOUNT", "{x}all", "{x}d"));
    expect(s.run("PTTL", "{x}d")).toBe(100000);
    expect(s.run("PFMERGE", "{x}new", "{x}a", "{x}b")).toBe("+OK");
    expect(s.run("PFCOUNT", "{x}new")).toBe(union);
    expect(s.run("PFMERGE", "{x}empty")).toBe("+OK");
    expect(s.run("PFCOUNT", "{x}empty")).toBe(0);
    expect(s.run("STRLEN", "{x}empty")).toBe(12304);
  });

  it("errors: plain strings are not HLLs, other types are WRONGTYPE", () => {
    const s = new Session();
    s.run("SET", "s", "hello");
    s.run("SET", "fake", "HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00");
    s.run("HSET", "hs", "f", "v");
    s.run("PFADD", "ok", "a");
    for (const cmd of [["PFADD", "s", "a"], ["PFCOUNT", "s"], ["PFCOUNT", "ok", "s"], ["PFMERGE", "ok", "s"], ["PFMERGE", "s", "ok"], ["PFADD", "fake"]]) {
      expect(s.run(...cmd), cmd.join(" ")).toBe(NOT_HLL);
    }
    for (const cmd of [["PFADD", "hs", "a"], ["PFCOUNT", "hs"], ["PFCOUNT", "ok", "hs"], ["PFMERGE", "ok", "hs"]]) {
      expect(s.run(...cmd), cmd.join(" ")).toBe(WRONGTYPE);
    }
    expect(s.run("PFADD")).toBe("-ERR wrong number of arguments for 'pfadd' command");
    expect(s.run("PFCOUNT", "ok")).toBe(1);
    // A dense HLL whose bytes were changed stays an HLL while its length is right; a truncated one is not.
    s.run("APPEND", "ok", "x");
    expect(s.run("PFCOUNT", "ok")).toBe(NOT_HLL);
  });

  it("reads Redis's sparse encoding (a value copied from Redis) and converts it to dense on the first write", () => {
    const s = new Session();
    s.run("SET", "sp", REDIS_SPARSE_100);
    expect(s.run("PFCOUNT", "sp")).toBe(100);
    expect(s.run("PFCOUNT", "sp", "nokey")).toBe(100);
    addRange(s, "sp", 101, 200);
    expect(s.run("PFCOUNT", "sp")).toBe(201); // redis-server's count for the same adds
    expect(s.run("STRLEN", "sp")).toBe(12304);
    const corrupt = REDIS_SPARSE_100.slice(0, 40);
    s.run("SET", "bad", corrupt);
    expect(s.run("PFCOUNT", "bad")).toBe("-INVALIDOBJ Corrupted HLL object detected");
    expect(s.run("PFADD", "bad", "x")).toBe("-INVALIDOBJ Corrupted HLL object detected");
    expect(s.run("PFMERGE", "d", "bad")).toBe("-INVALIDOBJ Corrupted HLL object detected");
    expect(s.run("EXISTS", "d")).toBe(0);
  });

  it("maxmemory refuses a new HLL with OOM", () => {
    const s = new Session();
    s.core.setMaxMemory(s.core.usedMemory() + 4096);
    expect(s.run("PFADD", "h", "a")).toBe("-OOM command not allowed when used memory > 'maxmemory'.");
    expect(s.run("PFMERGE", "h")).toBe("-OOM command not allowed when used memory > 'maxmemory'.");
    expect(s.run("EXISTS", "h")).toBe(0);
  });

  it("effects replay to the same registers (PFADD only when it changed something, PFCOUNT never logged)", () => {
    const s = new Session();
    s.run("PFADD", "a", "x", "y");
    s.run("PFADD", "a", "x");
    s.run("PFADD", "b", "z");
    s.run("PFMERGE", "c", "a", "b");
    s.run("PFCOUNT", "a", "b");
    s.run("PFCOUNT", "c");
    const names = s.effectCommands().map((c) => c[0]);
    expect(names).toEqual(["PFADD", "PFADD", "PFMERGE"]);
    const replica = new Session();
    for (const batch of s.effects) replica.core.execute(batch, 0, true);
    for (const k of ["a", "b", "c"]) expect(replica.raw([["GET", k]])[0], k).toEqual(s.raw([["GET", k]])[0]);
    expect(replica.run("PFCOUNT", "c")).toBe(3);
  });
});
