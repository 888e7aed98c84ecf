// A throwaway redis-server 7 (the differential oracle) on a free loopback port, and what to do when it is missing.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { freePort } from "./free-port";
import { RespClient } from "./resp-client";

const CANDIDATES = [
  ...(process.env.PATH ?? "").split(delimiter).filter(Boolean).map((dir) => join(dir, "redis-server")),
  "/usr/bin/redis-server",
  "/usr/local/bin/redis-server",
];

/** Where redis-server lives (EDGESLOT_REDIS_SERVER overrides), or null when it is not installed. */
export function redisServerPath(): string | null {
  const override = process.env.EDGESLOT_REDIS_SERVER;
  if (override) return existsSync(override) ? override : null;
  return CANDIDATES.find((path) => existsSync(path)) ?? null;
}

/**
 * Decides whether the differential suites run. Missing redis-server skips them with a loud banner;
 * with EDGESLOT_REQUIRE_REDIS=1 (CI) the caller must fail instead, so the oracle can't silently vanish.
 */
export function redisAvailability(): { available: true; path: string } | { available: false; required: boolean } {
  const path = redisServerPath();
  if (path) return { available: true, path };
  const required = process.env.EDGESLOT_REQUIRE_REDIS === "1";
  if (!required) {
    const bar = "!".repeat(78);
    console.warn(
      `\n${bar}\n!! redis-server NOT FOUND (looked on PATH, in /usr/bin and /usr/local/bin, or EDGESLOT_REDIS_SERVER).\n` +
        `!! The differential tests against Redis 7 are SKIPPED.\n` +
        `!! Install it with:  apt-get install -y redis-server   (or set EDGESLOT_REDIS_SERVER)\n` +
        `!! Set EDGESLOT_REQUIRE_REDIS=1 to make its absence a failure (CI does).\n${bar}\n`,
    );
  }
  return { available: false, required };
}

export const MISSING_REDIS_MESSAGE =
  "redis-server is required (EDGESLOT_REQUIRE_REDIS=1) but was not found: apt-get install -y redis-server";

/** A running redis-server with no persistence; `stop()` kills it. */
export class RedisServer {
  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
  ) {}

  static async start(path = redisServerPath()): Promise<RedisServer> {
    if (!path) throw new Error(MISSING_REDIS_MESSAGE);
    const port = await freePort();
    const child = spawn(
      path,
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const server = new RedisServer(port, child);
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}):\n${output}`);
      try {
        const client = await RespClient.connect(port);
        await client.call("PING");
        client.close();
        return server;
      } catch (error) {
        if (Date.now() > deadline) {
          server.stop();
          throw new Error(`redis-server did not answer on port ${port}: ${String(error)}\n${output}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  connect(): Promise<RespClient> {
    return RespClient.connect(this.port);
  }

  stop(): void {
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
  }
}
