// Continuous mixed load through the gateway for scale-out tests: several clients, each writing its own
// keys (strings, counters, hashes, sorted sets, scripts, pipelines, cross-shard MSETs) in turn, and a
// model of every acknowledged write to check the cluster against afterwards.
import { expect } from "vitest";

/** An answer as the Upstash HTTP API gives it: the status and the parsed JSON body. */
export interface LoadAnswer {
  readonly status: number;
  readonly json: any;
}

/** How the load reaches a gateway (over HTTP from Node, or inside workerd). */
export interface LoadClient {
  call(args: string[]): Promise<LoadAnswer>;
  pipeline(commands: string[][]): Promise<LoadAnswer>;
  multiExec(commands: string[][]): Promise<LoadAnswer>;
}

type Value = { kind: "string"; value: string } | { kind: "hash"; fields: Map<string, string> } | { kind: "zset"; members: Map<string, number> };

/** Every acknowledged write, per key; a key written by one client only, so the model is exact. */
export class WriteModel {
  readonly keys = new Map<string, Value>();
  /** Keys a failed write may or may not have changed (a fault's unknown outcome): no longer written
   * or checked. Only fault tests have any. */
  readonly uncertain = new Set<string>();

  forget(keys: readonly string[]): void {
    for (const key of keys) {
      this.keys.delete(key);
      this.uncertain.add(key);
    }
  }

  setString(key: string, value: string): void {
    this.keys.set(key, { kind: "string", value });
  }

  incr(key: string, by: number): number {
    const current = this.keys.get(key);
    const next = (current?.kind === "string" ? Number(current.value) : 0) + by;
    this.keys.set(key, { kind: "string", value: String(next) });
    return next;
  }

  hset(key: string, field: string, value: string): void {
    const current = this.keys.get(key);
    const fields = current?.kind === "hash" ? current.fields : new Map<string, string>();
    fields.set(field, value);
    this.keys.set(key, { kind: "hash", fields });
  }

  zadd(key: string, member: string, score: number): void {
    const current = this.keys.get(key);
    const members = current?.kind === "zset" ? current.members : new Map<string, number>();
    members.set(member, score);
    this.keys.set(key, { kind: "zset", members });
  }
}

const SCRIPT = "redis.call('INCRBY', KEYS[1], ARGV[1]); redis.call('HSET', KEYS[2], ARGV[2], ARGV[3]); return redis.call('GET', KEYS[1])";

export interface LoadStats {
  requests: number;
  /** Every reply that was an error, or a request not answered 200: the tests expect none. */
  errors: string[];
}

/**
 * One client's loop until `stop()` says so: each iteration sends one request (a single command, a
 * pipeline, a script, or a MULTI/EXEC) and records what was acknowledged. Keys are `<prefix><n>` for
 * n below `keys`, spread over all slots; scripts use hash tags.
 */
export async function runClient(prefix: string, keys: number, model: WriteModel, stats: LoadStats, stop: () => boolean, client: LoadClient): Promise<void> {
  for (let i = 0; !stop(); i++) {
    const n = (i * 7919) % keys;
    const kind = i % 6;
    const key = (type: string, offset = 0) => `${prefix}${type}${(n + offset) % keys}`;
    const tag = `{${prefix}e${n}}`;
    const touched = [
      [key("s")],
      [key("n")],
      [key("h"), key("z"), key("s", 1), key("n", 2)],
      [`${tag}c`, `${tag}h`],
      [key("s", 3), key("s", 4)],
      [key("z", 5)],
    ][kind]!;
    if (touched.some((name) => model.uncertain.has(name))) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      continue;
    }
    /** Whether the request was answered with no error; a failed one leaves its keys' state unknown. */
    const acknowledged = (what: string, answer: { status: number; json: any }) => {
      stats.requests++;
      const replies = Array.isArray(answer.json) ? (answer.json as { error?: string }[]) : [answer.json as { error?: string }];
      const failed = answer.status !== 200 || replies.some((reply) => reply?.error !== undefined);
      if (failed) {
        stats.errors.push(`${what} → ${answer.status} ${JSON.stringify(answer.json)}`);
        model.forget(touched);
      }
      return !failed;
    };
    if (kind === 0) {
      const answer = await client.call(["SET", touched[0]!, `v${i}`]);
      if (acknowledged("SET", answer)) model.setString(touched[0]!, `v${i}`);
    } else if (kind === 1) {
      const answer = await client.call(["INCRBY", touched[0]!, "3"]);
      if (acknowledged("INCRBY", answer)) expect(answer.json.result).toBe(model.incr(touched[0]!, 3));
    } else if (kind === 2) {
      const [hash, zset, string, counter] = touched as [string, string, string, string];
      const commands = [
        ["HSET", hash, `f${i % 5}`, `x${i}`],
        ["ZADD", zset, String(i), `m${i % 7}`],
        ["SET", string, `p${i}`],
        ["INCRBY", counter, "1"],
      ];
      const answer = await client.pipeline(commands);
      if (acknowledged("pipeline", answer)) {
        model.hset(hash, `f${i % 5}`, `x${i}`);
        model.zadd(zset, `m${i % 7}`, i);
        model.setString(string, `p${i}`);
        expect(answer.json[3].result).toBe(model.incr(counter, 1));
      }
    } else if (kind === 3) {
      const answer = await client.call(["EVAL", SCRIPT, "2", `${tag}c`, `${tag}h`, "2", `f${i % 3}`, `y${i}`]);
      if (acknowledged("EVAL", answer)) {
        expect(answer.json.result).toBe(String(model.incr(`${tag}c`, 2)));
        model.hset(`${tag}h`, `f${i % 3}`, `y${i}`);
      }
    } else if (kind === 4) {
      // Keys on different shards: the cross-shard transaction protocol, during moves too.
      const [a, b] = touched as [string, string];
      const answer = await client.call(["MSET", a, `m${i}`, b, `m${i}`]);
      if (acknowledged("MSET", answer)) {
        model.setString(a, `m${i}`);
        model.setString(b, `m${i}`);
      }
    } else {
      const answer = await client.multiExec([["ZADD", touched[0]!, String(-i), "t"], ["ZINCRBY", touched[0]!, "1", "t"]]);
      if (acknowledged("MULTI/EXEC", answer)) model.zadd(touched[0]!, "t", -i + 1);
    }
  }
}

/** Reads every key of the model back through the gateway and compares. */
export async function checkModel(model: WriteModel, client: LoadClient): Promise<void> {
  const entries = [...model.keys];
  for (let at = 0; at < entries.length; at += 200) {
    const slice = entries.slice(at, at + 200);
    const commands = slice.map(([key, value]) =>
      value.kind === "string" ? ["GET", key] : value.kind === "hash" ? ["HGETALL", key] : ["ZRANGE", key, "0", "-1", "WITHSCORES"],
    );
    const answer = await client.pipeline(commands);
    expect(answer.status).toBe(200);
    slice.forEach(([key, value], i) => {
      const reply = answer.json[i].result;
      if (value.kind === "string") expect(reply, key).toBe(value.value);
      else if (value.kind === "hash") expect(toMap(reply), key).toEqual(value.fields);
      else expect(toScores(reply), key).toEqual(value.members);
    });
  }
}

function toMap(flat: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i < flat.length; i += 2) map.set(flat[i]!, flat[i + 1]!);
  return map;
}

function toScores(flat: string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (let i = 0; i < flat.length; i += 2) map.set(flat[i]!, Number(flat[i + 1]!));
  return map;
}
