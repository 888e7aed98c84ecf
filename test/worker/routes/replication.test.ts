// Replication through the gateway: WAIT per request, ROLE, the sync token's per-shard positions,
// replica reads (`upstash-read-from: replica`) and read-your-writes with the sync token.
import { Redis } from "@upstash/redis/cloudflare";
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { BASE, call, fetchGateway, keysOnShards, pipeline, TOKEN, type CallOptions } from "../gateway";

const REPLICATED = { EDGESLOT_REPLICAS: "1" } satisfies Partial<Env>;
const UNREPLICATED = { vars: { EDGESLOT_REPLICAS: "0" } } satisfies CallOptions;
const opts = (extra: CallOptions = {}, vars: Partial<Env> = REPLICATED): CallOptions => ({ ...extra, vars: { ...vars, ...extra.vars } });
const unique = (name: string) => `${name}:${Math.random().toString(36).slice(2)}`;

describe("WAIT and ROLE through the gateway", () => {
  it("WAIT counts the replicas that acknowledged the pipeline's writes on its shard", async () => {
    const key = unique("w");
    const answer = await pipeline([["SET", key, "v"], ["WAIT", "1", "0"]], opts());
    expect(answer.json).toEqual([{ result: "OK" }, { result: 1 }]);
  });

  it("WAIT answers 0 at once without replicas, and ROLE says master", async () => {
    const key = unique("w0");
    expect((await pipeline([["SET", key, "v"], ["WAIT", "1", "0"]], UNREPLICATED)).json).toEqual([{ result: "OK" }, { result: 0 }]);
    const role = (await call(["ROLE"], UNREPLICATED)).json.result;
    expect(role[0]).toBe("master");
    expect(role[2]).toEqual([]);
  });

  it("ROLE from a replica read names the primary", async () => {
    // ROLE, keyless, runs on shard 0: a write there makes shard 0's replica one.
    const [key] = await keysOnShards(unique("r"));
    expect((await pipeline([["SET", key!, "v"], ["WAIT", "1", "0"]], opts())).json[1]).toEqual({ result: 1 });
    const role = (await call(["ROLE"], opts({ headers: { "upstash-read-from": "replica" } }))).json.result;
    expect(role.slice(0, 2)).toEqual(["slave", "shard-0"]);
  });
});

describe("CLUSTER SLOTS and SHARDS list replicas", () => {
  it("each slot range has its primary then its replicas, each with its own node id", async () => {
    const slots = (await call(["CLUSTER", "SLOTS"], opts({}, { EDGESLOT_REPLICAS: "2" }))).json.result;
    expect(slots).toHaveLength(4);
    for (const range of slots) expect(range).toHaveLength(5);
    const ids = slots.flatMap((range: unknown[][]) => range.slice(2).map((node) => node[2]));
    expect(new Set(ids).size).toBe(12);
    const plain = (await call(["CLUSTER", "SLOTS"])).json.result;
    expect(plain.map((range: unknown[]) => range.slice(0, 3))).toEqual(slots.map((range: unknown[]) => range.slice(0, 3)));
    const shards = (await call(["CLUSTER", "SHARDS"], opts())).json.result;
    const roles = shards[0][3].map((node: unknown[]) => node[node.indexOf("role") + 1]);
    expect(roles).toEqual(["master", "replica"]);
    expect((await call(["CLUSTER", "INFO"], opts())).json.result).toContain("cluster_known_nodes:8\r\n");
  });
});

describe("INFO replication through the gateway", () => {
  it("lists every shard's replicas and each shard's offset", async () => {
    const keys = await keysOnShards(unique("info"));
    for (const key of keys) await pipeline([["SET", key, "v"], ["WAIT", "1", "0"]], opts());
    const info: string = (await call(["INFO", "replication"], opts())).json.result;
    expect(info).toMatch(/^role:master\r$/m);
    expect(info).toMatch(/^connected_slaves:4\r$/m);
    for (let shard = 0; shard < 4; shard++) expect(info).toMatch(new RegExp(`^slave${shard}:ip=shard-${shard}-replica-0,port=0,state=online,offset=\\d+,lag=\\d+\r$`, "m"));
    expect([...info.matchAll(/^shard\d:master_repl_offset=(\d+)\r$/gm)].map((m) => Number(m[1]) > 0)).toEqual([true, true, true, true]);
  });
});

describe("sync token and replica reads", () => {
  it("a write's sync token carries the shard's offset; without replicas it does not", async () => {
    const key = unique("t");
    const replicated = (await call(["SET", key, "1"], opts())).headers.get("upstash-sync-token")!;
    expect(replicated).toMatch(/^[0-9a-f]{8}-\d+(\.[0-9a-z]+~[0-9a-z]+)+$/);
    const plain = (await call(["SET", key, "1"], UNREPLICATED)).headers.get("upstash-sync-token")!;
    expect(plain).toMatch(/^[0-9a-f]{8}-\d+$/);
  });

  it("a cross-shard transaction's sync token names every shard it wrote, and replica reads see its writes", async () => {
    const [a, b] = await keysOnShards(unique("x"));
    const wrote = await call(["MSET", a!, "1", b!, "2"], opts());
    expect(wrote.json).toEqual({ result: "OK" });
    const token = wrote.headers.get("upstash-sync-token")!;
    expect([...token.matchAll(/\.([0-9a-z]+)~/g)].map((m) => parseInt(m[1]!, 36))).toEqual([0, 1]);
    const read = await call(["MGET", a!, b!], opts({ headers: { "upstash-sync-token": token, "upstash-read-from": "replica" } }));
    expect(read.json).toEqual({ result: ["1", "2"] });
  });

  it("read-your-writes: a replica read carrying the sync token never sees an older value", async () => {
    const key = unique("ryw");
    let token: string | null = null;
    for (let i = 1; i <= 20; i++) {
      const headers: Record<string, string> = token ? { "upstash-sync-token": token } : {};
      const wrote = await call(["INCR", key], opts({ headers }));
      expect(wrote.json).toEqual({ result: i });
      token = wrote.headers.get("upstash-sync-token");
      const read = await call(["GET", key], opts({ headers: { "upstash-sync-token": token!, "upstash-read-from": "replica" } }));
      expect(read.json).toEqual({ result: String(i) });
      expect(read.headers.get("upstash-sync-token")).toBe(token);
    }
  });

  it("a replica serves reads of what it has applied, in sync mode without waiting", async () => {
    const key = unique("sync");
    await call(["SET", key, "v"], opts({}, { EDGESLOT_REPLICAS: "1", EDGESLOT_REPLICATION: "sync" }));
    const read = await pipeline([["GET", key], ["ROLE"]], opts({ headers: { "upstash-read-from": "replica" } }));
    expect(read.json[0]).toEqual({ result: "v" });
    expect(read.json[1].result[0]).toBe("slave");
  });

  it("a batch holding a write goes to the primary even when reads go to replicas", async () => {
    const key = unique("mix");
    const answer = await pipeline([["SET", key, "1"], ["GET", key], ["ROLE"]], opts({ headers: { "upstash-read-from": "replica" } }));
    expect(answer.json[1]).toEqual({ result: "1" });
    expect(answer.json[2].result[0]).toBe("master");
  });
});

describe("@upstash/redis with replica reads", () => {
  const realFetch = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  it("keeps read-your-writes: the client echoes the positional sync token and reads see its writes", async () => {
    // The client's own fetch, sent to the gateway with replicas and every read asked of a replica.
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      request.headers.set("upstash-read-from", "replica");
      return fetchGateway(request, REPLICATED);
    }) as typeof fetch;
    const redis = new Redis({ url: BASE, token: TOKEN, readYourWrites: true, enableAutoPipelining: false });
    const key = unique("upstash");
    for (let i = 1; i <= 10; i++) {
      expect(await redis.set(key, { n: i })).toBe("OK");
      expect(redis.readYourWritesSyncToken).toMatch(/\.[0-9a-z]+~[0-9a-z]+$/);
      expect(await redis.get(key)).toEqual({ n: i });
    }
  });
});

describe("replicas under gateway write load", () => {
  it("every shard's replica reaches its primary's digest, cross-shard transactions included", async () => {
    let state = 20261121;
    const next = (n: number) => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) % n);
    const key = () => `load:${next(60)}`;
    const makers = [
      () => ["SET", key(), `v${next(100)}`],
      () => ["INCR", `n:${key()}`],
      () => ["HSET", `h:${key()}`, `f${next(4)}`, `${next(9)}`],
      () => ["RPUSH", `l:${key()}`, `${next(9)}`],
      () => ["MSET", key(), "m1", key(), "m2", key(), "m3"],
      () => ["DEL", key(), key()],
    ];
    for (let round = 0; round < 15; round++) {
      const answer = await pipeline(Array.from({ length: 12 }, () => makers[next(makers.length)]!()), opts());
      expect(answer.status).toBe(200);
      await call(["MSET", key(), `x${round}`, key(), `y${round}`], opts({ headers: {} }));
    }
    for (const shardKey of await keysOnShards(unique("settle"))) {
      expect((await pipeline([["SET", shardKey, "1"], ["WAIT", "1", "0"]], opts())).json[1]).toEqual({ result: 1 });
    }
    for (let shard = 0; shard < 4; shard++) {
      const primary = env.SHARD.get(env.SHARD.idFromName(`shard-${shard}`));
      const replica = env.SHARD.get(env.SHARD.idFromName(`shard-${shard}-replica-0`));
      expect(await replica.digest()).toBe(await primary.digest());
    }
  });
});
