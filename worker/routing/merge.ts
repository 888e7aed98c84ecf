// Phase three: per-shard replies back into one reply per request command, in request order.
import type { FanoutMerge, SplitMerge } from "../../shards/commands";
import { type Reply, ReplyError, Status } from "../wire/resp";
import { mergeInfo } from "./info-merge";
import type { Part, Step } from "./plan";
import { nextScanCursor } from "./scan-cursor";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Replies of each shard's batch, indexed like the plan's batches. */
export type ShardReplies = readonly (readonly Reply[])[];

/** `infoCluster`: INFO's `# Cluster` lines, which the gateway knows and the shards do not. */
export function mergeStep(step: Exclude<Step, { kind: "error" } | { kind: "local" } | { kind: "cross" } | { kind: "compute" }>, replies: ShardReplies, shards: number, infoCluster?: readonly string[]): Reply {
  const at = (part: Part): Reply => replies[part.shard]![part.index]!;
  switch (step.kind) {
    case "one":
      return at(step.part);
    case "split":
      return mergeSplit(step.merge, step.parts.map(at), step.positions, step.groups);
    case "fanout":
      return mergeFanout(step.merge, step.parts.map(at), infoCluster);
    case "scan":
      return mergeScan(at(step.part), step.part.shard, shards);
  }
}

function firstError(replies: readonly Reply[]): ReplyError | undefined {
  return replies.find((reply): reply is ReplyError => reply instanceof ReplyError);
}

function mergeSplit(merge: SplitMerge, replies: readonly Reply[], positions: readonly number[][], groups: number): Reply {
  const error = firstError(replies);
  if (error) return error;
  switch (merge) {
    case "array": {
      const out: Reply[] = new Array(groups).fill(null);
      replies.forEach((reply, part) => {
        if (!Array.isArray(reply)) throw new Error("split reply is not an array");
        positions[part]!.forEach((group, i) => (out[group] = reply[i] ?? null));
      });
      return out;
    }
    case "sum":
      return sum(replies);
    case "ok":
      return new Status("OK");
  }
}

function mergeFanout(merge: FanoutMerge, replies: readonly Reply[], infoCluster?: readonly string[]): Reply {
  const error = firstError(replies);
  if (error) return error;
  switch (merge) {
    case "sum":
      return sum(replies);
    case "concat":
      return replies.flatMap((reply) => (Array.isArray(reply) ? reply : []));
    case "ok":
      return new Status("OK");
    case "random": {
      // Uniform over shards that have keys, not over keys: good enough for RANDOMKEY's contract.
      const found = replies.filter((reply) => reply !== null);
      return found.length ? found[Math.floor(Math.random() * found.length)]! : null;
    }
    case "info":
      return encoder.encode(mergeInfo(replies.map((reply) => (reply instanceof Uint8Array ? decoder.decode(reply) : "")), infoCluster));
  }
}

function sum(replies: readonly Reply[]): Reply {
  let total = 0n;
  for (const reply of replies) {
    if (typeof reply !== "number" && typeof reply !== "bigint") throw new Error("summed reply is not an integer");
    total += BigInt(reply);
  }
  return total <= BigInt(Number.MAX_SAFE_INTEGER) && total >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(total) : total;
}

function mergeScan(reply: Reply, shard: number, shards: number): Reply {
  if (reply instanceof ReplyError) return reply;
  if (!Array.isArray(reply) || !(reply[0] instanceof Uint8Array)) throw new Error("SCAN reply is not [cursor, keys]");
  const next = nextScanCursor(shard, BigInt(decoder.decode(reply[0])), shards);
  return [encoder.encode(next.toString()), reply[1] ?? []];
}
