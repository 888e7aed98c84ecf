// The real gateway as a user starts it (`npm start -- <wrangler dev flags>`), in its own process group.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort } from "./free-port";

const REPO_ROOT = resolve(import.meta.dirname, "../..");
const START_TIMEOUT_MS = 150_000; // below the node project's 180 s hook timeout, so our message wins
const LOG_TAIL = 8_000;

export interface GatewayOptions {
  /** Directory for wrangler's local state; reuse it to restart on the same data. */
  persistDir?: string;
  port?: number;
  token?: string;
  /** Extra wrangler dev flags passed through `npm start -- …` (e.g. `--ip 127.0.0.1`). */
  extraArgs?: string[];
  /** Extra `--var NAME:VALUE` pairs. */
  vars?: Record<string, string>;
}

/**
 * One `npm start` process group. Killing npm alone leaves wrangler and workerd running
 * (TOOLCHAIN.md), so the group is started detached and killed as a whole.
 */
export class GatewayProcess {
  private log = "";
  private exited = false;

  private constructor(
    readonly url: string,
    readonly port: number,
    readonly token: string,
    readonly persistDir: string,
    private readonly options: GatewayOptions,
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      this.log = (this.log + chunk.toString()).slice(-LOG_TAIL);
    };
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    child.on("exit", () => (this.exited = true));
  }

  static async start(options: GatewayOptions = {}): Promise<GatewayProcess> {
    const port = options.port ?? (await freePort());
    const token = options.token ?? `test-token-${process.pid}-${port}`;
    const persistDir = options.persistDir ?? mkdtempSync(join(tmpdir(), "edgeslot-state-"));
    const vars = { EDGESLOT_TOKEN: token, ...options.vars };
    const args = ["start", "--", "--port", String(port), "--persist-to", persistDir];
    for (const [name, value] of Object.entries(vars)) args.push("--var", `${name}:${value}`);
    args.push(...(options.extraArgs ?? []));
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("VITEST")));
    const child = spawn("npm", args, { cwd: REPO_ROOT, detached: true, env, stdio: ["ignore", "pipe", "pipe"] });
    const gateway = new GatewayProcess(`http://127.0.0.1:${port}`, port, token, persistDir, options, child);
    try {
      await gateway.waitUntilServing();
    } catch (error) {
      // A state directory made here for a gateway that never served is nobody's to keep.
      if (!options.persistDir) rmSync(persistDir, { recursive: true, force: true });
      throw error;
    }
    return gateway;
  }

  /** Starts a fresh gateway on the same port, token and state directory (after `kill()` or `stop()`). */
  restart(): Promise<GatewayProcess> {
    return GatewayProcess.start({ ...this.options, port: this.port, token: this.token, persistDir: this.persistDir });
  }

  /** What npm, wrangler and workerd printed last; for failure messages. */
  get output(): string {
    return this.log;
  }

  /** SIGKILLs the whole process group: the closest local stand-in for a crash of the runtime. */
  async kill(): Promise<void> {
    // Even after npm itself exited, wrangler or workerd may linger in the group.
    try {
      process.kill(-this.child.pid!, "SIGKILL");
    } catch {
      // The group is already gone.
    }
    await this.waitUntilClosed();
  }

  /** A clean stop, as Ctrl+C in a terminal: SIGINT to the group, SIGKILL only if it hangs. */
  async terminate(): Promise<void> {
    if (!this.exited) {
      try {
        process.kill(-this.child.pid!, "SIGINT");
      } catch {
        return this.waitUntilClosed();
      }
      const deadline = Date.now() + 20_000;
      while (!this.exited && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await this.kill();
  }

  /** Stops the gateway and deletes its state directory. */
  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.persistDir, { recursive: true, force: true });
  }

  /** A request with the bearer token (or the given headers) against the gateway. */
  fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (!headers.has("authorization")) headers.set("authorization", `Bearer ${this.token}`);
    return fetch(this.url + path, { ...init, headers });
  }

  private async waitUntilServing(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (this.exited) throw new Error(`npm start exited before serving:\n${this.log}`);
      // wrangler stays up with a dead runtime (the port accepts and never answers): fail fast instead.
      if (this.log.includes("failed to start")) {
        await this.kill();
        throw new Error(`the Workers runtime failed to start under npm start:\n${this.log}`);
      }
      try {
        await fetch(this.url + "/", { signal: AbortSignal.timeout(2_000) });
        return;
      } catch {
        if (Date.now() > deadline) {
          await this.kill();
          throw new Error(`gateway did not answer on ${this.url} within ${START_TIMEOUT_MS} ms:\n${this.log}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  private async waitUntilClosed(): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      try {
        await fetch(this.url + "/", { signal: AbortSignal.timeout(500) });
      } catch {
        if (this.exited) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`gateway on ${this.url} still running after SIGKILL of its process group`);
  }
}
