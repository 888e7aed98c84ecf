// Keyspace commands over any transport: split multi-key commands, expiry, renames, fan-outs.
import { describe, expect, it } from "vitest";
import type { Client } from "../transport";

const CROSSSLOT = "CROSSSLOT Keys in request don't hash to the same slot";

export function keyspaceSuite(t: Client): void {
  describe(`keyspace commands over ${t.name}`, () => {
    it("DEL, UNLINK, EXISTS, TOUCH split across shards and sum in key order", async () => {
      const [a, b, c, d] = await t.keysOnShards();
      await t.result(["MSET", a!, "1", b!, "2", c!, "3", d!, "4"]);
      expect(await t.result(["EXISTS", a!, b!, c!, d!, a!, "nope"])).toBe(5);
      expect(await t.result(["TOUCH", a!, b!, "nope"])).toBe(2);
      expect(await t.result(["DEL", a!, b!, "nope"])).toBe(2);
      expect(await t.result(["UNLINK", c!, d!, a!])).toBe(2);
      expect(await t.result(["DBSIZE"])).toBe(0);
    });

    it("TYPE, EXPIRE with NX XX GT LT, TTL, PERSIST", async () => {
      await t.result(["SET", "k", "v"]);
      expect(await t.result(["TYPE", "k"])).toBe("string");
      expect(await t.result(["TYPE", "missing"])).toBe("none");
      expect(await t.result(["TTL", "k"])).toBe(-1);
      expect(await t.result(["TTL", "missing"])).toBe(-2);
      expect(await t.result(["EXPIRE", "k", 100])).toBe(1);
      expect(await t.result(["EXPIRE", "k", 50, "GT"])).toBe(0);
      expect(await t.result(["EXPIRE", "k", 50, "LT"])).toBe(1);
      expect(await t.result(["EXPIRE", "k", 70, "NX"])).toBe(0);
      expect(await t.result(["EXPIRE", "k", 70, "XX"])).toBe(1);
      expect(await t.result(["TTL", "k"])).toBe(70);
      expect(await t.result(["PERSIST", "k"])).toBe(1);
      expect(await t.result(["PERSIST", "k"])).toBe(0);
      expect(await t.result(["EXPIRE", "k", -1])).toBe(1);
      expect(await t.result(["EXISTS", "k"])).toBe(0);
      expect(await t.error(["EXPIRE", "k", 1, "NX", "XX"])).toBe("ERR NX and XX, GT or LT options at the same time are not compatible");
    });

    it("OBJECT ENCODING names strings' and hashes' encodings as Redis 7.0 does", async () => {
      await t.result(["SET", "n", "12345"]);
      await t.result(["SET", "short", "hello"]);
      await t.result(["SET", "long", "x".repeat(45)]);
      await t.result(["SET", "grown", "ab"]);
      await t.result(["APPEND", "grown", "c"]);
      await t.result(["HSET", "h", "f", "v"]);
      expect(await t.result(["OBJECT", "ENCODING", "n"])).toBe("int");
      expect(await t.result(["OBJECT", "ENCODING", "short"])).toBe("embstr");
      expect(await t.result(["OBJECT", "encoding", "long"])).toBe("raw");
      expect(await t.result(["OBJECT", "ENCODING", "grown"])).toBe("raw");
      expect(await t.result(["OBJECT", "ENCODING", "h"])).toBe("listpack");
      expect(await t.result(["OBJECT", "ENCODING", "missing"])).toBe(null);
      expect(await t.error(["OBJECT", "NOPE", "n"])).toBe("ERR unknown subcommand 'NOPE'. Try OBJECT HELP.");
      expect(await t.error(["OBJECT", "ENCODING"])).toBe("ERR wrong number of arguments for 'object|encoding' command");
    });

    it("RENAME and RENAMENX on one shard, CROSSSLOT across shards", async () => {
      await t.result(["SET", "{u}a", "1"]);
      expect(await t.result(["RENAME", "{u}a", "{u}b"])).toBe("OK");
      expect(await t.result(["GET", "{u}b"])).toBe("1");
      expect(await t.error(["RENAME", "{u}missing", "{u}c"])).toBe("ERR no such key");
      const [a, b] = await t.keysOnShards();
      await t.result(["SET", a!, "x"]);
      expect(await t.error(["RENAME", a!, b!])).toBe(CROSSSLOT);
      expect(await t.result(["GET", a!])).toBe("x");
    });

    it("KEYS, DBSIZE and FLUSHDB cover every shard", async () => {
      const keys = await t.keysOnShards("user:");
      await t.result(["MSET", ...keys.flatMap((k) => [k, "v"]), "other", "v"]);
      expect((await t.result(["KEYS", "user:*"])).sort()).toEqual([...keys].sort());
      expect(await t.result(["DBSIZE"])).toBe(5);
      expect(await t.result(["FLUSHDB"])).toBe("OK");
      expect(await t.result(["DBSIZE"])).toBe(0);
    });

    it("SCAN walks every shard with MATCH and COUNT and ends at cursor 0", async () => {
      const keys = Array.from({ length: 40 }, (_, i) => `scan:${i}`);
      await t.result(["MSET", ...keys.flatMap((k) => [k, "v"]), "other", "v"]);
      const seen = new Set<string>();
      let cursor = "0";
      let rounds = 0;
      do {
        const [next, batch] = await t.result(["SCAN", cursor, "MATCH", "scan:*", "COUNT", 10]);
        for (const key of batch) seen.add(key);
        cursor = next;
        expect(++rounds).toBeLessThan(200);
      } while (cursor !== "0");
      expect([...seen].sort()).toEqual([...keys].sort());
      expect(await t.error(["SCAN", "abc"])).toBe("ERR invalid cursor");
    });
  });
}
