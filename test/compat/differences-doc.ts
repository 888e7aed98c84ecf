// Renders differences.ts as the README's "Deliberate differences from Redis" block, so the two cannot drift.
import { replaceBlock } from "../../shards/commands/docs";
import { DIFFERENCES } from "./differences";

export const DIFFERENCES_START = "<!-- differences:start -->";
export const DIFFERENCES_END = "<!-- differences:end -->";

/** Markdown: the deliberate differences first, then what Redis leaves unspecified and the tests compare loosely. */
export function renderDifferences(): string {
  const section = (kind: "deliberate" | "unspecified") =>
    DIFFERENCES.filter((d) => d.kind === kind).map(
      (d) => `- **${d.commands.join(", ")}** (${d.levels.join(" and ")}): ${d.summary} ${d.reason}`,
    );
  return [
    "<!-- generated from test/compat/differences.ts, the list the differential tests use; edit it, not this block -->",
    ...section("deliberate"),
    "",
    "Where Redis itself leaves the answer open (order, randomness, clocks), the differential tests compare loosely:",
    "",
    ...section("unspecified"),
  ].join("\n");
}

/** README text with the generated differences block replaced. */
export function withDifferences(readme: string): string {
  return replaceBlock(readme, DIFFERENCES_START, DIFFERENCES_END, renderDifferences());
}
