// The command table: every family's entries in one list, and lookups by name.
import { BITMAPS } from "./bitmaps";
import { CLUSTER } from "./cluster";
import { COMPUTE } from "./compute";
import { HASHES } from "./hashes";
import { HYPERLOGLOGS } from "./hyperloglog";
import { KEYSPACE } from "./keyspace";
import { LISTS } from "./lists";
import { REPLICATION } from "./replication";
import { SCRIPTING } from "./scripting";
import { SERVER } from "./server";
import { SETS } from "./sets";
import { SORTED_SETS } from "./sorted-sets";
import { STRINGS } from "./strings";
import type { CommandSpec } from "./types";

export const COMMANDS = [...STRINGS, ...BITMAPS, ...HYPERLOGLOGS, ...HASHES, ...LISTS, ...SETS, ...SORTED_SETS, ...KEYSPACE, ...SCRIPTING, ...SERVER, ...REPLICATION, ...CLUSTER, ...COMPUTE] as const satisfies readonly CommandSpec[];

export type CommandName = (typeof COMMANDS)[number]["name"];
/** Commands the gateway answers itself; worker/local maps each to a handler. */
export type LocalCommandName = Extract<(typeof COMMANDS)[number], { split: { kind: "local" } }>["name"];

const BY_NAME: ReadonlyMap<string, CommandSpec> = new Map(COMMANDS.map((spec) => [spec.name, spec]));

/** The entry for a lower-case name (`get`, `cluster`, `cluster|keyslot`). */
export function commandSpec(name: string): CommandSpec | undefined {
  return BY_NAME.get(name);
}

/** A write, or a script that may write: Redis flags EVAL/EVALSHA neither write nor readonly, but a
 * read-only caller must not run them (EVAL_RO/EVALSHA_RO carry readonly). */
export function isWrite(spec: CommandSpec): boolean {
  return spec.flags.includes("write") || (spec.group === "scripting" && spec.keys.kind !== "none" && !spec.flags.includes("readonly"));
}
