// Concurrent writers over HTTP that remember exactly which writes the gateway acknowledged.
import type { GatewayProcess } from "./gateway-process";

/** What the gateway acknowledged before the lights went out. */
export interface Acknowledged {
  /** key → value of every acknowledged SET (each key is written once). */
  sets: Map<string, string>;
  /** counter key → highest INCR reply acknowledged. */
  counters: Map<string, number>;
  /** log key → the concatenation of every acknowledged APPEND, in order (one writer per key). */
  appends: Map<string, string>;
  total: number;
}

/**
 * Runs `writers` loops of SET / INCR / APPEND (single commands and small pipelines) until `stop()`
 * resolves; a write counts only once its HTTP reply arrived with the expected result.
 */
export async function runWriters(
  gateway: GatewayProcess,
  round: string,
  writers: number,
  onAck: (acked: Acknowledged) => void,
  stopped: () => boolean,
): Promise<Acknowledged> {
  const acked: Acknowledged = { sets: new Map(), counters: new Map(), appends: new Map(), total: 0 };
  const post = async (path: string, body: unknown): Promise<unknown> => {
    const response = await gateway.fetch(path, { method: "POST", body: JSON.stringify(body) });
    if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
    return response.json();
  };
  const writer = async (w: number) => {
    for (let i = 0; !stopped(); i++) {
      const setKey = `dur:${round}:set:${w}:${i}`;
      const setValue = `v${w}.${i}.${"x".repeat(i % 7)}`;
      const counter = `dur:${round}:ctr:${w}:${i % 3}`;
      const log = `dur:${round}:log:${w}`;
      try {
        if (i % 2 === 0) {
          const reply = (await post("/", ["SET", setKey, setValue])) as { result?: unknown };
          if (reply.result === "OK") acked.sets.set(setKey, setValue);
        } else {
          const replies = (await post("/pipeline", [
            ["INCR", counter],
            ["APPEND", log, `${i},`],
            ["SET", setKey, setValue],
          ])) as { result?: unknown }[];
          const [incr, append, set] = replies;
          if (typeof incr?.result === "number") acked.counters.set(counter, Math.max(acked.counters.get(counter) ?? 0, incr.result));
          if (typeof append?.result === "number") acked.appends.set(log, (acked.appends.get(log) ?? "") + `${i},`);
          if (set?.result === "OK") acked.sets.set(setKey, setValue);
        }
        acked.total++;
        onAck(acked);
      } catch {
        // In flight when the runtime died: not acknowledged, so nothing is promised about it.
        if (stopped()) return;
      }
    }
  };
  await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
  return acked;
}

/** Every acknowledged write that the gateway no longer shows, as readable lines (empty = none lost). */
export async function findLostWrites(gateway: GatewayProcess, acked: Acknowledged): Promise<string[]> {
  const lost: string[] = [];
  const read = async (keys: string[]): Promise<(string | null)[]> => {
    const values: (string | null)[] = [];
    for (let i = 0; i < keys.length; i += 200) {
      const response = await gateway.fetch("/", { method: "POST", body: JSON.stringify(["MGET", ...keys.slice(i, i + 200)]) });
      const body = (await response.json()) as { result?: (string | null)[]; error?: string };
      if (!body.result) throw new Error(`MGET failed: ${JSON.stringify(body)}`);
      values.push(...body.result);
    }
    return values;
  };
  const setKeys = [...acked.sets.keys()];
  (await read(setKeys)).forEach((value, i) => {
    const want = acked.sets.get(setKeys[i]!)!;
    if (value !== want) lost.push(`SET ${setKeys[i]}: acknowledged ${JSON.stringify(want)}, found ${JSON.stringify(value)}`);
  });
  const counterKeys = [...acked.counters.keys()];
  (await read(counterKeys)).forEach((value, i) => {
    const want = acked.counters.get(counterKeys[i]!)!;
    if (value === null || Number(value) < want) lost.push(`INCR ${counterKeys[i]}: acknowledged ${want}, found ${value}`);
  });
  const logKeys = [...acked.appends.keys()];
  (await read(logKeys)).forEach((value, i) => {
    const want = acked.appends.get(logKeys[i]!)!;
    if (value === null || !value.startsWith(want)) lost.push(`APPEND ${logKeys[i]}: acknowledged prefix ${JSON.stringify(want)}, found ${JSON.stringify(value)}`);
  });
  return lost;
}
