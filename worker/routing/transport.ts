// Phase two's wire: a batch of commands to one shard's Durable Object, RESP both ways. Kept apart
// from planning so routing can be tested without shards and a transport can add retries later.
import { type Reply, ReplyReader, encodeCommands } from "../wire/resp";
import type { Command } from "./command";
import type { TxTransport } from "../../shards/transactions/coordinator";
import { decisionObjectName } from "../../shards/transactions/decision";
import { shardRange } from "./slot-map";

export interface ShardTransport {
  /** Runs `commands` on shard `shard` atomically; exactly one reply per command, in order. */
  execute(shard: number, commands: readonly Command[]): Promise<Reply[]>;
}

/** Cross-shard transactions reach the same shard objects as participants, and their decision
 * records; `fault` is the test hook (see shards/transactions/README.md). */
export function transactionTransport(shards: Env["SHARD"], decisions: Env["TX_DECISION"], fault?: string): TxTransport {
  return {
    participant: (shard) => shards.get(shards.idFromName(`shard-${shard}`)),
    decision: (tx) => decisions.get(decisions.idFromName(decisionObjectName(tx))),
    fault,
  };
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
