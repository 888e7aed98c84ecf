// webdis (HTTP → redis-server), the HTTP baseline: installed from Debian when missing, started on a free
// loopback port with a generated config pointing at a throwaway redis-server, killed when done.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureDebianPackage } from "./debian";
import { freePort } from "./redis-server";

const WEBDIS = "/usr/bin/webdis";

export class Webdis {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {}

  static async start(redisPort: number, log: (line: string) => void): Promise<Webdis> {
    ensureDebianPackage(WEBDIS, "webdis", log);
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), "edgeslot-webdis-"));
    const config = join(dir, "webdis.json");
    writeFileSync(
      config,
      JSON.stringify({
        redis_host: "127.0.0.1",
        redis_port: redisPort,
        redis_auth: null,
        http_host: "127.0.0.1",
        http_port: port,
        // Debian's default; the machine has two cores, shared with redis-server and the load generator.
        threads: 2,
        daemonize: false,
        database: 0,
        verbosity: 0,
        logfile: join(dir, "webdis.log"),
      }),
    );
    const child = spawn(WEBDIS, [config], { stdio: "ignore" });
    const webdis = new Webdis(`http://127.0.0.1:${port}`, child, dir);
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null) {
        const output = readLog(dir);
        webdis.stop();
        throw new Error(`webdis exited (${child.exitCode}): ${output}`);
      }
      try {
        const reply = await (await fetch(`${webdis.url}/PING`, { signal: AbortSignal.timeout(1_000) })).text();
        if (reply.includes("PONG")) return webdis;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        webdis.stop();
        throw new Error(`webdis did not answer PING on ${webdis.url}: ${readLog(dir)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  stop(): void {
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function readLog(dir: string): string {
  try {
    return readFileSync(join(dir, "webdis.log"), "utf8").slice(-2_000);
  } catch {
    return "(no log)";
  }
}
