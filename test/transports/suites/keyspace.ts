// Keyspace commands over any transport: split multi-key commands, expiry, renames, fan-outs.
import { describe, expect, it } from "vitest";
import type { Client } from "../transport";


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

    it("DUMP and RESTORE move a value between shards with its TTL given to RESTORE", async () => {
      const [a, b] = await t.keysOnShards("dump");
      await t.result(["HSET", a!, "f", "v", "g", "\u0000\u00ff"]);
      await t.result(["EXPIRE", a!, 1000]);
      const dumped = await t.execBytes(["DUMP", a!]);
      const payload = dumped.result as Uint8Array;
      expect(payload).toBeInstanceOf(Uint8Array);
      expect(await t.result(["DUMP", "missing"])).toBe(null);
      expect((await t.execBytes(["RESTORE", b!, 0, payload])).error).toBeUndefined();
      expect(await t.result(["HGETALL", b!])).toEqual(["f", "v", "g", "\u0000\u00ff"]);
      expect(await t.result(["TTL", b!])).toBe(-1); // the payload carries no TTL
      expect((await t.execBytes(["RESTORE", b!, 0, payload])).error).toBe("BUSYKEY Target key name already exists.");
      expect((await t.execBytes(["RESTORE", b!, 5000, payload, "REPLACE"])).error).toBeUndefined();
      expect(await t.result(["PTTL", b!])).toBeGreaterThan(4000);
      const at = Date.now() + 60_000;
      expect((await t.execBytes(["RESTORE", b!, at, payload, "REPLACE", "ABSTTL"])).error).toBeUndefined();
      expect(Math.abs((await t.result(["PEXPIRETIME", b!])) - at)).toBeLessThan(1000);
      // An expiry already past: OK, and REPLACE only deletes.
      expect((await t.execBytes(["RESTORE", b!, 1, payload, "REPLACE", "ABSTTL"])).error).toBeUndefined();
      expect(await t.result(["EXISTS", b!])).toBe(0);
      await t.result(["SET", "s", "plain"]);
      const stringPayload = (await t.execBytes(["DUMP", "s"])).result as Uint8Array;
      expect((await t.execBytes(["RESTORE", "s2", 0, stringPayload])).error).toBeUndefined();
      expect(await t.result(["GET", "s2"])).toBe("plain");
    });

    it("a DUMP of every type (both encodings) round-trips through RESTORE on another shard", async () => {
      const [a, b] = await t.keysOnShards("every-type");
      const big = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
      const values: [string, (key: string) => (string | number)[][], (key: string) => (string | number)[]][] = [
        ["string", (k) => [["SET", k, "plain \u0000 bytes"]], (k) => ["GET", k]],
        ["hash", (k) => [["HSET", k, "f", "v", "g", "w"]], (k) => ["HGETALL", k]],
        ["big hash", (k) => [["HSET", k, ...big(600, "f").flatMap((f) => [f, f])]], (k) => ["HLEN", k]],
        ["list", (k) => [["RPUSH", k, "a", "b", "", "c"]], (k) => ["LRANGE", k, 0, -1]],
        ["big list", (k) => [["RPUSH", k, ...big(3000, "e")]], (k) => ["LRANGE", k, 2990, -1]],
        ["intset", (k) => [["SADD", k, "3", "1", "2"]], (k) => ["SMEMBERS", k]],
        ["set", (k) => [["SADD", k, ...big(600, "m")]], (k) => ["SCARD", k]],
        ["zset", (k) => [["ZADD", k, "1.5", "a", "-inf", "b", "2", "c"]], (k) => ["ZRANGE", k, 0, -1, "WITHSCORES"]],
        ["skiplist", (k) => [["ZADD", k, ...big(300, "z").flatMap((m, i) => [i, m])]], (k) => ["ZRANGE", k, 100, 104, "WITHSCORES"]],
      ];
      for (const [name, write, read] of values) {
        for (const command of write(a!)) await t.result(command);
        const payload = (await t.execBytes(["DUMP", a!])).result as Uint8Array;
        expect((await t.execBytes(["RESTORE", b!, 0, payload, "REPLACE"])).error, name).toBeUndefined();
        expect(await t.result(read(b!)), name).toEqual(await t.result(read(a!)));
        expect(await t.result(["TYPE", b!]), name).toBe(await t.result(["TYPE", a!]));
        expect(await t.result(["OBJECT", "ENCODING", b!]), name).toBe(await t.result(["OBJECT", "ENCODING", a!]));
        await t.result(["DEL", a!, b!]);
      }
    });

    it("RESTORE refuses a corrupt or foreign payload and leaves the key alone", async () => {
      await t.result(["SET", "src", "value"]);
      const payload = (await t.execBytes(["DUMP", "src"])).result as Uint8Array;
      await t.result(["SET", "dst", "kept"]);
      for (let i = 0; i < payload.length; i++) {
        const corrupt = payload.slice();
        corrupt[i] = corrupt[i]! ^ 0x20;
        const reply = await t.execBytes(["RESTORE", "dst", 0, corrupt, "REPLACE"]);
        expect(reply.error, `byte ${i} flipped`).toBe("ERR DUMP payload version or checksum are wrong");
      }
      expect((await t.execBytes(["RESTORE", "dst", 0, payload.subarray(0, payload.length - 1), "REPLACE"])).error).toBe(
        "ERR DUMP payload version or checksum are wrong",
      );
      expect(await t.error(["RESTORE", "dst", 0, "not a payload", "REPLACE"])).toBe("ERR DUMP payload version or checksum are wrong");
      expect(await t.result(["GET", "dst"])).toBe("kept");
      expect(await t.error(["RESTORE", "new", -1, "x"])).toBe("ERR Invalid TTL value, must be >= 0");
      expect(await t.error(["RESTORE", "new", "soon", "x"])).toBe("ERR value is not an integer or out of range");
      expect(await t.error(["RESTORE", "new", 0, "x", "NOPE"])).toBe("ERR syntax error");
      expect(await t.error(["RESTORE", "new", 0, "x", "FREQ", 300])).toBe("ERR Invalid FREQ value, must be >= 0 and <= 255");
      expect(await t.error(["RESTORE", "new", 0, "x", "IDLETIME", -1])).toBe("ERR Invalid IDLETIME value, must be >= 0");
      expect(await t.error(["RESTORE", "new", 0, "x", "IDLETIME", 1, "FREQ", 1])).toBe("ERR syntax error");
      expect(await t.result(["EXISTS", "new"])).toBe(0);
    });

    it("COPY keeps the TTL and the encoding, with REPLACE and DB 0, on one shard and across shards", async () => {
      await t.result(["SET", "{c}a", "x".repeat(10)]);
      await t.result(["APPEND", "{c}a", "y"]);
      await t.result(["PEXPIRE", "{c}a", 100_000]);
      expect(await t.result(["COPY", "{c}a", "{c}b"])).toBe(1);
      expect(await t.result(["GET", "{c}b"])).toBe("xxxxxxxxxxy");
      expect(await t.result(["PTTL", "{c}b"])).toBeGreaterThan(90_000);
      expect(await t.result(["OBJECT", "ENCODING", "{c}b"])).toBe("raw");
      await t.result(["HSET", "{c}h", "f", "v"]);
      expect(await t.result(["COPY", "{c}h", "{c}b"])).toBe(0);
      expect(await t.result(["COPY", "{c}h", "{c}b", "REPLACE", "DB", 0])).toBe(1);
      expect(await t.result(["HGETALL", "{c}b"])).toEqual(["f", "v"]);
      expect(await t.result(["TTL", "{c}b"])).toBe(-1);
      await t.result(["HSET", "{c}b", "g", "w"]);
      expect(await t.result(["HLEN", "{c}h"])).toBe(1); // a copy, not a shared value
      expect(await t.result(["COPY", "{c}missing", "{c}b"])).toBe(0);
      expect(await t.error(["COPY", "{c}a", "{c}a"])).toBe("ERR source and destination objects are the same");
      expect(await t.error(["COPY", "{c}a", "{c}b", "DB", 1])).toBe("ERR Copying to another database is not allowed in cluster mode");
      expect(await t.error(["COPY", "{c}a", "{c}b", "DB", 16])).toBe("ERR DB index is out of range");
      expect(await t.error(["COPY", "{c}a", "{c}b", "DB", "x"])).toBe("ERR value is not an integer or out of range");
      expect(await t.error(["COPY", "{c}a", "{c}b", "NOPE"])).toBe("ERR syntax error");
      const [a, b] = await t.keysOnShards("copy");
      await t.result(["RPUSH", a!, "1", "2"]);
      await t.result(["PEXPIRE", a!, 100_000]);
      expect(await t.result(["COPY", a!, b!])).toBe(1);
      expect(await t.result(["LRANGE", b!, 0, -1])).toEqual(["1", "2"]);
      expect(await t.result(["PTTL", b!])).toBeGreaterThan(90_000);
      expect(await t.result(["COPY", a!, b!])).toBe(0);
    });

    it("RENAME and RENAMENX on one shard and across shards", async () => {
      await t.result(["SET", "{u}a", "1"]);
      expect(await t.result(["RENAME", "{u}a", "{u}b"])).toBe("OK");
      expect(await t.result(["GET", "{u}b"])).toBe("1");
      expect(await t.error(["RENAME", "{u}missing", "{u}c"])).toBe("ERR no such key");
      const [a, b, c] = await t.keysOnShards();
      await t.result(["SET", a!, "x", "PX", 100_000]);
      expect(await t.result(["RENAME", a!, b!])).toBe("OK");
      expect(await t.result(["MGET", a!, b!])).toEqual([null, "x"]);
      expect(await t.result(["PTTL", b!])).toBeGreaterThan(90_000);
      await t.result(["SET", c!, "y"]);
      expect(await t.result(["RENAMENX", b!, c!])).toBe(0);
      expect(await t.result(["RENAMENX", b!, a!])).toBe(1);
      expect(await t.result(["MGET", a!, b!, c!])).toEqual(["x", null, "y"]);
      expect(await t.error(["RENAME", b!, c!])).toBe("ERR no such key");
      // A raw string stays raw when a transaction moves it (RESTORE alone would make it embstr).
      await t.result(["SET", b!, "gr"]);
      await t.result(["APPEND", b!, "own"]);
      expect(await t.result(["OBJECT", "ENCODING", b!])).toBe("raw");
      expect(await t.result(["RENAME", b!, c!])).toBe("OK");
      expect(await t.result(["OBJECT", "ENCODING", c!])).toBe("raw");
      expect(await t.result(["GET", c!])).toBe("grown");
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
