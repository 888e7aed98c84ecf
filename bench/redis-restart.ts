// The cold-start baseline: redis-server loaded with a data set, SAVEd to an RDB, SIGKILLed and started
// again on it, timed from spawn until a probe command on the loaded data answers as expected.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RespClient, type Command } from "../test/compat/resp-client";
import { ReplyError, type Reply } from "../worker/wire/resp";
import { ensureRedisInstalled, freePort } from "./redis-server";

export interface RestartCase {
  /** The data set, as pipelined batches of commands (every reply checked for errors). */
  batches: Iterable<readonly Command[]>;
  probe: Command;
  /** True for the probe's reply once the data is back; an error reply other than LOADING fails the run. */
  accept: (reply: Reply) => boolean;
  restarts: number;
}

/** ms from spawn until the probe answers, one per restart. */
export async function redisRestartMs({ batches, probe, accept, restarts }: RestartCase, log: (line: string) => void): Promise<number[]> {
  const path = ensureRedisInstalled(log).server;
  const dir = mkdtempSync(join(tmpdir(), "edgeslot-rdb-"));
  const port = await freePort();
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no"];
  let child: ChildProcess | null = null;
  try {
    child = spawn(path, args, { stdio: "ignore" });
    const client = await connectWhenListening(port, child);
    for (const batch of batches) {
      const failed = (await client.send(batch)).find((reply) => reply instanceof ReplyError);
      if (failed) throw new Error(`redis-server refused the data set: ${(failed as ReplyError).message}`);
    }
    await client.call("SAVE");
    client.close();
    const times: number[] = [];
    for (let round = 0; round < restarts; round++) {
      await killAndWait(child);
      const started = performance.now();
      child = spawn(path, args, { stdio: "ignore" });
      const restarted = await connectWhenListening(port, child);
      for (;;) {
        const reply = await restarted.call(...probe);
        if (accept(reply)) break;
        if (!(reply instanceof ReplyError && reply.message.startsWith("LOADING"))) {
          throw new Error(`redis-server answered ${probe.join(" ").slice(0, 60)} with ${reply instanceof ReplyError ? reply.message : String(reply).slice(0, 100)} after restart`);
        }
        await new Promise((resolve) => setTimeout(resolve, 1)); // the RDB is still being read
      }
      times.push(performance.now() - started);
      restarted.close();
    }
    return times;
  } finally {
    if (child) await killAndWait(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function connectWhenListening(port: number, child: ChildProcess): Promise<RespClient> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await RespClient.connect(port);
    } catch (error) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not listen on ${port}: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
}

function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}
