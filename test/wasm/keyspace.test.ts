// Keyspace and server commands of the wasm core: DEL, EXISTS, TYPE, RENAME, KEYS, SCAN, RANDOMKEY, FLUSH, INFO, CLUSTER.
import { describe, expect, it } from "vitest";
import { Session } from "./session";

function sorted(reply: unknown): string[] {
  return [...(reply as string[])].sort();
}

describe("keys", () => {
  it("DEL and UNLINK count the keys they removed", () => {
    const s = new Session();
    s.run("MSET", "a", "1", "b", "2", "c", "3");
    expect(s.run("DEL", "a", "b", "a", "zz")).toBe(2);
    expect(s.run("UNLINK", "c")).toBe(1);
    expect(s.run("DBSIZE")).toBe(0);
    expect(s.run("DEL")).toBe("-ERR wrong number of arguments for 'del' command");
  });

  it("EXISTS counts repeated keys, TOUCH counts existing keys", () => {
    const s = new Session();
    s.run("SET", "a", "1");
    expect(s.run("EXISTS", "a", "a", "b")).toBe(2);
    expect(s.run("TOUCH", "a", "b")).toBe(1);
  });

  it("TYPE of a string and of a missing key", () => {
    const s = new Session();
    s.run("SET", "a", "1");
    expect(s.run("TYPE", "a")).toBe("+string");
    expect(s.run("TYPE", "b")).toBe("+none");
  });

  it("RENAME moves the value and its TTL", () => {
    const s = new Session();
    s.run("SET", "a", "v", "EX", "100");
    s.run("SET", "b", "old");
    expect(s.run("RENAME", "a", "b")).toBe("+OK");
    expect(s.run("GET", "b")).toBe("v");
    expect(s.run("TTL", "b")).toBe(100);
    expect(s.run("EXISTS", "a")).toBe(0);
    expect(s.run("RENAME", "a", "c")).toBe("-ERR no such key");
    expect(s.run("RENAME", "b", "b")).toBe("+OK");
    expect(s.run("DBSIZE")).toBe(1);
  });

  it("RENAMENX refuses an existing destination", () => {
    const s = new Session();
    s.run("MSET", "a", "1", "b", "2");
    expect(s.run("RENAMENX", "a", "b")).toBe(0);
    expect(s.run("RENAMENX", "a", "a")).toBe(0);
    expect(s.run("RENAMENX", "a", "c")).toBe(1);
    expect(s.run("MGET", "a", "b", "c")).toEqual([null, "2", "1"]);
    expect(s.run("RENAMENX", "x", "y")).toBe("-ERR no such key");
  });

  it("KEYS with patterns", () => {
    const s = new Session();
    s.run("MSET", "foo", "1", "fao", "1", "f*o", "1", "bar", "1", "a[b", "1", "h\u00e9llo", "1");
    expect(sorted(s.run("KEYS", "*"))).toEqual(sorted(["foo", "fao", "f*o", "bar", "a[b", "h\u00e9llo"]));
    expect(sorted(s.run("KEYS", "f?o"))).toEqual(["f*o", "fao", "foo"]);
    expect(sorted(s.run("KEYS", "f[^a]o"))).toEqual(["f*o", "foo"]);
    expect(sorted(s.run("KEYS", "f[a-c]o"))).toEqual(["fao"]);
    expect(s.run("KEYS", "f\\*o")).toEqual(["f*o"]);
    expect(s.run("KEYS", "a\\[b")).toEqual(["a[b"]);
    expect(s.run("KEYS", "h??llo")).toEqual(["h\u00e9llo"]);
    expect(s.run("KEYS", "nomatch*")).toEqual([]);
  });

  it("KEYS with a pathological pattern on a long key is fast", () => {
    const s = new Session();
    s.run("SET", "a".repeat(5000), "1");
    // Exponential backtracking would never finish; the skip-longer-matches cut makes it immediate.
    expect(s.run("KEYS", "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b")).toEqual([]);
  });

  it("KEYS stops matching past 1000 nested stars, as Redis does, without deep recursion", () => {
    const s = new Session();
    s.run("SET", "a".repeat(5000), "1");
    expect((s.run("KEYS", "*a".repeat(1000)) as string[]).length).toBe(1);
    expect(s.run("KEYS", "*a".repeat(1001))).toEqual([]);
    s.run("SET", "b".repeat(200_000), "1");
    expect(s.run("KEYS", "*b".repeat(100_000))).toEqual([]);
  });

  it("SCAN returns every key exactly once across growth, with MATCH, COUNT and TYPE", () => {
    const s = new Session();
    for (let i = 0; i < 500; i++) s.run("SET", `key:${i}`, "v");
    const seen = new Set<string>();
    let cursor = "0";
    let calls = 0;
    do {
      const [next, keys] = s.run("SCAN", cursor, "COUNT", "7") as [string, string[]];
      for (const k of keys) seen.add(k);
      cursor = next;
      // Growth during the scan must not lose keys present from start to end.
      if (calls++ === 10) for (let i = 500; i < 1000; i++) s.run("SET", `extra:${i}`, "v");
    } while (cursor !== "0");
    for (let i = 0; i < 500; i++) expect(seen.has(`key:${i}`)).toBe(true);
    const matched: string[] = [];
    cursor = "0";
    do {
      const [next, keys] = s.run("SCAN", cursor, "MATCH", "key:1?", "TYPE", "string") as [string, string[]];
      matched.push(...keys);
      cursor = next;
    } while (cursor !== "0");
    expect(matched.sort()).toEqual(["key:10", "key:11", "key:12", "key:13", "key:14", "key:15", "key:16", "key:17", "key:18", "key:19"]);
    expect(s.run("SCAN", "0", "TYPE", "list", "COUNT", "10000")).toEqual(["0", []]);
  });

  it("SCAN errors", () => {
    const s = new Session();
    expect(s.run("SCAN", "x")).toBe("-ERR invalid cursor");
    expect(s.run("SCAN", "0", "COUNT", "0")).toBe("-ERR syntax error");
    expect(s.run("SCAN", "0", "COUNT", "x")).toBe("-ERR value is not an integer or out of range");
    expect(s.run("SCAN", "0", "FOO", "x")).toBe("-ERR syntax error");
    expect(s.run("SCAN", "0", "COUNT")).toBe("-ERR syntax error");
    expect(s.run("SCAN", "0")).toEqual(["0", []]);
  });

  it("RANDOMKEY returns a key, or nil when empty", () => {
    const s = new Session({ seed: 42 });
    expect(s.run("RANDOMKEY")).toBeNull();
    s.run("MSET", "a", "1", "b", "2");
    for (let i = 0; i < 20; i++) expect(["a", "b"]).toContain(s.run("RANDOMKEY"));
  });

  it("FLUSHALL and FLUSHDB with ASYNC, SYNC and bad arguments", () => {
    const s = new Session();
    s.run("MSET", "a", "1", "b", "2");
    expect(s.run("FLUSHALL", "x")).toBe("-ERR syntax error");
    expect(s.run("FLUSHALL", "SYNC", "x")).toBe("-ERR syntax error");
    expect(s.run("FLUSHDB", "ASYNC")).toBe("+OK");
    expect(s.run("DBSIZE")).toBe(0);
    s.run("SET", "a", "1");
    expect(s.run("FLUSHALL")).toBe("+OK");
    expect(s.run("KEYS", "*")).toEqual([]);
  });
});

describe("server", () => {
  it("PING, ECHO and TIME", () => {
    const s = new Session();
    expect(s.run("PING")).toBe("+PONG");
    expect(s.run("PING", "hi")).toBe("hi");
    expect(s.run("PING", "a", "b")).toBe("-ERR wrong number of arguments for 'ping' command");
    expect(s.run("ECHO", "x")).toBe("x");
    s.now = 1_700_000_000_123;
    expect(s.run("TIME")).toEqual(["1700000000", "123000"]);
  });

  it("INFO reports memory and keyspace", () => {
    const s = new Session();
    s.run("SET", "a", "1", "EX", "10");
    s.run("SET", "b", "1");
    const info = s.run("INFO") as string;
    expect(info).toContain("# Memory\r\nused_memory:");
    expect(info).toContain("# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\n");
    expect(s.run("INFO", "keyspace")).toBe("# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\n");
    const used = Number(/used_memory:(\d+)/.exec(s.run("INFO", "memory") as string)![1]);
    expect(used).toBe(s.core.usedMemory());
  });

  it("CLUSTER COUNTKEYSINSLOT and GETKEYSINSLOT", () => {
    const s = new Session();
    s.run("MSET", "{user1000}.following", "1", "{user1000}.followers", "2", "foo", "3");
    expect(s.run("CLUSTER", "COUNTKEYSINSLOT", "3443")).toBe(2);
    expect(s.run("CLUSTER", "COUNTKEYSINSLOT", "12182")).toBe(1);
    expect(sorted(s.run("CLUSTER", "GETKEYSINSLOT", "3443", "10"))).toEqual(["{user1000}.followers", "{user1000}.following"]);
    expect((s.run("CLUSTER", "GETKEYSINSLOT", "3443", "1") as string[]).length).toBe(1);
    expect(s.run("CLUSTER", "COUNTKEYSINSLOT", "16384")).toBe("-ERR Invalid slot");
    expect(s.run("CLUSTER", "GETKEYSINSLOT", "1", "-1")).toBe("-ERR Invalid slot or number of keys");
    expect(s.run("CLUSTER", "COUNTKEYSINSLOT", "x")).toBe("-ERR value is not an integer or out of range");
    expect(s.run("CLUSTER", "COUNTKEYSINSLOT")).toBe("-ERR wrong number of arguments for 'cluster|countkeysinslot' command");
    expect(s.run("CLUSTER", "foo")).toBe("-ERR unknown subcommand 'foo'. Try CLUSTER HELP.");
  });
});

describe("protocol", () => {
  it("unknown commands are reported as Redis formats them", () => {
    const s = new Session();
    expect(s.run("foo", "bar", "b\r\nz")).toBe("-ERR unknown command 'foo', with args beginning with: 'bar' 'b  z' ");
    expect(s.run("NOPE")).toBe("-ERR unknown command 'NOPE', with args beginning with: ");
    // printf's %s stops at a NUL byte, and Redis formats these texts with it.
    expect(s.run("fo\0o", "a\0b", "c")).toBe("-ERR unknown command 'fo', with args beginning with: 'a' 'c' ");
    const long = "x".repeat(200);
    expect(s.run("foo", long, "y")).toBe(`-ERR unknown command 'foo', with args beginning with: '${"x".repeat(128)}' `);
  });

  it("wrong number of arguments", () => {
    const s = new Session();
    expect(s.run("GET")).toBe("-ERR wrong number of arguments for 'get' command");
    expect(s.run("get", "a", "b")).toBe("-ERR wrong number of arguments for 'get' command");
    expect(s.run("INCRBYFLOAT", "a")).toBe("-ERR wrong number of arguments for 'incrbyfloat' command");
  });

  it("internal commands are unknown without the internal flag", () => {
    const s = new Session();
    expect(s.run("__SWEEP", "10")).toBe("-ERR unknown command '__SWEEP', with args beginning with: '10' ");
    expect(s.internal("__SWEEP", "10")).toBe(0);
  });

  it("malformed and truncated RESP ends the batch with a protocol error, never a trap", () => {
    const s = new Session();
    const enc = new TextEncoder();
    const cases: [string, string][] = [
      ["GET a\r\n", "-ERR Protocol error: expected '*', got 'G'\r\n"],
      ["*1\r\n+PING\r\n", "-ERR Protocol error: expected '$', got '+'\r\n"],
      ["*x\r\n", "-ERR Protocol error: invalid multibulk length\r\n"],
      ["*1\r\n$-1\r\n", "-ERR Protocol error: invalid bulk length\r\n"],
      ["*1\r\n$4\r\nPING", "-ERR Protocol error: unexpected end of batch\r\n"],
      ["*2\r\n$4\r\nPING\r\n", "-ERR Protocol error: unexpected end of batch\r\n"],
      ["*1\r\n$2\r\nPING\r\n", "-ERR Protocol error: invalid bulk length\r\n"],
      ["*1", "-ERR Protocol error: invalid multibulk length\r\n"],
    ];
    for (const [input, reply] of cases) {
      const out = s.core.execute(enc.encode(input), s.now);
      expect(new TextDecoder().decode(out.replies), JSON.stringify(input)).toBe(reply);
      expect(out.count).toBe(1);
    }
    const out = s.core.execute(enc.encode("*1\r\n$4\r\nPING\r\n*0\r\n*1\r\n$4\r\nPING\r\n"), s.now);
    expect(new TextDecoder().decode(out.replies)).toBe("+PONG\r\n+PONG\r\n");
    expect(out.count).toBe(2);
  });
});

describe("keyspace hash seed", () => {
  const keys = Array.from({ length: 3000 }, (_, i) => `seeded:${i}`);
  const scanOrder = (s: Session): string[] => {
    const order: string[] = [];
    let cursor = "0";
    do {
      const [next, page] = s.run("SCAN", cursor, "COUNT", "100") as [string, string[]];
      order.push(...page);
      cursor = next;
    } while (cursor !== "0");
    return order;
  };
  const loaded = (seed: number, order: readonly string[]): Session => {
    const s = new Session({ keySeed: seed });
    for (let i = 0; i < order.length; i += 500) s.run("MSET", ...order.slice(i, i + 500).flatMap((key) => [key, key]));
    return s;
  };

  it("cores of one seed walk their keys in one order, cores of two seeds in two; every key is found in each", () => {
    const first = scanOrder(loaded(1, keys));
    expect(scanOrder(loaded(1, keys))).toEqual(first);
    // Loaded in the first core's own SCAN order: what a slot move or a SCAN-driven copy sends.
    const other = loaded(2, first);
    const otherOrder = scanOrder(other);
    expect(otherOrder).not.toEqual(first);
    expect([...otherOrder].sort()).toEqual([...keys].sort());
    for (const key of keys.slice(0, 200)) expect(other.run("GET", key)).toBe(key);
  });

  it("is set only while the keyspace is empty: a core that holds keys refuses a new seed", () => {
    const s = new Session();
    const exports = (s.core as unknown as { exports: { seedKeyspace(value: number): number } }).exports;
    expect(exports.seedKeyspace(7)).toBe(1);
    s.run("SET", "k", "v");
    expect(exports.seedKeyspace(8)).toBe(0);
    expect(s.run("GET", "k")).toBe("v");
  });
});
