/// <reference types="vite/client" />
// The README's generated blocks match their sources: the command table and the differences list.
import { describe, expect, it } from "vitest";
import readme from "../../../README.md?raw";
import { COMMANDS, type CommandSpec } from "../../../shards/commands";
import { renderCommandList, withCommandList } from "../../../shards/commands/docs";
import { withDifferences } from "../../compat/differences-doc";
import { DIFFERENCES } from "../../compat/differences";

describe("README generated blocks", () => {
  it("holds the command list rendered from the table (run `npm run docs` after changing it)", () => {
    expect(withCommandList(readme)).toBe(readme);
  });

  it("holds the differences rendered from test/compat/differences.ts (run `npm run docs`)", () => {
    expect(withDifferences(readme)).toBe(readme);
  });

  it("names every command and subcommand in the table", () => {
    const list = renderCommandList();
    for (const spec of (COMMANDS as readonly CommandSpec[]).filter((s) => s.split.kind !== "container")) {
      expect(list).toContain(`\`${spec.name.toUpperCase().replace("|", " ")}\``);
    }
  });

  it("gives every listed difference a reason", () => {
    for (const difference of DIFFERENCES) {
      expect(difference.reason.length, difference.id).toBeGreaterThan(20);
      expect(readme).toContain(difference.summary);
    }
  });
});
