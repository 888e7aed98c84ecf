// wrk as the HTTP load generator: a Lua script per workload, run for a fixed time, its summary parsed.
// Every request it sends goes to a server this bench started on loopback.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ensureDebianPackage } from "./debian";

const run = promisify(execFile);
const WRK = "/usr/bin/wrk";

export interface WrkRequest {
  method: "GET" | "POST";
  path: string;
  body?: string;
}

export interface WrkLoad {
  /** Base URL, e.g. http://127.0.0.1:8787 (loopback only). */
  url: string;
  /** Requests sent in rotation, one after another on each connection. */
  requests: readonly WrkRequest[];
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
  /** For a floor probe that is meant to be refused (e.g. no token → 401): non-2xx answers are not errors. */
  refusalsExpected?: boolean;
}

export interface WrkResult {
  requestsPerSecond: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx/3xx answers plus socket errors; a load with any is refused by `runWrk`. */
  errors: string | null;
}

export function ensureWrk(log: (line: string) => void): void {
  ensureDebianPackage(WRK, "wrk", log);
}

/** Runs wrk (one thread: the machine has two cores, shared with the server under test) and parses its summary. */
export async function runWrk(load: WrkLoad): Promise<WrkResult> {
  if (!/^http:\/\/(127\.\d+\.\d+\.\d+|localhost)(:\d+)?$/.test(load.url)) throw new Error(`wrk targets loopback only, not ${load.url}`);
  const dir = mkdtempSync(join(tmpdir(), "edgeslot-wrk-"));
  try {
    const script = join(dir, "load.lua");
    writeFileSync(script, luaScript(load));
    const args = ["-t1", `-c${load.connections}`, `-d${load.seconds}s`, "--timeout", "60s", "--latency", "-s", script, load.url];
    const { stdout } = await run(WRK, args, { maxBuffer: 16 * 1024 * 1024, timeout: (load.seconds + 90) * 1000 });
    const result = parseWrk(stdout, load.refusalsExpected ?? false);
    if (result.errors) throw new Error(`wrk saw errors against ${load.url}: ${result.errors}\n${stdout}`);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function luaScript(load: WrkLoad): string {
  const quote = (text: string) => JSON.stringify(text); // a JSON string literal is a valid Lua string for this ASCII
  const headers = Object.entries(load.headers ?? {}).map(([name, value]) => `  [${quote(name)}] = ${quote(value)},`);
  const requests = load.requests.map((request) => `  { ${quote(request.method)}, ${quote(request.path)}, ${request.body === undefined ? "nil" : quote(request.body)} },`);
  return [
    `local headers = {\n${headers.join("\n")}\n}`,
    `local requests = {\n${requests.join("\n")}\n}`,
    // Pre-format every request once (wrk calls request() per request, on the load generator's hot path),
    // in init(): only there is wrk.host known, and without a Host header wrangler answers 400.
    "local formatted = {}",
    "init = function(args)",
    "  for i, r in ipairs(requests) do formatted[i] = wrk.format(r[1], r[2], headers, r[3]) end",
    "end",
    "local index = 0",
    "request = function()",
    "  index = index % #formatted + 1",
    "  return formatted[index]",
    "end",
  ].join("\n");
}

function parseWrk(stdout: string, refusalsExpected: boolean): WrkResult {
  const number = (pattern: RegExp) => {
    const match = pattern.exec(stdout);
    if (!match) throw new Error(`unexpected wrk output (no ${pattern}):\n${stdout}`);
    return match;
  };
  const errors: string[] = [];
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(stdout);
  if (non2xx && !refusalsExpected) errors.push(`${non2xx[1]} non-2xx/3xx responses`);
  const socket = /Socket errors: (.*)/.exec(stdout);
  if (socket) errors.push(`socket errors: ${socket[1]}`);
  return {
    requestsPerSecond: Number(number(/Requests\/sec:\s+([\d.]+)/)[1]),
    requests: Number(number(/(\d+) requests in/)[1]),
    p50Ms: milliseconds(number(/50%\s+([\d.]+)(us|ms|s|m)\b/)),
    p99Ms: milliseconds(number(/99%\s+([\d.]+)(us|ms|s|m)\b/)),
    errors: errors.length > 0 ? errors.join("; ") : null,
  };
}

function milliseconds(match: RegExpExecArray): number {
  const value = Number(match[1]);
  const unit = match[2];
  return unit === "us" ? value / 1000 : unit === "ms" ? value : unit === "s" ? value * 1000 : value * 60_000;
}
