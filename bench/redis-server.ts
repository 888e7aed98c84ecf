// A throwaway redis-server for baselines: installed from Debian packages when missing, started on a
// free loopback port with no persistence, stopped when the bench is done.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createConnection, createServer, type Socket } from "node:net";

export const REDIS_SERVER = "/usr/bin/redis-server";
const BENCHMARK = "/usr/bin/redis-benchmark";

/** Installs redis-server and redis-tools (redis-benchmark) with apt-get when either is missing. */
export function ensureRedisInstalled(log: (line: string) => void): { server: string; benchmark: string } {
  if (!existsSync(REDIS_SERVER) || !existsSync(BENCHMARK)) {
    log("installing redis-server and redis-tools (apt-get)…");
    const install = () => execFileSync("apt-get", ["install", "-y", "redis-server", "redis-tools"], { stdio: "ignore" });
    try {
      install();
    } catch {
      execFileSync("apt-get", ["update"], { stdio: "ignore" });
      install();
    }
  }
  return { server: REDIS_SERVER, benchmark: BENCHMARK };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export class RedisServer {
  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
    private readonly socket: Socket,
  ) {}

  static async start(path: string): Promise<RedisServer> {
    const port = await freePort();
    const child = spawn(path, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
      stdio: "ignore",
    });
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        const socket = await connect(port);
        return new RedisServer(port, child, socket);
      } catch (error) {
        if (child.exitCode !== null || Date.now() > deadline) {
          child.kill("SIGKILL");
          throw new Error(`redis-server did not start on port ${port}: ${String(error)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  /** Sends RESP bytes and resolves with the reply bytes once `replyBytes` of them have arrived. */
  send(request: Uint8Array, replyBytes: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let received = 0;
      const onData = (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
        if (received >= replyBytes) {
          this.socket.off("data", onData);
          this.socket.off("error", reject);
          resolve(Buffer.concat(chunks));
        }
      };
      this.socket.on("data", onData);
      this.socket.once("error", reject);
      this.socket.write(request);
    });
  }

  /** One inline command whose reply is a single bulk string (INFO) or status line. */
  async command(...args: string[]): Promise<string> {
    const request = args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join("");
    const reply = await this.sendUntilComplete(Buffer.from(`*${args.length}\r\n${request}`));
    return reply.toString("utf8");
  }

  /** `INFO memory`'s used_memory, in bytes. */
  async usedMemory(): Promise<number> {
    const info = await this.command("INFO", "memory");
    const match = /^used_memory:(\d+)/m.exec(info);
    if (!match) throw new Error(`no used_memory in INFO: ${info.slice(0, 200)}`);
    return Number(match[1]);
  }

  stop(): void {
    this.socket.destroy();
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
  }

  private sendUntilComplete(request: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      let reply = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        reply = Buffer.concat([reply, chunk]);
        if (isCompleteReply(reply)) {
          this.socket.off("data", onData);
          this.socket.off("error", reject);
          resolve(reply);
        }
      };
      this.socket.on("data", onData);
      this.socket.once("error", reject);
      this.socket.write(request);
    });
  }
}

function connect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.off("error", reject);
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once("error", reject);
  });
}

/** Status, error, integer or bulk reply fully received (enough for the commands sent here). */
function isCompleteReply(reply: Buffer): boolean {
  const lineEnd = reply.indexOf("\r\n");
  if (lineEnd < 0) return false;
  if (reply[0] !== 0x24 /* $ */) return true;
  const length = Number(reply.subarray(1, lineEnd).toString());
  return length < 0 || reply.length >= lineEnd + 2 + length + 2;
}
