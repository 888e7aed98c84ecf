// Server, connection and CLUSTER commands through `POST /`: PING, ECHO, TIME, INFO merged over shards,
// and CLUSTER's reply shapes, with a slot move queued at the coordinator.
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { COORDINATOR_NAME, type Coordinator } from "../../../shards/coordinator/coordinator";
import { moveSlots } from "../../../shards/coordinator/scaling/requests";
import type { Topology } from "../../../shards/coordinator/topology";
import { readConfig } from "../../../worker/config";
import { topologyClient } from "../../../worker/routing/execute";
import { BASE, error, keysOnShards, result, useEmptyStore } from "../gateway";

useEmptyStore();

describe("server and connection commands over HTTP", () => {
  it("PING and ECHO", async () => {
    expect(await result(["PING"])).toBe("PONG");
    expect(await result(["PING", "hello"])).toBe("hello");
    expect(await result(["ECHO", "hi there"])).toBe("hi there");
  });

  it("TIME is [seconds, microseconds] as strings", async () => {
    const [seconds, micros] = await result(["TIME"]);
    expect(Math.abs(Number(seconds) - Date.now() / 1000)).toBeLessThan(120);
    expect(Number(micros)).toBeGreaterThanOrEqual(0);
    expect(Number(micros)).toBeLessThan(1_000_000);
  });

  it("INFO sums keys and used_memory over shards and lists each shard", async () => {
    const keys = await keysOnShards();
    await result(["MSET", keys[0]!, "v", keys[1]!, "v", keys[2]!, "v"]);
    await result(["SET", keys[3]!, "v", "EX", 100]);
    const info: string = await result(["INFO"]);
    expect(info).toMatch(/^db0:keys=4,expires=1,/m);
    const used = Number(/^used_memory:(\d+)/m.exec(info)![1]);
    const perShard = [...info.matchAll(/^shard(\d):keys=(\d+),expires=(\d+),used_memory=(\d+)/gm)];
    expect(perShard.map((m) => [m[1], m[2]])).toEqual([["0", "1"], ["1", "1"], ["2", "1"], ["3", "1"]]);
    expect(perShard.reduce((sum, m) => sum + Number(m[4]), 0)).toBe(used);
    expect(await result(["INFO", "keyspace"])).toMatch(/# Keyspace/);
  });
});

describe("CLUSTER over HTTP", () => {
  it("KEYSLOT computes Redis's slots", async () => {
    expect(await result(["CLUSTER", "KEYSLOT", "foo"])).toBe(12182);
    expect(await result(["cluster", "keyslot", "{user1000}.following"])).toBe(3443);
    expect(await result(["CLUSTER", "KEYSLOT", ""])).toBe(0);
  });

  it("SLOTS lists each shard's range with ip, the request's port and a node id", async () => {
    const slots = await result(["CLUSTER", "SLOTS"]);
    expect(slots.map((s: any[]) => s.slice(0, 2))).toEqual([[0, 4095], [4096, 8191], [8192, 12287], [12288, 16383]]);
    const port = Number(new URL(BASE).port);
    for (const [, , node] of slots) {
      expect(node.slice(0, 2)).toEqual(["127.0.0.1", port]);
      expect(node[2]).toMatch(/^[0-9a-f]{40}$/);
    }
    expect(new Set(slots.map((s: any[]) => s[2][2])).size).toBe(4);
    expect(await result(["CLUSTER", "SLOTS"])).toEqual(slots);
  });

  it("SHARDS has Redis 7's shape", async () => {
    const shards = await result(["CLUSTER", "SHARDS"]);
    expect(shards).toHaveLength(4);
    const [label, range, nodesLabel, nodes] = shards[1];
    expect([label, range, nodesLabel]).toEqual(["slots", [4096, 8191], "nodes"]);
    expect(nodes[0].filter((_: unknown, i: number) => i % 2 === 0)).toEqual(["id", "port", "ip", "endpoint", "role", "replication-offset", "health"]);
    expect(nodes[0][9]).toBe("master");
  });

  it("INFO reports a healthy cluster with every slot assigned", async () => {
    const info: string = await result(["CLUSTER", "INFO"]);
    expect(info).toContain("cluster_state:ok\r\n");
    expect(info).toContain("cluster_slots_assigned:16384\r\n");
    // Four primaries and, by default, one replica each.
    expect(info).toContain("cluster_known_nodes:8\r\n");
  });

  it("NODES lists every primary and replica once, covering every slot exactly once", async () => {
    const text: string = await result(["CLUSTER", "NODES"]);
    expect(text.endsWith("\n")).toBe(true);
    const nodes = text.slice(0, -1).split("\n").map((line) => line.split(" "));
    // Four primaries and, by default, one replica each.
    expect(nodes).toHaveLength(8);
    const port = Number(new URL(BASE).port);
    const slotsIds = (await result(["CLUSTER", "SLOTS"])).map((range: any[]) => range[2][2]);
    const primaries = nodes.filter((node) => node[2] === "master");
    expect(primaries.map((node) => node[0])).toEqual(slotsIds);
    for (const [id, address, flags, master, , , epoch, link, ...slots] of nodes) {
      expect(id).toMatch(/^[0-9a-f]{40}$/);
      expect(address).toBe(`127.0.0.1:${port}@0`);
      expect([link, epoch]).toEqual(["connected", "0"]);
      if (flags === "master") expect(master).toBe("-");
      else {
        expect(flags).toBe("slave");
        expect(slotsIds).toContain(master);
        expect(slots).toEqual([]);
      }
    }
    const covered = primaries.flatMap((node) => node.slice(8)).flatMap((field) => {
      const [first, last = first] = field.split("-").map(Number);
      return Array.from({ length: last! - first! + 1 }, (_, i) => first! + i);
    });
    expect(covered.sort((a, b) => a - b)).toEqual(Array.from({ length: 16384 }, (_, i) => i));
  });

  it("INFO has a # Cluster section before # Keyspace; INFO cluster alone has only it", async () => {
    const info: string = await result(["INFO"]);
    expect(info).toMatch(/# Cluster\r\ncluster_enabled:1\r\ncluster_shards:4\r\ncluster_slot_moves_pending:0\r\n\r\n# Keyspace/);
    expect(await result(["INFO", "CLUSTER"])).toBe("# Cluster\r\ncluster_enabled:1\r\ncluster_shards:4\r\ncluster_slot_moves_pending:0\r\n");
    expect(await result(["INFO", "keyspace"])).not.toContain("# Cluster");
  });

  it("NODES, SHARDS and both INFOs show a queued slot move", async () => {
    const settings = topologyClient(env, readConfig(env)).settings;
    const coordinator = env.COORDINATOR.get(env.COORDINATOR.idFromName(COORDINATOR_NAME));
    // Queued in the coordinator's storage with no alarm to run it, so it stays pending while observed
    // (CLUSTER MOVESLOTS starts the step loop at once, and the move would finish before NODES is asked).
    const before = await runInDurableObject(coordinator, async (instance: Coordinator, state) => {
      const stored = await state.storage.get<Topology>("topology");
      const outcome = moveSlots(await instance.topology(settings), 100, 102, 2);
      if ("refused" in outcome) throw new Error(outcome.refused);
      await state.storage.deleteAlarm();
      await state.storage.put("topology", outcome.topology);
      return stored;
    });
    try {
      const nodes = ((await result(["CLUSTER", "NODES"])) as string).trim().split("\n").map((line) => line.split(" "));
      const primaries = nodes.filter((node) => node[2] === "master");
      // Slots 100..102 move from shard 0 (which owns 0-4095) to shard 2.
      const [source, target] = [primaries[0]!, primaries[2]!];
      expect(source.slice(8)).toEqual(["0-4095", ...[100, 101, 102].map((slot) => `[${slot}->-${target[0]}]`)]);
      expect(target.slice(8)).toEqual(["8192-12287", ...[100, 101, 102].map((slot) => `[${slot}-<-${source[0]}]`)]);
      expect((await result(["CLUSTER", "SHARDS"]))[0][5]).toEqual(["100-102->2"]);
      expect(await result(["CLUSTER", "INFO"])).toContain("cluster_slot_moves_pending:1\r\n");
      expect(await result(["INFO", "cluster"])).toContain("cluster_slot_moves_pending:1\r\n");
    } finally {
      await runInDurableObject(coordinator, async (_: Coordinator, state) => {
        if (before) await state.storage.put("topology", before);
        else await state.storage.delete("topology");
      });
      // The gateway's cached copy is refreshed from the restored one.
      expect(await result(["INFO", "cluster"])).toContain("cluster_slot_moves_pending:0\r\n");
    }
  });

  it("COUNTKEYSINSLOT and GETKEYSINSLOT ask the slot's owner", async () => {
    await result(["MSET", "{foo}a", "1", "{foo}b", "2", "bar", "3"]);
    expect(await result(["CLUSTER", "COUNTKEYSINSLOT", 12182])).toBe(2);
    expect((await result(["CLUSTER", "GETKEYSINSLOT", 12182, 10])).sort()).toEqual(["{foo}a", "{foo}b"]);
    expect(await result(["CLUSTER", "GETKEYSINSLOT", 12182, 1])).toHaveLength(1);
    expect(await result(["CLUSTER", "COUNTKEYSINSLOT", 0])).toBe(0);
  });

  it("subcommand errors have Redis's text", async () => {
    expect(await error(["CLUSTER"])).toBe("ERR wrong number of arguments for 'cluster' command");
    expect(await error(["CLUSTER", "NOPE"])).toBe("ERR unknown subcommand 'NOPE'. Try CLUSTER HELP.");
    expect(await error(["CLUSTER", "KEYSLOT"])).toBe("ERR wrong number of arguments for 'cluster|keyslot' command");
    expect(await error(["CLUSTER", "COUNTKEYSINSLOT", "x"])).toBe("ERR value is not an integer or out of range");
  });
});
