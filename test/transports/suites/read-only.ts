// A read-only caller (read-only token over HTTP, EdgeslotReadOnlyRpc over a binding): reads run,
// every write command in the table answers NOPERM with Redis's wording and changes nothing.
import { describe, expect, it } from "vitest";
import { COMMANDS, type CommandSpec, isWrite } from "../../../shards/commands";
import type { Client } from "../transport";

/** A well-formed invocation of a table entry: its name (and subcommand), then enough arguments. */
function invocation(spec: CommandSpec): string[] {
  const args = spec.name.toUpperCase().split("|");
  while (args.length < Math.abs(spec.arity)) args.push(`arg${args.length}`);
  // Variadic key-value commands need an even tail.
  if (spec.keys.kind === "range" && spec.keys.step === 2 && (args.length - 1) % 2 !== 0) args.push("v");
  return args;
}

const noperm = (name: string) => `NOPERM this user has no permissions to run the '${name}' command`;

/** `full` writes the fixtures; `reader` is the read-only caller under test. */
export function readOnlySuite(full: Client, reader: Client): void {
  describe(`read-only access over ${reader.name}`, () => {
    it("runs read commands", async () => {
      await full.result(["SET", "k", "v"]);
      expect(await reader.result(["GET", "k"])).toBe("v");
      expect(await reader.result(["MGET", "k", "other"])).toEqual(["v", null]);
      expect(await reader.result(["DBSIZE"])).toBe(1);
    });

    const writes = (COMMANDS as readonly CommandSpec[]).filter(isWrite);

    it("the table has write commands to refuse", () => {
      expect(writes.length).toBeGreaterThan(20);
    });

    it("every write command in the table gets NOPERM and changes nothing", async () => {
      await full.result(["SET", "arg1", "before"]);
      for (const spec of writes) {
        expect(await reader.exec(invocation(spec)), spec.name).toEqual({ error: noperm(spec.name) });
      }
      expect(await full.result(["GET", "arg1"])).toBe("before");
      expect(await full.result(["DBSIZE"])).toBe(1);
    });

    it("NOPERM is inline in a pipeline and discards a transaction", async () => {
      expect(await reader.pipeline([["GET", "k"], ["SET", "k", "v"]])).toEqual([{ result: null }, { error: noperm("set") }]);
      expect(await reader.multiExec([["GET", "k"], ["SET", "k", "v"]])).toEqual({
        error: "EXECABORT Transaction discarded because of previous errors.",
      });
    });
  });
}
