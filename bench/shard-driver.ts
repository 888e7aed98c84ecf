// A bench-only Worker in front of the real Shard: sends one RPC per batch from inside workerd, as the
// gateway does, and times the run there; a no-op Durable Object with the same payloads gives the local
// runtime's RPC floor. Loaded by bench/engine-shard.ts, never deployed.
import { DurableObject } from "cloudflare:workers";
import type { Shard } from "../shards/shard";
import type { ShardEnv } from "../shards/config";

export { Shard } from "../shards/shard";
export { TxDecision } from "../shards/transactions/decision";
export { ComputeJob } from "../shards/compute/job";
export { Coordinator } from "../shards/coordinator/coordinator";

interface DriverEnv extends ShardEnv {
  SHARD: DurableObjectNamespace<Shard>;
  RPC_FLOOR: DurableObjectNamespace<RpcFloor>;
}

/**
 * The floors a shard stands on: `execute` answers every batch with a reply of the requested size and
 * does nothing else (the RPC floor); `append` also writes the batch as one SQLite row first, as a shard
 * logs a write batch's effects (about the batch's size for SET and INCR), with no checkpointing.
 */
export class RpcFloor extends DurableObject {
  async execute(_batch: ArrayBuffer, replyBytes: number): Promise<ArrayBuffer> {
    return new ArrayBuffer(replyBytes);
  }

  async append(batch: ArrayBuffer, replyBytes: number): Promise<ArrayBuffer> {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS bench_log (seq INTEGER PRIMARY KEY, bytes BLOB)");
    this.ctx.storage.sql.exec("INSERT INTO bench_log (bytes) VALUES (?)", batch);
    return new ArrayBuffer(replyBytes);
  }
}

export interface DriverRun {
  /** Milliseconds from the first RPC to the last reply (the runtime's clock advances while code runs). */
  ms: number;
  /** Batches whose reply size differs from `replyBytes` (when given), or that hold an error reply. */
  badBatches: number;
  /** The first batch's replies, base64, for the caller to check value by value. */
  firstReply: string;
}

export default {
  /**
   * POST /run?target=shard|floor|logfloor&name=S&batches=N&replyBytes=B&floorReplyBytes=F with N equal-sized RESP
   * batches as the body. B = 0 leaves reply sizes unchecked; F is what the floor answers per batch.
   */
  async fetch(request: Request, env: DriverEnv): Promise<Response> {
    const url = new URL(request.url);
    const target = url.searchParams.get("target") ?? "shard";
    const toFloor = target !== "shard";
    const batches = Number(url.searchParams.get("batches"));
    const replyBytes = Number(url.searchParams.get("replyBytes") ?? 0);
    const floorReplyBytes = Number(url.searchParams.get("floorReplyBytes") ?? replyBytes);
    const body = await request.arrayBuffer();
    const size = body.byteLength / batches;
    if (!Number.isInteger(size)) return new Response("body is not N equal batches", { status: 400 });
    // Sliced before the clock starts: each RPC gets its own buffer, as a gateway request would.
    const parts = Array.from({ length: batches }, (_, i) => body.slice(i * size, (i + 1) * size));
    const replies: ArrayBuffer[] = [];
    const start = performance.now();
    if (toFloor) {
      const floor = env.RPC_FLOOR.get(env.RPC_FLOOR.idFromName(target));
      for (const part of parts) {
        replies.push(await (target === "logfloor" ? floor.append(part, floorReplyBytes) : floor.execute(part, floorReplyBytes)));
      }
    } else {
      const shard = env.SHARD.get(env.SHARD.idFromName(url.searchParams.get("name") ?? "shard-0"));
      for (const part of parts) replies.push(await shard.execute(part));
    }
    const ms = performance.now() - start;
    const bad = (reply: ArrayBuffer) => (replyBytes > 0 && reply.byteLength !== replyBytes) || holdsError(new Uint8Array(reply));
    const run: DriverRun = {
      ms,
      badBatches: toFloor ? 0 : replies.filter(bad).length,
      firstReply: base64(new Uint8Array(replies[0] ?? new ArrayBuffer(0))),
    };
    return Response.json(run);
  },
} satisfies ExportedHandler<DriverEnv>;

/** An error reply starts the buffer or a line (the bench's commands never put '-' first in a value). */
function holdsError(reply: Uint8Array): boolean {
  if (reply[0] === 0x2d) return true;
  for (let i = reply.indexOf(0x0a); i >= 0 && i + 1 < reply.length; i = reply.indexOf(0x0a, i + 1)) {
    if (reply[i + 1] === 0x2d) return true;
  }
  return false;
}

function base64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}
