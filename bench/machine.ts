// What a result was measured on: the machine, its load, and the versions of everything in the path.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, totalmem } from "node:os";

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  loadAverage: string;
  versions: Record<string, string>;
}

/** `loadAtStart` is os.loadavg() taken before the suites ran; versions are read after (redis may be installed by then). */
export function describeMachine(redisServer: string | null, loadAtStart: readonly number[]): Machine {
  const cpuinfo = readText("/proc/cpuinfo");
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? "unknown";
  return {
    cpus: nproc(),
    cpuModel,
    memoryGiB: totalmem() / 2 ** 30,
    loadAverage: loadAtStart
      .map((load) => load.toFixed(2))
      .join(" "),
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
      `load average at start ${machine.loadAverage} (the cores are shared, and the load generators run on them too).`,
    `- Versions: ${versions}.`,
  ];
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
