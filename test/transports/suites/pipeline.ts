// Pipelines over any transport: request order across shards, errors inline, the rest still runs.
import { describe, expect, it } from "vitest";
import type { Client } from "../transport";

export function pipelineSuite(t: Client): void {
  describe(`pipeline over ${t.name}`, () => {
    it("replies in request order while commands run on different shards", async () => {
      const [a, b, c, d] = await t.keysOnShards();
      const commands = [
        ["SET", a!, "1"], ["SET", b!, "2"], ["INCR", a!], ["SET", c!, "3"], ["GET", b!], ["INCR", d!],
        ["MGET", d!, c!, b!, a!], ["DBSIZE"], ["GET", a!], ["DEL", a!, c!], ["EXISTS", a!, b!, c!, d!],
      ];
      expect(await t.pipeline(commands)).toEqual([
        { result: "OK" }, { result: "OK" }, { result: 2 }, { result: "OK" }, { result: "2" }, { result: 1 },
        { result: ["1", "3", "2", "2"] }, { result: 4 }, { result: "2" }, { result: 2 }, { result: 2 },
      ]);
    });

    it("keeps per-shard order for many commands on one key", async () => {
      const replies = (await t.pipeline(Array.from({ length: 200 }, () => ["INCR", "counter"]))) as { result: number }[];
      expect(replies.map((entry) => entry.result)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    });

    it("answers errors inline with no result key, and runs the rest", async () => {
      await t.result(["SET", "s", "abc"]);
      const replies = (await t.pipeline([["INCR", "s"], ["NOPE"], ["GET"], ["GET", "s"], ["SCAN", "x"]])) as object[];
      expect(replies).toEqual([
        { error: "ERR value is not an integer or out of range" },
        { error: "ERR unknown command 'NOPE', with args beginning with: " },
        { error: "ERR wrong number of arguments for 'get' command" },
        { result: "abc" },
        { error: "ERR invalid cursor" },
      ]);
      expect(Object.keys(replies[0]!)).toEqual(["error"]);
    });

    it("keeps request order around a command whose keys span shards", async () => {
      const [a, b, c] = await t.keysOnShards();
      expect(await t.pipeline([["SET", a!, "x"], ["SET", c!, "1"], ["RENAME", a!, b!], ["GET", a!], ["GET", b!], ["RENAME", b!, a!], ["INCR", c!], ["GET", a!]])).toEqual([
        { result: "OK" }, { result: "OK" }, { result: "OK" }, { result: null }, { result: "x" }, { result: "OK" }, { result: 2 }, { result: "x" },
      ]);
    });

    it("handles a thousand commands over every shard", async () => {
      const keys = await t.keysOnShards();
      const commands = Array.from({ length: 1000 }, (_, i) => ["SET", `${keys[i % 4]}:${i}`, String(i)]);
      const replies = (await t.pipeline([...commands, ["DBSIZE"]])) as object[];
      expect(replies).toHaveLength(1001);
      expect(replies[1000]).toEqual({ result: 1000 });
    });

    it("refuses a malformed request as a whole", async () => {
      expect(await t.pipeline([])).toEqual({ error: "ERR the request body is an empty array: send at least one command" });
      expect(await t.pipeline([["GET", "k"], []])).toEqual({ error: "ERR command 2 is empty: a command needs at least its name" });
    });
  });
}
