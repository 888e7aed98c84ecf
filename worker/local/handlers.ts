// Gateway-local commands: one handler per table entry whose split is "local". The map is typed
// against the table, so a missing or extra handler fails to compile.
import type { LocalCommandName } from "../../shards/commands";
import type { Command } from "../routing/command";
import type { Reply } from "../wire/resp";
import { clusterFailover, clusterInfo, clusterKeyslot, clusterNodes, clusterShards, clusterSlots } from "./cluster";
import type { LocalContext } from "./context";
import { clusterAddShards, clusterMoveSlots, clusterRebalance, clusterRemoveShard } from "./scaling";

export type LocalHandler = (command: Command, context: LocalContext) => Reply | Promise<Reply>;

const HANDLERS = {
  "cluster|keyslot": clusterKeyslot,
  "cluster|slots": clusterSlots,
  "cluster|shards": clusterShards,
  "cluster|nodes": clusterNodes,
  "cluster|info": clusterInfo,
  "cluster|failover": clusterFailover,
  "cluster|addshards": clusterAddShards,
  "cluster|removeshard": clusterRemoveShard,
  "cluster|moveslots": clusterMoveSlots,
  "cluster|rebalance": clusterRebalance,
} as const satisfies Record<LocalCommandName, LocalHandler>;

export function runLocal(name: LocalCommandName, command: Command, context: LocalContext): Reply | Promise<Reply> {
  return HANDLERS[name](command, context);
}
