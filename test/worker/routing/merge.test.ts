// Merging per-shard replies: SCAN cursors walking the shards, and INFO sums.
import { describe, expect, it } from "vitest";
import { mergeInfo } from "../../../worker/routing/info-merge";
import { nextScanCursor, parseScanCursor } from "../../../worker/routing/scan-cursor";

const enc = new TextEncoder();

describe("SCAN cursor", () => {
  it("encodes shard cursor * N + shard index, and round-trips", () => {
    for (const shard of [0, 1, 3]) {
      for (const next of [1n, 17n, (1n << 60n) + 5n]) {
        const cursor = nextScanCursor(shard, next, 4);
        expect(parseScanCursor(enc.encode(cursor.toString()), 4)).toEqual({ shard, shardCursor: next });
      }
    }
  });

  it("moves to the next shard when a shard is done, and ends with 0 after the last", () => {
    expect(nextScanCursor(0, 0n, 4)).toBe(1n);
    expect(parseScanCursor(enc.encode("1"), 4)).toEqual({ shard: 1, shardCursor: 0n });
    expect(nextScanCursor(3, 0n, 4)).toBe(0n);
  });

  it("refuses what is not an unsigned 64-bit decimal", () => {
    for (const bad of ["", "-1", "+1", " 1", "1x", "18446744073709551616"]) expect(parseScanCursor(enc.encode(bad), 4)).toBeUndefined();
    expect(parseScanCursor(enc.encode("18446744073709551615"), 4)).toBeDefined();
  });
});

describe("INFO merge", () => {
  const shard = (memory: number, keys: number, expires: number) =>
    `# Server\r\nredis_version:7.0.15\r\n\r\n# Memory\r\nused_memory:${memory}\r\nused_memory_human:1K\r\nmaxmemory:1000000\r\n\r\n# Keyspace\r\n` +
    (keys ? `db0:keys=${keys},expires=${expires},avg_ttl=0\r\n` : "");

  it("sums used_memory and db0 keys/expires, and lists each shard", () => {
    const merged = mergeInfo([shard(1000, 2, 1), shard(3000, 0, 0), shard(2000, 5, 2)]);
    expect(merged).toContain("used_memory:6000\r\n");
    expect(merged).toContain("used_memory_human:5.86K\r\n");
    expect(merged).toContain("maxmemory:3000000\r\n");
    expect(merged).toContain("# Keyspace\r\ndb0:keys=7,expires=3,avg_ttl=0\r\n");
    expect(merged.match(/^db0:/gm)).toHaveLength(1);
    expect(merged).toContain("# Shards\r\nshard0:keys=2,expires=1,used_memory=1000\r\nshard1:keys=0,expires=0,used_memory=3000\r\nshard2:keys=5,expires=2,used_memory=2000\r\n");
  });

  it("lists only the per-shard figures of the sections asked for", () => {
    const memoryOnly = mergeInfo(["# Memory\r\nused_memory:10\r\n", "# Memory\r\nused_memory:20\r\n"]);
    expect(memoryOnly).toBe("# Memory\r\nused_memory:30\r\n\r\n# Shards\r\nshard0:used_memory=10\r\nshard1:used_memory=20\r\n");
    const keyspaceOnly = mergeInfo(["# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n", "# Keyspace\r\n"]);
    expect(keyspaceOnly).toBe("# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n\r\n# Shards\r\nshard0:keys=1,expires=0\r\nshard1:keys=0,expires=0\r\n");
  });

  it("sums evicted_keys and keeps the first shard's maxmemory_policy", () => {
    const stats = (n: number) => `# Memory\r\nused_memory:1\r\nmaxmemory_policy:allkeys-lru\r\n\r\n# Stats\r\nevicted_keys:${n}\r\n`;
    const merged = mergeInfo([stats(3), stats(0), stats(4)]);
    expect(merged).toContain("maxmemory_policy:allkeys-lru\r\n\r\n# Stats\r\nevicted_keys:7\r\n");
  });

  it("has no db0 line when no shard has keys, as Redis", () => {
    expect(mergeInfo([shard(10, 0, 0), shard(10, 0, 0)])).not.toContain("db0:");
  });

  it("puts the gateway's # Cluster section before # Keyspace, as Redis orders them", () => {
    const cluster = ["# Cluster", "cluster_enabled:1", "cluster_shards:2", "cluster_slot_moves_pending:0"];
    const merged = mergeInfo([shard(10, 1, 0), shard(10, 0, 0)], cluster);
    expect(merged).toContain("maxmemory:2000000\r\n\r\n# Cluster\r\ncluster_enabled:1\r\ncluster_shards:2\r\ncluster_slot_moves_pending:0\r\n\r\n# Keyspace\r\ndb0:keys=1,");
    expect(merged.match(/^# Cluster/gm)).toHaveLength(1);
    // INFO memory: no # Keyspace to go before, so it ends the merged sections (before # Shards).
    expect(mergeInfo(["# Memory\r\nused_memory:10\r\n", "# Memory\r\nused_memory:20\r\n"], cluster)).toBe(
      "# Memory\r\nused_memory:30\r\n\r\n# Cluster\r\ncluster_enabled:1\r\ncluster_shards:2\r\ncluster_slot_moves_pending:0\r\n\r\n# Shards\r\nshard0:used_memory=10\r\nshard1:used_memory=20\r\n",
    );
    // INFO cluster: the shards answer nothing, the section stands alone with Redis's CRLF.
    expect(mergeInfo(["", ""], cluster)).toBe("# Cluster\r\ncluster_enabled:1\r\ncluster_shards:2\r\ncluster_slot_moves_pending:0\r\n");
  });

  it("leaves sections without memory or keyspace alone", () => {
    expect(mergeInfo(["# Server\r\nredis_version:7.0.15\r\n", "# Server\r\nredis_version:7.0.15\r\n"])).toBe("# Server\r\nredis_version:7.0.15\r\n");
  });
});
