// Phase two's wire: a batch of commands to one shard's Durable Object, RESP both ways. Kept apart
// from planning so routing can be tested without shards and a transport can add retries later.
import { batchBuffer, type Reply, ReplyReader } from "../wire/resp";
import type { Command } from "./command";
import type { Participant, TxTransport } from "../../shards/transactions/coordinator";
import type { TopologyClient } from "./topology";
import { decisionObjectName } from "../../shards/transactions/decision";
import type { Route } from "../../shards/slots/route";
import { isMoved, MovedError } from "./moved";
import type { SlotMap } from "./slot-map";

export interface ShardTransport {
  /** Runs `commands` on shard `shard` atomically; exactly one reply per command, in order. `route`:
   * the slot map the commands were planned by (a shard that changed since refuses them: MOVED). */
  execute(shard: number, commands: readonly Command[], route?: Route): Promise<Reply[]>;
  /** `execute`, answering the shard's RESP as it came, for a reader of RESP (transcode.wasm's
   * renderer): the caller checks that it holds one reply per command. */
  executeRaw?(shard: number, commands: readonly Command[], route?: Route): Promise<Uint8Array>;
}

/** A shard's RESP answer as one reply per command, or an error naming what it answered instead. */
export function decodeShardReplies(shard: number, out: Uint8Array, expected: number): Reply[] {
  const reader = new ReplyReader(out);
  const replies: Reply[] = [];
  while (!reader.done) replies.push(reader.next());
  if (replies.length !== expected) throw new Error(`shard ${shard} answered ${replies.length} replies to ${expected} commands`);
  return replies;
}

/** Cross-shard transactions reach each shard's primary as participant (named by the topology, and
 * pinned for the request: a transaction's lock and apply meet one object; locks carry the slot map the
 * keys were grouped by), and
 * their decision records; `fault` is the test hook (see shards/transactions/README.md). */
export function transactionTransport(shards: Env["SHARD"], decisions: Env["TX_DECISION"], fault: string | undefined, topology: TopologyClient, slotMap: SlotMap): TxTransport {
  const pinned = new Map<number, Participant>();
  const participant = (shard: number): Participant => {
    const known = pinned.get(shard);
    if (known) return known;
    const target = topology.group(shard).then((group) => shards.get(shards.idFromName(group.primary)));
    const pin: Participant = {
      // A lock refused because the key's slot moved ran nothing: the refresh happens here, and the
      // whole transaction runs again on the new map (run.ts acrossShards).
      txLock: async (tx, owner, keys, sha, wait) => {
        const answer: unknown = await (await target).txLock(tx, owner, keys, sha, wait, slotMap.route(shard));
        if (isMoved(answer)) throw await topology.movedTo(answer.moved);
        return answer as Awaited<ReturnType<Participant["txLock"]>>;
      },
      txApply: async (tx, writes) => (await target).txApply(tx, writes),
      txRelease: async (tx) => (await target).txRelease(tx),
    };
    pinned.set(shard, pin);
    return pin;
  };
  return { participant, decision: (tx) => decisions.get(decisions.idFromName(decisionObjectName(tx))), fault };
}

/**
 * Shard i is the Durable Object named `shard-i` (no replicas). No retries: a batch may hold
 * non-idempotent writes. Each batch carries the slot map's version and the slots it routed to the
 * shard: a script may touch only those keys, and a shard whose slots changed later refuses it (MOVED).
 */
export function durableObjectTransport(namespace: Env["SHARD"], routeOf: (shard: number) => Route, movedTo: (version: number) => Promise<MovedError>): Required<ShardTransport> {
  const executeRaw = async (shard: number, commands: readonly Command[], route?: Route): Promise<Uint8Array> => {
    const stub = namespace.get(namespace.idFromName(`shard-${shard}`));
    const answer: unknown = await stub.executeRouted(batchBuffer(commands), route ?? routeOf(shard));
    if (isMoved(answer)) throw await movedTo(answer.moved);
    return new Uint8Array(answer as ArrayBuffer);
  };
  return {
    executeRaw,
    execute: async (shard, commands, route) => decodeShardReplies(shard, await executeRaw(shard, commands, route), commands.length),
  };
}
