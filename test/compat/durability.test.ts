// No acknowledged write is lost when the local runtime is SIGKILLed under load, nor across a clean restart.
import { afterAll, describe, expect, it } from "vitest";
import { GatewayProcess } from "./gateway-process";
import { findLostWrites, runWriters, type Acknowledged } from "./write-load";

const WRITERS = 8;
const KILL_AFTER_ACKS = 400;
const KILL_ROUNDS = 2;

describe("durability of the local runtime", () => {
  let gateway: GatewayProcess | undefined;
  afterAll(async () => {
    await gateway?.stop();
  });

  it("keeps every acknowledged SET, INCR and APPEND after SIGKILLs of the whole runtime mid-stream", async () => {
    gateway = await GatewayProcess.start();
    const rounds: Acknowledged[] = [];
    for (let round = 0; round < KILL_ROUNDS; round++) {
      const running: GatewayProcess = gateway;
      let killed = false;
      let killing: Promise<void> | undefined;
      const acked = await runWriters(
        running,
        `r${round}`,
        WRITERS,
        (progress) => {
          // Kill while every writer still has a request in flight.
          if (!killing && progress.total >= KILL_AFTER_ACKS) {
            killed = true;
            killing = running.kill();
          }
        },
        () => killed,
      );
      await killing;
      console.log(
        `durability round ${round}: SIGKILL after ${acked.total} acknowledged requests ` +
          `(${acked.sets.size} SETs, ${acked.counters.size} counters, ${acked.appends.size} append logs), ${WRITERS} writers in flight`,
      );
      expect(acked.total).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
      rounds.push(acked);

      gateway = await running.restart();
      // Everything acknowledged in this round and every earlier one survives.
      for (const earlier of rounds) {
        const lost = await findLostWrites(gateway, earlier);
        expect(lost, `${lost.length} acknowledged write(s) lost of ${earlier.total}:\n${lost.slice(0, 30).join("\n")}`).toEqual([]);
      }
    }
    // Three starts of the local runtime (each a wrangler dev boot and a recovery of every shard and
    // replica): about 70 s alone on 2 cores, more when the machine is shared.
  }, 240_000);

  it("keeps everything across a clean stop and restart, a 3 MB value included", async () => {
    gateway ??= await GatewayProcess.start();
    // Over the 2 MB storage row limit, so the checkpoint must chunk it.
    const big = Array.from({ length: 3 * 1024 * 1024 }, (_, i) => String.fromCharCode(97 + (i % 26))).join("");
    const write = await gateway.fetch("/pipeline", {
      method: "POST",
      body: JSON.stringify([["SET", "clean:a", "1"], ["INCRBY", "clean:n", "5"], ["SET", "clean:ttl", "v", "EX", "1000"], ["SET", "clean:big", big]]),
    });
    expect(await write.json()).toEqual([{ result: "OK" }, { result: 5 }, { result: "OK" }, { result: "OK" }]);
    await gateway.terminate();
    gateway = await gateway.restart();
    const read = await gateway.fetch("/pipeline", {
      method: "POST",
      body: JSON.stringify([["GET", "clean:a"], ["INCR", "clean:n"], ["TTL", "clean:ttl"]]),
    });
    const [a, n, ttl] = (await read.json()) as { result: unknown }[];
    const bigRead = await gateway.fetch("/", { method: "POST", body: JSON.stringify(["GET", "clean:big"]) });
    const bigValue = ((await bigRead.json()) as { result: string }).result;
    expect(bigValue.length).toBe(big.length);
    expect(bigValue === big, "the 3 MB value came back byte for byte").toBe(true);
    expect(a).toEqual({ result: "1" });
    expect(n).toEqual({ result: 6 });
    expect(ttl!.result).toBeGreaterThan(0);
    expect(ttl!.result).toBeLessThanOrEqual(1000);
  });
});
