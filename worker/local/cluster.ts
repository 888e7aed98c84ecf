// CLUSTER KEYSLOT, SLOTS, SHARDS and INFO answered by the gateway with Redis 7.0's reply shapes:
// each shard appears as one primary node owning its contiguous slot range, followed by its replicas.
import type { Reply } from "../wire/resp";
import type { Command } from "../routing/command";
import { shardRange, SLOT_COUNT } from "../routing/slot-map";
import type { LocalContext } from "./context";

const encoder = new TextEncoder();
const bulk = (text: string) => encoder.encode(text);

/** A stable 40-hex node id per shard (Redis node ids are 160-bit hex), derived by FNV-1a rounds. */
export function nodeId(shard: number, replica?: number): string {
  const name = replica === undefined ? `edgeslot-shard-${shard}` : `edgeslot-shard-${shard}-replica-${replica}`;
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

/** [[start, end, [ip, port, id, {}]], …] — the trailing map is Redis 7's networking metadata. */
export function clusterSlots(_command: Command, context: LocalContext): Reply {
  return Array.from({ length: context.shards }, (_, shard) => {
    const [start, end] = shardRange(shard, context.shards);
    const replicas = Array.from({ length: context.replicas ?? 0 }, (_, j) => [bulk(context.ip), context.port, bulk(nodeId(shard, j)), []]);
    return [start, end, [bulk(context.ip), context.port, bulk(nodeId(shard)), []], ...replicas];
  });
}

export function clusterShards(_command: Command, context: LocalContext): Reply {
  return Array.from({ length: context.shards }, (_, shard) => {
    const [start, end] = shardRange(shard, context.shards);
    // The gateway does not track offsets: ROLE and INFO replication report them per shard.
    const node = (id: string, role: string): Reply[] => [
      bulk("id"), bulk(id),
      bulk("port"), context.port,
      bulk("ip"), bulk(context.ip),
      bulk("endpoint"), bulk(context.ip),
      bulk("role"), bulk(role),
      bulk("replication-offset"), 0,
      bulk("health"), bulk("online"),
    ];
    const replicas = Array.from({ length: context.replicas ?? 0 }, (_, j) => node(nodeId(shard, j), "replica"));
    return [bulk("slots"), [start, end], bulk("nodes"), [node(nodeId(shard), "master"), ...replicas]];
  });
}

export function clusterInfo(_command: Command, context: LocalContext): Reply {
  const fields: [string, string | number][] = [
    ["cluster_state", "ok"],
    ["cluster_slots_assigned", SLOT_COUNT],
    ["cluster_slots_ok", SLOT_COUNT],
    ["cluster_slots_pfail", 0],
    ["cluster_slots_fail", 0],
    ["cluster_known_nodes", context.shards * (1 + (context.replicas ?? 0))],
    ["cluster_size", context.shards],
    ["cluster_current_epoch", context.shards],
    ["cluster_my_epoch", 1],
    ["cluster_stats_messages_sent", 0],
    ["cluster_stats_messages_received", 0],
    ["total_cluster_links_buffer_limit_exceeded", 0],
  ];
  return bulk(fields.map(([name, value]) => `${name}:${value}\r\n`).join(""));
}
