// `npm run dev:example`: one wrangler dev process runs the example consumer and the gateway, and the
// consumer reaches the gateway through its service binding (@upstash/redis over bindingRequester).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../compat/free-port";

const REPO_ROOT = resolve(import.meta.dirname, "../..");
const START_TIMEOUT_MS = 150_000;

describe("npm run dev:example", () => {
  let child: ChildProcess;
  let url: string;
  let output = "";
  let exited = false;
  const stateDir = mkdtempSync(join(tmpdir(), "edgeslot-example-state-"));

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("VITEST")));
    // Its own process group: killing npm alone would leave wrangler and workerd running.
    child = spawn("npm", ["run", "dev:example", "--", "--port", String(port), "--persist-to", stateDir], {
      cwd: REPO_ROOT, detached: true, env, stdio: ["ignore", "pipe", "pipe"],
    });
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8_000));
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    child.on("exit", () => (exited = true));
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (exited) throw new Error(`npm run dev:example exited before serving:\n${output}`);
      try {
        await fetch(`${url}/missing`, { signal: AbortSignal.timeout(2_000) });
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`the example did not answer on ${url}:\n${output}`);
        await new Promise((done) => setTimeout(done, 250));
      }
    }
  });

  afterAll(async () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // Already gone.
    }
    const deadline = Date.now() + 15_000;
    while (!exited && Date.now() < deadline) await new Promise((done) => setTimeout(done, 100));
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("serves the consumer, which counts visits in the gateway through the binding", async () => {
    const first = await (await fetch(`${url}/`, { headers: { "user-agent": "dev-example-test" } })).json();
    expect(first).toEqual({ visits: 1, previous: null, rawVisitsBytes: [0x31] });
    const second = (await (await fetch(`${url}/`)).json()) as { visits: number; previous: { agent: string }; rawVisitsBytes: number[] };
    expect(second.visits).toBe(2);
    // The JSON object the first visit stored came back through @upstash/redis's deserialization.
    expect(second.previous).toMatchObject({ path: "/", agent: "dev-example-test" });
    expect(second.rawVisitsBytes).toEqual([0x32]);
  });
});
