// The bench's results as Markdown: one section per suite, a targets summary, appended to bench/RESULTS.md.
import { appendFileSync, existsSync, writeFileSync } from "node:fs";

/** A measured ratio checked against a goal from an issue (e.g. "≥ 3× redis-server's ops/s"). */
export interface Target {
  what: string;
  ratio: number;
  /** The ratio must be at least this (higherIsBetter) or at most this. */
  goal: number;
  higherIsBetter: boolean;
}

export interface Section {
  title: string;
  /** Markdown lines: a table of figures, each with its baseline and ratio, then notes. */
  lines: string[];
  targets: Target[];
}

export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${headers.join(" | ")} |`,
    `|${headers.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ];
}

export function rate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k/s`;
  return `${perSecond.toFixed(0)} /s`;
}

export function ratio(value: number): string {
  return `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}×`;
}

export function nanos(perSecond: number): string {
  return `${(1e9 / perSecond).toFixed(1)} ns`;
}

export function met(target: Target): boolean {
  return target.higherIsBetter ? target.ratio >= target.goal : target.ratio <= target.goal;
}

export function renderRun(heading: string, preamble: string[], sections: readonly Section[]): string {
  const out = [`## ${heading}`, "", ...preamble, ""];
  for (const section of sections) out.push(`### ${section.title}`, "", ...section.lines, "");
  const targets = sections.flatMap((section) => section.targets);
  if (targets.length > 0) {
    out.push("### Targets", "");
    out.push(
      ...table(
        ["target", "measured", "goal", "met"],
        targets.map((t) => [t.what, ratio(t.ratio), `${t.higherIsBetter ? "≥" : "≤"} ${ratio(t.goal)}`, met(t) ? "yes" : "**no**"]),
      ),
      "",
    );
  }
  return out.join("\n");
}

const RESULTS_HEADER = `# edgeslot benchmark results

Appended by \`npm run bench\` (full runs only; \`BENCH_QUICK=1\` smoke runs print without recording).
Every figure is a ratio against a baseline measured in the same run on the same machine: absolute
numbers move with the machine and its neighbours, ratios much less. Newest run last.
`;

export function appendResults(path: string, markdown: string): void {
  if (!existsSync(path)) writeFileSync(path, RESULTS_HEADER);
  appendFileSync(path, `\n${markdown}`);
}
