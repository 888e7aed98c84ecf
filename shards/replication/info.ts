// INFO's `# Replication` section, added by the shard to the core's INFO text (the core knows nothing
// of replication), with Redis's field names: role, connected_slaves, slaveN, master_repl_offset, and
// on a replica master_host, master_link_status, slave_repl_offset.
import { decodeReplies, encodeReply, type Reply } from "../../worker/wire/resp";
import { concatBytes } from "../../worker/wire/bytes";
import type { ReplicaStatus } from "./primary";

const decoder = new TextDecoder();
const encoder = new TextEncoder();
const SECTIONS_WITH_REPLICATION = new Set(["replication", "all", "default", "everything"]);

export type ReplicationView =
  | { readonly role: "master"; readonly offset: number; readonly replicas: readonly (ReplicaStatus & { lagSeconds: number | null })[] }
  | { readonly role: "slave"; readonly primary: string; readonly offset: number };

export function replicationSection(view: ReplicationView): string {
  const lines = ["# Replication", `role:${view.role}`];
  if (view.role === "slave") {
    lines.push(`master_host:${view.primary}`, "master_port:0", "master_link_status:up", `slave_repl_offset:${view.offset}`, "slave_read_only:1");
  } else {
    const known = view.replicas.filter((r) => r.acked !== null);
    lines.push(`connected_slaves:${known.length}`);
    known.forEach((r, i) => lines.push(`slave${i}:ip=${r.name},port=0,state=online,offset=${r.acked},lag=${r.lagSeconds ?? 0}`));
  }
  lines.push(`master_repl_offset:${view.offset}`);
  return lines.map((line) => `${line}\r\n`).join("");
}

/** Whether an INFO command asks for the replication section. */
function wantsReplication(command: Uint8Array[]): boolean {
  if (command.length === 1) return true;
  return command.slice(1).some((arg) => SECTIONS_WITH_REPLICATION.has(decoder.decode(arg).toLowerCase()));
}

/** Adds the section to each INFO reply that asked for it, before `# Keyspace` as Redis orders them.
 * `commands` are the ones the core ran, `replies` its replies. */
export function addReplicationInfo(commands: Uint8Array[][], replies: Uint8Array, view: () => ReplicationView): Uint8Array {
  if (!commands.some((command) => decoder.decode(command[0]).toLowerCase() === "info" && wantsReplication(command))) return replies;
  const decoded = decodeReplies(replies);
  const out: Reply[] = decoded.map((reply, i) => {
    const command = commands[i]!;
    if (decoder.decode(command[0]).toLowerCase() !== "info" || !wantsReplication(command) || !(reply instanceof Uint8Array)) return reply;
    const text = decoder.decode(reply);
    const section = replicationSection(view());
    const at = text.indexOf("# Keyspace");
    if (at >= 0) return encoder.encode(`${text.slice(0, at)}${section}\r\n${text.slice(at)}`);
    return encoder.encode(text.length > 0 ? `${text}\r\n${section}` : section);
  });
  return concatBytes(out.map((reply) => Uint8Array.from(encodeReply(reply))));
}
