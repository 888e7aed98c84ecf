// The command table as data: entry types, the families' entries, lookups.
export type * from "./types";
export { type CommandName, commandSpec, COMMANDS, isWrite, type LocalCommandName } from "./table";
export { REPLICATION_COMMANDS } from "./replication";
