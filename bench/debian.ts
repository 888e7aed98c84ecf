// Debian packages the HTTP baselines and load generator need (webdis, wrk), installed with apt-get when missing.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

/** Installs `pkg` when `binary` is missing (apt-get update first only if the install fails). */
export function ensureDebianPackage(binary: string, pkg: string, log: (line: string) => void): string {
  if (existsSync(binary)) return binary;
  log(`installing ${pkg} (apt-get)…`);
  const install = () => execFileSync("apt-get", ["install", "-y", pkg], { stdio: "ignore" });
  try {
    install();
  } catch {
    execFileSync("apt-get", ["update"], { stdio: "ignore" });
    install();
  }
  if (!existsSync(binary)) throw new Error(`apt-get installed ${pkg} but ${binary} is still missing`);
  return binary;
}
