// CLUSTER KEYSLOT, SLOTS, SHARDS, NODES and INFO (and INFO's `# Cluster` section) answered by the gateway
// with Redis 7.0's reply shapes: each shard appears as one primary node owning its slot ranges, followed by its replicas.
import { type Reply, ReplyError, Status } from "../wire/resp";
import { reconcile, type Topology } from "../../shards/coordinator/topology";
import type { MemberHealth } from "../../shards/coordinator/coordinator";
import type { Command } from "../routing/command";
import { rangesOf, SLOT_COUNT } from "../../shards/coordinator/slots";
import type { LocalContext } from "./context";

const encoder = new TextEncoder();
const bulk = (text: string) => encoder.encode(text);

/**
 * A stable 40-hex node id per member object (Redis node ids are 160-bit hex), derived by FNV-1a rounds.
 * Stable because clients key their node tables by id and match SLOTS, SHARDS and NODES against each
 * other: an id that changed per request or per isolate would look like a new node every time. Derived
 * synchronously, so every reply shape uses the same function.
 */
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

/** Redis's CLUSTER NODES slot field: `first-last`, or `n` for a single slot. */
const slotField = (first: number, last: number) => (first === last ? `${first}` : `${first}-${last}`);

/**
 * CLUSTER NODES text for `topology`: one line per member, `<id> <ip:port@cport> <flags> <master>
 * <ping-sent> <pong-recv> <config-epoch> <link-state> <slot>...`, each ending in "\n".
 * - No line says `myself`: the gateway is not one of the nodes. Every node shows the gateway's address
 *   (as SLOTS and SHARDS do), with cluster bus port 0 since there is no bus; ping/pong times are 0.
 * - Replicas print `slave` (Redis 7 still does in NODES) and their primary's id; a member the
 *   coordinator failed is `fail` with its link `disconnected`, a suspected one `fail?` (Redis's PFAIL).
 * - config-epoch is the group's epoch, which replicas share with their primary as in Redis.
 * - A draining group (CLUSTER REMOVESHARD) stays listed, with whatever slots it still owns.
 */
export function clusterNodesText(topology: Topology, health: Readonly<Record<string, MemberHealth>>, ip: string, port: number): string {
  // Redis prints `[slot->-target]` on a MIGRATING source and `[slot-<-source]` on an IMPORTING target.
  // edgeslot has no ASK: the running move (moves[0]) freezes its range on the source while the keys are
  // copied, and requests for it wait and are retried inside the gateway. Only that move is shown, one
  // bracket per slot as Redis does: the queued ones have not started, so their slots are served normally.
  const current = topology.moves[0];
  const migrating = (group: number): string[] => {
    if (!current || (current.from !== group && current.to !== group)) return [];
    const out: string[] = [];
    for (let slot = current.first; slot <= current.last; slot++) {
      out.push(current.from === group ? `[${slot}->-${nodeId(topology.groups[current.to]!.primary)}]` : `[${slot}-<-${nodeId(topology.groups[current.from]!.primary)}]`);
    }
    return out;
  };
  const line = (member: string, role: "master" | "slave", primary: string | null, epoch: number, slots: string[]) => {
    const state = health[member]?.state;
    const flags = state === "failed" ? `${role},fail` : state === "suspect" ? `${role},fail?` : role;
    const link = state === "failed" ? "disconnected" : "connected";
    return [nodeId(member), `${ip}:${port}@0`, flags, primary === null ? "-" : nodeId(primary), 0, 0, epoch, link, ...slots].join(" ") + "\n";
  };
  return topology.groups
    .map((group, shard) => {
      const slots = [...rangesOf(topology.slots, shard).map(([first, last]) => slotField(first, last)), ...migrating(shard)];
      return line(group.primary, "master", null, group.epoch, slots) + group.replicas.map((replica) => line(replica, "slave", group.primary, group.epoch, [])).join("");
    })
    .join("");
}

/** `CLUSTER NODES`: a bulk string, as Redis answers it. */
export async function clusterNodes(_command: Command, context: LocalContext): Promise<Reply> {
  const [topology, health] = await Promise.all([currentTopology(context), context.cluster?.health() ?? ({} as Record<string, MemberHealth>)]);
  return bulk(clusterNodesText(topology, health, context.ip, context.port));
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

/** INFO sections that include `# Cluster`, as Redis 7 groups them (no argument means `default`). */
const CLUSTER_SECTION = new Set(["cluster", "default", "all", "everything"]);

/**
 * INFO's `# Cluster` section when `command` (INFO [section ...]) asks for it. Redis prints
 * `cluster_enabled:1` alone; the shard count (draining shards left out) and the slot moves queued or
 * running are edgeslot's additions. The shards do not know the topology, so the gateway adds this
 * section to their merged INFO, from one coordinator call.
 */
export async function infoClusterSection(command: Command, context: LocalContext): Promise<string[] | undefined> {
  const sections = command.slice(1).map((arg) => new TextDecoder().decode(arg).toLowerCase());
  if (sections.length > 0 && !sections.some((section) => CLUSTER_SECTION.has(section))) return undefined;
  const topology = await currentTopology(context);
  return ["# Cluster", "cluster_enabled:1", `cluster_shards:${topology.groups.filter((group) => !group.draining).length}`, `cluster_slot_moves_pending:${topology.moves.length}`];
}
