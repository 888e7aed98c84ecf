// Phase two's wire: a batch of commands to one shard's Durable Object, RESP both ways. Kept apart
// from planning so routing can be tested without shards and a transport can add retries later.
import { type Reply, ReplyReader, encodeCommands } from "../wire/resp";
import type { Command } from "./command";
import type { Participant, TxTransport } from "../../shards/transactions/coordinator";
import type { TopologyClient } from "./topology";
import { decisionObjectName } from "../../shards/transactions/decision";
import { shardRange } from "./slot-map";

export interface ShardTransport {
  /** Runs `commands` on shard `shard` atomically; exactly one reply per command, in order. */
  execute(shard: number, commands: readonly Command[]): Promise<Reply[]>;
}

/** Cross-shard transactions reach each shard's primary as participant (named by the topology when
 * there are replicas, and pinned for the request: a transaction's lock and apply meet one object), and
 * their decision records; `fault` is the test hook (see shards/transactions/README.md). */
export function transactionTransport(shards: Env["SHARD"], decisions: Env["TX_DECISION"], fault?: string, topology?: TopologyClient): TxTransport {
  const pinned = new Map<number, Participant>();
  const participant = (shard: number): Participant => {
    if (!topology) return shards.get(shards.idFromName(`shard-${shard}`));
    const known = pinned.get(shard);
    if (known) return known;
    const target = topology.group(shard).then((group) => shards.get(shards.idFromName(group.primary)));
    const pin: Participant = {
      txLock: async (...args) => (await target).txLock(...args),
      txApply: async (tx, writes) => (await target).txApply(tx, writes),
      txRelease: async (tx) => (await target).txRelease(tx),
    };
    pinned.set(shard, pin);
    return pin;
  };
  return { participant, decision: (tx) => decisions.get(decisions.idFromName(decisionObjectName(tx))), fault };
}

/**
 * Shard i of `shards` is the Durable Object named `shard-i`. No retries: a batch may hold
 * non-idempotent writes. Each batch carries the slot range it was routed by, so a script can refuse
 * keys of other shards with no slot state stored in the shard (it cannot disagree with routing).
 */
export function durableObjectTransport(namespace: Env["SHARD"], shards: number): ShardTransport {
  return {
    async execute(shard, commands) {
      const stub = namespace.get(namespace.idFromName(`shard-${shard}`));
      const batch = encodeCommands(commands);
      const [first, last] = shardRange(shard, shards);
      const out = new Uint8Array(await stub.execute(batch.buffer as ArrayBuffer, { first, last }));
      const reader = new ReplyReader(out);
      const replies: Reply[] = [];
      while (!reader.done) replies.push(reader.next());
      if (replies.length !== commands.length) {
        throw new Error(`shard ${shard} answered ${replies.length} replies to ${commands.length} commands`);
      }
      return replies;
    },
  };
}
