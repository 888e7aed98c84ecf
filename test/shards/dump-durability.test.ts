// DUMP/RESTORE and COPY survive a shard restart: RESTORE replays from its logged absolute expiry, COPY
// from its own bytes, and a checkpoint row written from a restored value loads back.
import { env, evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Shard } from "../../shards/shard";
import { decodeReplies, encodeCommands, type Reply, Status } from "../../worker/wire/resp";

const text = (s: string) => new TextEncoder().encode(s);
const shardStub = () => env.SHARD.get(env.SHARD.idFromName(`dump-durability-${expect.getState().currentTestName}`));

async function run(stub: DurableObjectStub<Shard>, ...commands: (string | Uint8Array)[][]): Promise<Reply[]> {
  return decodeReplies(new Uint8Array(await stub.execute(encodeCommands(commands).buffer as ArrayBuffer)));
}

describe("DUMP, RESTORE and COPY durability", () => {
  it("replays RESTORE with its deadline and COPY after a restart", async () => {
    const stub = shardStub();
    await run(stub, ["HSET", "h", "f", "v"], ["SET", "s", "text"]);
    const [payload] = await run(stub, ["DUMP", "h"]);
    expect(payload).toBeInstanceOf(Uint8Array);
    const replies = await run(
      stub,
      ["RESTORE", "restored", "100000000", payload as Uint8Array],
      ["COPY", "s", "copied"],
      ["COPY", "h", "s", "REPLACE"],
      ["PEXPIRETIME", "restored"],
    );
    expect(replies.slice(0, 3)).toEqual([new Status("OK"), 1, 1]);
    const deadline = replies[3] as number;
    await evictDurableObject(stub);
    expect(await run(stub, ["HGETALL", "restored"], ["PEXPIRETIME", "restored"], ["GET", "copied"], ["TYPE", "s"], ["HGETALL", "s"])).toEqual([
      [text("f"), text("v")],
      deadline,
      text("text"),
      new Status("hash"),
      [text("f"), text("v")],
    ]);
  });
});
