// Command-table invariants: well-formed entries, Redis 7.0's own arity/flags/key positions.
import { describe, expect, it } from "vitest";
import { COMMANDS, type CommandSpec } from "../../../shards/commands";
import { REDIS_COMMAND_INFO as redis } from "./redis-command-info";

const table = COMMANDS as readonly CommandSpec[];

describe("command table", () => {
  it("has unique lower-case names", () => {
    const names = table.map((spec) => spec.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z_]+(\|[a-z]+)?$/); // bitfield_ro has an underscore
  });

  it("has a container entry for every subcommand, and subcommands for every container", () => {
    for (const spec of table) {
      if (spec.name.includes("|")) {
        const container = table.find((c) => c.name === spec.name.split("|")[0]);
        expect(container?.split.kind, spec.name).toBe("container");
      }
      if (spec.split.kind === "container") expect(table.some((c) => c.name.startsWith(`${spec.name}|`))).toBe(true);
    }
  });

  it("every entry is well-formed: arity, summary, flags", () => {
    for (const spec of table) {
      expect(Number.isInteger(spec.arity) && spec.arity !== 0, spec.name).toBe(true);
      expect(spec.summary.length, spec.name).toBeGreaterThan(0);
      expect(new Set(spec.flags).size, spec.name).toBe(spec.flags.length);
      expect(spec.flags.includes("write") && spec.flags.includes("readonly"), spec.name).toBe(false);
      // A subcommand's arity counts its container's name too.
      if (spec.name.includes("|")) expect(Math.abs(spec.arity), spec.name).toBeGreaterThanOrEqual(2);
    }
  });

  it("key specs agree with arity: the key positions fit the minimum argument count", () => {
    for (const spec of table) {
      const minArgs = Math.abs(spec.arity);
      if (spec.keys.kind === "range") {
        expect(spec.keys.first, spec.name).toBeGreaterThanOrEqual(1);
        expect(spec.keys.first, spec.name).toBeLessThan(minArgs);
        expect(spec.keys.step, spec.name).toBeGreaterThanOrEqual(1);
        // A fixed last key must exist whenever the arity allows the command.
        if (spec.keys.last > 0) expect(spec.keys.last, spec.name).toBeLessThan(minArgs);
        // An open key list needs a variadic arity.
        if (spec.keys.last < 0) expect(spec.arity, spec.name).toBeLessThan(0);
      }
    }
  });

  it("routing kinds fit the key specs", () => {
    for (const spec of table) {
      const kind = spec.split.kind;
      if (kind === "perKey") expect(spec.keys.kind, spec.name).toBe("range");
      if (kind === "fanout" || kind === "cursor" || kind === "local" || kind === "slot" || kind === "container") {
        expect(spec.keys.kind, spec.name).toBe("none");
      }
      if (spec.split.kind === "slot") expect(spec.split.slotAt).toBeLessThan(Math.abs(spec.arity));
    }
  });

  it("every command with keys is flagged either write or readonly", () => {
    // EVAL and EVALSHA carry neither in Redis (a script may or may not write); isWrite counts them as writes.
    for (const spec of table.filter((s) => s.keys.kind !== "none" && !["eval", "evalsha"].includes(s.name))) {
      expect(spec.flags.includes("write") !== spec.flags.includes("readonly"), spec.name).toBe(true);
    }
  });

  it("matches redis-server 7.0's COMMAND INFO: arity, flags (so every write is flagged) and key positions", () => {
    // Recorded from redis-server 7.0.15 with `COMMAND INFO`; flags we do not model are ignored.
    // edgeslot's own commands (the compute group: MAPREDUCE; the CLUSTER scaling subcommands) have no Redis counterpart.
    const scaling = ["cluster|addshards", "cluster|removeshard", "cluster|moveslots", "cluster|rebalance"];
    for (const spec of table.filter((s) => s.group !== "compute" && !scaling.includes(s.name))) {
      const r = redis.find((row) => row.name === spec.name);
      expect(r, `${spec.name} is a Redis 7.0 command`).toBeDefined();
      if (!r) continue;
      expect(spec.arity, r.name).toBe(r.arity);
      const modelled = ["write", "readonly", "denyoom", "fast", "admin", "noscript", "loading", "stale"];
      expect([...spec.flags].sort(), r.name).toEqual(r.flags.filter((f) => modelled.includes(f)).sort());
      const keys =
        spec.keys.kind === "range"
          ? [spec.keys.first, spec.keys.last, spec.keys.step]
          : spec.keys.kind === "numkeys" && spec.keys.destination !== undefined
            ? [spec.keys.destination, spec.keys.destination, 1]
            : [0, 0, 0];
      expect(keys, r.name).toEqual([r.firstKey, r.lastKey, r.step]);
    }
  });
});
