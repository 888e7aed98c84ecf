// The README's supported-command list, rendered from the table so it cannot drift from the code.
import { COMMANDS } from "./table";
import type { CommandSpec } from "./types";

export const BLOCK_START = "<!-- commands:start -->";
export const BLOCK_END = "<!-- commands:end -->";

function displayName(spec: CommandSpec): string {
  return spec.name.toUpperCase().replace("|", " ");
}

function acrossShards(spec: CommandSpec): string {
  switch (spec.split.kind) {
    case "single":
      return spec.keys.kind === "none" ? "any one shard" : "the keys' shard";
    case "perKey":
      return "split per shard, merged in key order";
    case "fanout":
      return `every shard (${spec.split.merge})`;
    case "cursor":
      return "one shard at a time (the cursor encodes the shard)";
    case "slot":
      return "the slot's shard";
    case "local":
      return "the gateway";
    case "compute":
      return "every shard in parallel (a tagged MATCH: its shard), merged at the gateway";
    case "container":
      return "";
  }
}

/** Markdown: one table per group, in table order; containers appear through their subcommands. */
export function renderCommandList(): string {
  const groups = new Map<string, CommandSpec[]>();
  for (const spec of COMMANDS as readonly CommandSpec[]) {
    if (spec.split.kind === "container") continue;
    const list = groups.get(spec.group) ?? [];
    list.push(spec);
    groups.set(spec.group, list);
  }
  const out = [
    `<!-- generated from shards/commands by \`npm run docs\`; edit the table, not this list -->`,
    `${[...groups.values()].reduce((n, list) => n + list.length, 0)} commands. Arity follows Redis (negative = at least).`,
  ];
  for (const [group, specs] of groups) {
    out.push("", `#### ${group}`, "", "| command | arity | flags | runs on | |", "|---|---|---|---|---|");
    for (const spec of specs) {
      out.push(`| \`${displayName(spec)}\` | ${spec.arity} | ${spec.flags.join(" ")} | ${acrossShards(spec)} | ${spec.summary} |`);
    }
  }
  return out.join("\n");
}

/** README text with the block between `start` and `end` replaced by `body` (markers kept). */
export function replaceBlock(readme: string, start: string, end: string, body: string): string {
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no ${start} … ${end} block`);
  return `${readme.slice(0, from + start.length)}\n${body}\n${readme.slice(to)}`;
}

/** README text with the generated command list replaced. */
export function withCommandList(readme: string): string {
  return replaceBlock(readme, BLOCK_START, BLOCK_END, renderCommandList());
}
