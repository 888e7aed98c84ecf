// What a result was measured on: the machine, its load, and the versions of everything in the path.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg, totalmem } from "node:os";

export interface Machine {
  /** The commit, the source files that differed from it, and hashes of the built modules measured. */
  source: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  loadAverage: string;
  /** The load average when the suites had run: with the start's, what else shared the cores meanwhile. */
  loadAverageAtEnd: string;
  /** Whether other work was loading the cores: a one-minute load of one or more before any suite ran. */
  loaded: boolean;
  versions: Record<string, string>;
}

/** What is read before the suites run: the load, and the source and built modules being measured. */
export interface StartState {
  load: readonly number[];
  source: string;
}

export function startState(): StartState {
  return { load: loadavg(), source: describeSource() };
}

/** Versions are read after the suites ran: redis may have been installed by then. */
export function describeMachine(redisServer: string | null, start: StartState): Machine {
  const cpuinfo = readText("/proc/cpuinfo");
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? "unknown";
  return {
    source: start.source,
    cpus: nproc(),
    cpuModel,
    memoryGiB: totalmem() / 2 ** 30,
    loadAverage: start.load
      .map((load) => load.toFixed(2))
      .join(" "),
    loadAverageAtEnd: loadavg()
      .map((load) => load.toFixed(2))
      .join(" "),
    loaded: start.load[0] >= 1,
    versions: {
      node: process.version,
      wrangler: packageVersion("wrangler"),
      miniflare: packageVersion("miniflare"),
      workerd: packageVersion("workerd"),
      assemblyscript: packageVersion("assemblyscript"),
      "cluster-key-slot": packageVersion("cluster-key-slot"),
      "redis-server": redisServer ? redisVersion(redisServer) : "not installed",
    },
  };
}

export function machineLines(machine: Machine): string[] {
  const versions = Object.entries(machine.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(", ");
  return [
    `- Machine: ${machine.cpus} CPUs (nproc), ${machine.cpuModel}, ${machine.memoryGiB.toFixed(1)} GiB RAM; ` +
      `load average at start ${machine.loadAverage}, at end ${machine.loadAverageAtEnd} (the bench's own processes included; the cores are shared, and the load generators run on them too)` +
      (machine.loaded ? "; a loaded machine: other work used the cores during this run, so absolute figures are low and ratios noisier." : "."),
    `- Versions: ${versions}.`,
    `- Source: ${machine.source}.`,
  ];
}

function describeSource(): string {
  // Not trimmed: porcelain lines start with a status column that may be a space.
  const git = (...args: string[]) => execFileSync("git", args, { encoding: "utf8" });
  let commit = "not a git checkout";
  let changed: string[] = [];
  try {
    commit = `commit ${git("rev-parse", "--short", "HEAD").trim()}`;
    changed = git("status", "--porcelain", "--untracked-files=all", "--", "wasm/assembly", "wasm/host.ts", "shards", "worker")
      .split("\n")
      .filter(Boolean)
      .map((line) => line.slice(3));
  } catch {
    // git missing: the module hashes below still identify what ran.
  }
  const modules = ["core", "slot"].map((name) => `${name}.wasm sha256:${sha256(`wasm/build/${name}.wasm`)}`).join(", ");
  const dirty = changed.length === 0 ? "clean" : `plus uncommitted changes to ${changed.join(", ")}`;
  return `${commit} (${dirty}); ${modules}`;
}

function sha256(path: string): string {
  try {
    return createHash("sha256").update(readFileSync(path)).digest("hex").slice(0, 12);
  } catch {
    return "missing";
  }
}

function nproc(): number {
  try {
    return Number(execFileSync("nproc", { encoding: "utf8" }).trim());
  } catch {
    return availableParallelism();
  }
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readText(`node_modules/${name}/package.json`)) as { version: string }).version;
  } catch {
    return "missing";
  }
}

function redisVersion(path: string): string {
  const text = execFileSync(path, ["--version"], { encoding: "utf8" });
  return /v=(\S+)/.exec(text)?.[1] ?? text.trim();
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
