// CLUSTER KEYSLOT, SLOTS, SHARDS and INFO answered by the gateway with Redis 7.0's reply shapes:
// each shard appears as one primary node owning its slot ranges, followed by its replicas.
import { type Reply, ReplyError, Status } from "../wire/resp";
import { reconcile, type Topology } from "../../shards/coordinator/topology";
import type { MemberHealth } from "../../shards/coordinator/coordinator";
import type { Command } from "../routing/command";
import { rangesOf, SLOT_COUNT } from "../../shards/coordinator/slots";
import type { LocalContext } from "./context";

const encoder = new TextEncoder();
const bulk = (text: string) => encoder.encode(text);

/** A stable 40-hex node id per member object (Redis node ids are 160-bit hex), derived by FNV-1a rounds. */
export function nodeId(member: string): string {
  const name = `edgeslot-${member}`;
  let out = "";
  for (let round = 0; round < 5; round++) {
    let hash = 0x811c9dc5 ^ round;
    for (const byte of encoder.encode(name)) hash = Math.imul(hash ^ byte, 0x01000193);
    out += (hash >>> 0).toString(16).padStart(8, "0");
  }
  return out;
}

export function clusterKeyslot(command: Command, context: LocalContext): Reply {
  return context.keySlot(command[2]!);
}

/** Who leads each shard and who replicates it: the coordinator's topology, or the starting one. */
async function currentTopology(context: LocalContext): Promise<Topology> {
  return context.cluster ? context.cluster.refresh() : reconcile(undefined, { shards: context.shards, replicas: context.replicas ?? 0, mode: "async", failAfter: 1, probeMs: 1 });
}

/** [[start, end, [ip, port, id, {}], …replicas], …] per owned range in slot order — the trailing map
 * is Redis 7's networking metadata. */
export async function clusterSlots(_command: Command, context: LocalContext): Promise<Reply> {
  const topology = await currentTopology(context);
  const node = (member: string) => [bulk(context.ip), context.port, bulk(nodeId(member)), []];
  return topology.slots.ranges.map(({ first, last, group }) => {
    const owner = topology.groups[group]!;
    return [first, last, node(owner.primary), ...owner.replicas.map(node)];
  });
}

export async function clusterShards(_command: Command, context: LocalContext): Promise<Reply> {
  const [topology, health] = await Promise.all([currentTopology(context), context.cluster?.health() ?? ({} as Record<string, MemberHealth>)]);
  return topology.groups.map((group, shard) => {
    const slots = rangesOf(topology.slots, shard).flatMap(([first, last]) => [first, last]);
    // The gateway does not track offsets: ROLE and INFO replication report them per shard.
    const node = (member: string, role: string): Reply[] => [
      bulk("id"), bulk(nodeId(member)),
      bulk("port"), context.port,
      bulk("ip"), bulk(context.ip),
      bulk("endpoint"), bulk(context.ip),
      bulk("role"), bulk(role),
      bulk("replication-offset"), 0,
      bulk("health"), bulk(health[member]?.state === "failed" ? "fail" : "online"),
    ];
    // edgeslot's addition: the slot moves this shard is the source or target of, queued or running.
    const moves = topology.moves.filter((move) => move.from === shard || move.to === shard).map((move) => bulk(`${move.first}-${move.last}${move.from === shard ? "->" : "<-"}${move.from === shard ? move.to : move.from}`));
    return [bulk("slots"), slots, bulk("nodes"), [node(group.primary, "master"), ...group.replicas.map((member) => node(member, "replica"))], bulk("moves"), moves];
  });
}

/**
 * `CLUSTER FAILOVER [FORCE|TAKEOVER] SHARD <n>`: Redis sends it to the replica that takes over; the
 * gateway has no connection to one replica, so the shard is named and the coordinator picks the
 * replica holding the most. Without FORCE/TAKEOVER the failover is planned (the primary stops writing,
 * a replica catches up, nothing is lost); with either, the primary is not asked.
 */
export async function clusterFailover(command: Command, context: LocalContext): Promise<Reply> {
  const args = command.slice(2).map((arg) => new TextDecoder().decode(arg).toUpperCase());
  let planned = true;
  let shard: number | null = null;
  for (let i = 0; i < args.length; i++) {
    if ((args[i] === "FORCE" || args[i] === "TAKEOVER") && planned) planned = false;
    else if (args[i] === "SHARD" && i + 1 < args.length && shard === null) {
      const n = Number(args[++i]);
      if (!/^\d+$/.test(args[i]!) || !Number.isSafeInteger(n)) return new ReplyError("ERR value is not an integer or out of range");
      shard = n;
    } else return new ReplyError("ERR syntax error");
  }
  if (shard === null) return new ReplyError("ERR CLUSTER FAILOVER through the gateway names the shard: CLUSTER FAILOVER [FORCE|TAKEOVER] SHARD <n>");
  if (!context.cluster || !context.replicas) return new ReplyError("ERR You should send CLUSTER FAILOVER to a replica: this deployment has none (EDGESLOT_REPLICAS is 0)");
  const outcome = await context.cluster.failover(shard, planned);
  return "refused" in outcome ? new ReplyError(outcome.refused) : new Status("OK");
}

export async function clusterInfo(_command: Command, context: LocalContext): Promise<Reply> {
  const topology = await currentTopology(context);
  const serving = topology.groups.filter((group) => !group.draining).length;
  const fields: [string, string | number][] = [
    ["cluster_state", "ok"],
    ["cluster_slots_assigned", SLOT_COUNT],
    ["cluster_slots_ok", SLOT_COUNT],
    ["cluster_slots_pfail", 0],
    ["cluster_slots_fail", 0],
    ["cluster_known_nodes", topology.groups.reduce((sum, group) => sum + 1 + group.replicas.length, 0)],
    ["cluster_size", serving],
    ["cluster_current_epoch", topology.groups.length],
    ["cluster_my_epoch", 1],
    ["cluster_stats_messages_sent", 0],
    ["cluster_stats_messages_received", 0],
    ["total_cluster_links_buffer_limit_exceeded", 0],
    // edgeslot's addition: slot moves queued or running (online resharding).
    ["cluster_slot_moves_pending", topology.moves.length],
  ];
  return bulk(fields.map(([name, value]) => `${name}:${value}\r\n`).join(""));
}
