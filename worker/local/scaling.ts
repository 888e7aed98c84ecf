// CLUSTER ADDSHARDS, REMOVESHARD, MOVESLOTS and REBALANCE (edgeslot extensions): checked here, queued
// by the coordinator, which moves the slots in the background; each answers the number of steps queued.
import type { ScalingAnswer } from "../../shards/coordinator/coordinator";
import type { Command } from "../routing/command";
import { type Reply, ReplyError } from "../wire/resp";
import type { LocalContext, ScalingControl } from "./context";

const text = (arg: Uint8Array | undefined) => new TextDecoder().decode(arg);

/** A non-negative integer argument, as Redis parses slot and shard numbers. */
function integer(arg: Uint8Array | undefined): number | null {
  const value = text(arg);
  const n = Number(value);
  return /^-?\d{1,16}$/.test(value) && Number.isSafeInteger(n) ? n : null;
}

const NOT_INTEGER = new ReplyError("ERR value is not an integer or out of range");

async function scaling(context: LocalContext, run: (control: ScalingControl) => Promise<ScalingAnswer>): Promise<Reply> {
  if (!context.scaling) return new ReplyError("ERR this gateway has no coordinator to move slots");
  const outcome = await run(context.scaling);
  return "refused" in outcome ? new ReplyError(outcome.refused) : outcome.queued;
}

/** `CLUSTER ADDSHARDS <n>` */
export function clusterAddShards(command: Command, context: LocalContext): Reply | Promise<Reply> {
  const count = integer(command[2]);
  if (count === null) return NOT_INTEGER;
  return scaling(context, (control) => control.addShards(count));
}

/** `CLUSTER REMOVESHARD <n>` */
export function clusterRemoveShard(command: Command, context: LocalContext): Reply | Promise<Reply> {
  const shard = integer(command[2]);
  if (shard === null) return NOT_INTEGER;
  return scaling(context, (control) => control.removeShard(shard));
}

/** `CLUSTER MOVESLOTS <first> <last> <shard>` */
export function clusterMoveSlots(command: Command, context: LocalContext): Reply | Promise<Reply> {
  const [first, last, shard] = [command[2], command[3], command[4]].map(integer);
  // Redis's ADDSLOTSRANGE answers a non-number slot as out of range.
  if (first === null || last === null || first === undefined || last === undefined) return new ReplyError("ERR Invalid or out of range slot");
  if (shard === null || shard === undefined) return NOT_INTEGER;
  return scaling(context, (control) => control.moveSlots(first, last, shard));
}

/** `CLUSTER REBALANCE [SLOTS|MEMORY]` (slots unless told) */
export function clusterRebalance(command: Command, context: LocalContext): Reply | Promise<Reply> {
  if (command.length > 3) return new ReplyError("ERR syntax error");
  const by = command.length === 3 ? text(command[2]).toUpperCase() : "SLOTS";
  if (by !== "SLOTS" && by !== "MEMORY") return new ReplyError("ERR syntax error");
  return scaling(context, (control) => control.rebalance(by === "SLOTS" ? "slots" : "memory"));
}
