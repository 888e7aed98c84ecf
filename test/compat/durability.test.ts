// No acknowledged write is lost when the local runtime is SIGKILLed under load, nor across a clean restart.
import { afterAll, describe, expect, it } from "vitest";
import { GatewayProcess } from "./gateway-process";
import { findLostWrites, runWriters } from "./write-load";

const WRITERS = 8;
const KILL_AFTER_ACKS = 400;

describe("durability of the local runtime", () => {
  let gateway: GatewayProcess | undefined;
  afterAll(async () => {
    await gateway?.stop();
  });

  it("keeps every acknowledged SET, INCR and APPEND after a SIGKILL of the whole runtime mid-stream", async () => {
    gateway = await GatewayProcess.start();
    const running = gateway;
    let killed = false;
    let killing: Promise<void> | undefined;
    const acked = await runWriters(
      running,
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
      `durability: SIGKILL after ${acked.total} acknowledged requests ` +
        `(${acked.sets.size} SETs, ${acked.counters.size} counters, ${acked.appends.size} append logs), ${WRITERS} writers in flight`,
    );
    expect(acked.total).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);

    gateway = await running.restart();
    const lost = await findLostWrites(gateway, acked);
    expect(lost, `${lost.length} acknowledged write(s) lost of ${acked.total}:\n${lost.slice(0, 30).join("\n")}`).toEqual([]);
  });

  it("keeps everything across a clean stop and restart, and keeps serving writes after it", async () => {
    gateway ??= await GatewayProcess.start();
    const write = await gateway.fetch("/pipeline", {
      method: "POST",
      body: JSON.stringify([["SET", "clean:a", "1"], ["INCRBY", "clean:n", "5"], ["SET", "clean:ttl", "v", "EX", "1000"]]),
    });
    expect(await write.json()).toEqual([{ result: "OK" }, { result: 5 }, { result: "OK" }]);
    await gateway.terminate();
    gateway = await gateway.restart();
    const read = await gateway.fetch("/pipeline", {
      method: "POST",
      body: JSON.stringify([["GET", "clean:a"], ["INCR", "clean:n"], ["TTL", "clean:ttl"]]),
    });
    const [a, n, ttl] = (await read.json()) as { result: unknown }[];
    expect(a).toEqual({ result: "1" });
    expect(n).toEqual({ result: 6 });
    expect(ttl!.result).toBeGreaterThan(900);
  });
});
