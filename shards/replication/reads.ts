// Which batches a replica may serve: every command known to the table, neither a write nor a script
// nor WAIT (replica reads skip the core's logging, so a write there would never be replicated).
import { commandSpec, isWrite } from "../commands";
import { decodeReplies } from "../../worker/wire/resp";

const decoder = new TextDecoder();

export function readOnlyCommand(name: string): boolean {
  const spec = commandSpec(name.toLowerCase());
  return spec !== undefined && !isWrite(spec) && spec.group !== "scripting" && spec.name !== "wait" && spec.split.kind !== "container";
}

export function readOnlyBatch(batch: Uint8Array): boolean {
  return (decodeReplies(batch) as Uint8Array[][]).every((command) => {
    const name = decoder.decode(command[0]).toLowerCase();
    // A subcommand (`cluster|…`, `object|…`) is judged by its own entry when it has one.
    const sub = command[1] ? `${name}|${decoder.decode(command[1]).toLowerCase()}` : "";
    return commandSpec(sub) ? readOnlyCommand(sub) : readOnlyCommand(name);
  });
}
