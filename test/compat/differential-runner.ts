// Runs one command stream against redis-server (the oracle) and edgeslot, and collects every unexplained difference.
import { resolveCommand } from "../../worker/routing/command";
import { keyIndices } from "../../worker/routing/keys";
import { ReplyError, type Reply } from "../../worker/wire/resp";
import { asJsonView, renderCommand, renderReply, repliesMatch } from "./compare";
import { ruleFor, rulesFor, type Level } from "./differences";
import { checkRandomMembers, checkSetOrder } from "./set-checks";
import type { StreamCommand } from "./stream-values";

/** Either side of the comparison. Arguments are binary strings; each side encodes them as its transport does. */
export interface Side {
  send(commands: readonly (readonly (string | Uint8Array)[])[]): Promise<Reply[]>;
}

export interface StreamRun {
  level: Level;
  seed: number;
  oracle: Side;
  target: Side;
  commands: readonly StreamCommand[];
  /** Commands per round trip (one RESP batch / one `/pipeline`). */
  batchSize: number;
  /** How the oracle's replies look through the target's transport (default: by level). */
  view?: (reply: Reply) => Reply;
  /** Stop collecting after this many mismatches. */
  maxMismatches?: number;
}

export interface Mismatch {
  index: number;
  command: string;
  expected: string;
  actual: string;
  /** The commands before it on the same stream since the last resync, newest last. */
  history: string[];
  /** The commands after it in the same batch (they ran too, and may be what broke it). */
  following?: string[];
}

const HISTORY = 25;

/**
 * Executes the stream in batches on both sides and compares reply by reply. SCAN and RANDOMKEY end a
 * batch (their comparison needs extra round trips). After a mismatch both sides are flushed so one bug
 * doesn't cascade into hundreds of reports.
 */
export async function runStream(run: StreamRun): Promise<Mismatch[]> {
  const mismatches: Mismatch[] = [];
  const limit = run.maxMismatches ?? 20;
  let history: string[] = [];
  let batch: { index: number; command: StreamCommand }[] = [];
  const report = (index: number, command: StreamCommand, expected: string, actual: string) => {
    mismatches.push({ index, command: renderCommand(command), expected, actual, history: history.slice(-HISTORY) });
  };
  const resync = async () => {
    await Promise.all([run.oracle.send([["FLUSHDB"]]), run.target.send([["FLUSHDB"]])]);
    history = [];
  };

  const flush = async () => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    const [expected, actual] = await Promise.all([
      run.oracle.send(current.map(({ command }) => command)),
      run.target.send(current.map(({ command }) => command)).catch((error: unknown) => error as Error),
    ]);
    if (actual instanceof Error) {
      const first = current[0]!;
      report(first.index, [`<batch of ${current.length} commands starting with>`, ...first.command], "replies", `threw ${actual.message}`);
      await resync();
      return;
    }
    let diverged = false;
    current.forEach(({ index, command }, i) => {
      if (diverged) return;
      const want = (run.view ?? ((reply: Reply) => view(run.level, reply)))(expected[i]!);
      const got = actual[i]!;
      if (!repliesMatch(want, got, ruleFor(command, run.level))) {
        report(index, command, renderReply(want), renderReply(got));
        mismatches[mismatches.length - 1]!.following = current.slice(i + 1).map((c) => renderCommand(c.command));
        diverged = true;
      } else history.push(renderCommand(command));
    });
    if (diverged) await resync();
  };

  for (let index = 0; index < run.commands.length && mismatches.length < limit; index++) {
    const command = run.commands[index]!;
    const name = command[0]!.toUpperCase();
    if ((name === "SCAN" && command[1] === "0") || (name === "HSCAN" && command[2] === "0" && ruleFor(command, run.level)?.kind === "scan-union")) {
      await flush();
      const [oracle, actual] = await Promise.all([scanAll(run.oracle, command), scanAll(run.target, command)]);
      // Errors (malformed options) still compare; only a successful iteration is expected empty.
      const expected = ruleFor(command, run.level)?.kind === "empty-scan" && oracle.startsWith("keys ") ? "keys {}" : oracle;
      if (expected !== actual) {
        report(index, command, expected, actual);
        await resync();
      } else history.push(renderCommand(command));
    } else if (name === "ZSCAN" && command[2] === "0" && ruleFor(command, run.level)?.kind === "scan-union") {
      await flush();
      const [oracle, actual] = await Promise.all([zscanAll(run.oracle, command), zscanAll(run.target, command)]);
      if (oracle !== actual) {
        report(index, command, oracle, actual);
        await resync();
      } else history.push(renderCommand(command));
    } else if (name === "RANDOMKEY" && command.length === 1) {
      await flush();
      const problem = await checkRandomKey(run);
      if (problem) {
        report(index, command, problem.expected, problem.actual);
        await resync();
      } else history.push(renderCommand(command));
    } else if ((name === "HRANDFIELD" || name === "ZRANDMEMBER") && ruleFor(command, run.level)?.kind === "random-fields") {
      await flush();
      const problem = await checkRandomFields(run, command);
      if (problem) {
        report(index, command, problem.expected, problem.actual);
        await resync();
      } else history.push(renderCommand(command));
    } else if (setRule(run, command, "set-order") || setRule(run, command, "random-members")) {
      await flush();
      const problem = setRule(run, command, "set-order") ? await checkSetOrder(run, command) : await checkRandomMembers(run, command);
      if (problem) {
        report(index, command, problem.expected, problem.actual);
        await resync();
      } else history.push(renderCommand(command));
    } else if (name === "DBSIZE" && command.length === 1 && ruleFor(command, run.level)?.kind === "live-count-plus-unreclaimed") {
      await flush();
      const [expected, actual] = await Promise.all([liveCount(run.oracle), liveCount(run.target)]);
      if (expected.live !== actual.live || !actual.plausible || !expected.plausible) {
        report(index, command, expected.text, actual.text);
        await resync();
      } else history.push(renderCommand(command));
    } else {
      batch.push({ index, command });
      if (batch.length >= run.batchSize) await flush();
    }
  }
  await flush();
  return mismatches;
}

/** Whether a set rule decides this command's comparison. */
function setRule(run: StreamRun, command: StreamCommand, kind: "set-order" | "random-members"): boolean {
  return rulesFor(command, run.level).some((r) => r.kind === kind);
}

export function view(level: Level, reply: Reply): Reply {
  return level === "gateway" ? asJsonView(reply) : reply;
}

/**
 * Iterates a SCAN (or an HSCAN of one key) to completion; returns its error, or the distinct items it
 * returned (keys, or field=value pairs) sorted, as one printable string.
 */
async function scanAll(side: Side, command: StreamCommand): Promise<string> {
  const hash = command[0]!.toUpperCase() === "HSCAN";
  const prefix = hash ? command.slice(0, 2) : command.slice(0, 1);
  const options = command.slice(prefix.length + 1);
  const items = new Set<string>();
  let cursor: string = command[prefix.length]!;
  for (let round = 0; round < 100_000; round++) {
    const [reply] = await side.send([[...prefix, cursor, ...options]]);
    if (reply instanceof ReplyError) return renderReply(reply);
    if (!Array.isArray(reply) || reply.length !== 2 || !(reply[0] instanceof Uint8Array) || !Array.isArray(reply[1])) {
      return `malformed SCAN reply ${renderReply(reply ?? null)}`;
    }
    const page = reply[1];
    if (hash) for (let i = 0; i + 1 < page.length; i += 2) items.add(`${renderReply(page[i]!, 1_000)}=${renderReply(page[i + 1]!, 1_000)}`);
    else for (const key of page) items.add(renderReply(key, 1_000));
    cursor = Buffer.from(reply[0]).toString("latin1");
    if (cursor === "0") return `${hash ? "pairs" : "keys"} {${[...items].sort().join(", ")}}`;
  }
  return "SCAN did not finish in 100000 rounds";
}

/** Iterates a ZSCAN to completion; returns its error, or its distinct member/score pairs sorted, as one string. */
async function zscanAll(side: Side, command: StreamCommand): Promise<string> {
  const pairs = new Set<string>();
  let cursor: string = "0";
  for (let round = 0; round < 100_000; round++) {
    const [reply] = await side.send([["ZSCAN", command[1]!, cursor, ...command.slice(3)]]);
    if (reply instanceof ReplyError) return renderReply(reply);
    if (!Array.isArray(reply) || reply.length !== 2 || !(reply[0] instanceof Uint8Array) || !Array.isArray(reply[1])) {
      return `malformed ZSCAN reply ${renderReply(reply ?? null)}`;
    }
    const items = reply[1];
    for (let i = 0; i + 1 < items.length; i += 2) pairs.add(`${renderReply(items[i]!, 1_000)} ${renderReply(items[i + 1]!)}`);
    cursor = Buffer.from(reply[0]).toString("latin1");
    if (cursor === "0") return `members {${[...pairs].sort().join(", ")}}`;
  }
  return "ZSCAN did not finish in 100000 rounds";
}

/** DBSIZE next to the number of keys KEYS * can see (which skips expired ones). */
async function liveCount(side: Side): Promise<{ live: number; plausible: boolean; text: string }> {
  const [size, keys] = await side.send([["DBSIZE"], ["KEYS", "*"]]);
  const live = Array.isArray(keys) ? keys.length : -1;
  const plausible = typeof size === "number" && size >= live;
  return { live, plausible, text: `DBSIZE ${renderReply(size ?? null)} with ${live} live keys (KEYS *)` };
}

/** RANDOMKEY: nil on both (empty) or a key that the oracle holds too. */
async function checkRandomKey(run: StreamRun): Promise<{ expected: string; actual: string } | null> {
  const [[expected], [actual]] = await Promise.all([run.oracle.send([["RANDOMKEY"]]), run.target.send([["RANDOMKEY"]])]);
  if (expected === null && actual === null) return null;
  if (!(actual instanceof Uint8Array)) {
    return { expected: expected === null ? "(nil)" : "a key the oracle holds", actual: renderReply(actual ?? null) };
  }
  const [exists] = await run.oracle.send([["EXISTS", actual]]);
  return exists === 1 ? null : { expected: "a key the oracle holds", actual: `${renderReply(actual)} (absent on redis-server)` };
}

/**
 * HRANDFIELD / ZRANDMEMBER under the random-fields rule: the oracle's hash (HGETALL) or sorted set (ZRANGE …
 * WITHSCORES, the same flat pairs) judges the target's pick.
 */
async function checkRandomFields(run: StreamRun, command: StreamCommand): Promise<{ expected: string; actual: string } | null> {
  const shown = run.view ?? ((reply: Reply) => view(run.level, reply));
  const [[oracleReply, all], [actual]] = await Promise.all([
    run.oracle.send([
      command,
      command[0]!.toUpperCase() === "ZRANDMEMBER" ? ["ZRANGE", command[1] ?? "", "0", "-1", "WITHSCORES"] : ["HGETALL", command[1] ?? ""],
    ]),
    run.target.send([command]),
  ]);
  const expected = shown(oracleReply!);
  const fail = (why: string) => ({ expected: `${renderReply(expected)} (${why})`, actual: renderReply(actual ?? null) });
  if (!(expected instanceof Uint8Array) && !(Array.isArray(expected) && expected.length > 0)) {
    return repliesMatch(expected, actual!, undefined) ? null : fail("exactly");
  }
  const hash = new Map<string, string>();
  const pairs = shown(all!);
  if (Array.isArray(pairs)) for (let i = 0; i + 1 < pairs.length; i += 2) hash.set(bytesKey(pairs[i]!), bytesKey(pairs[i + 1]!));
  if (expected instanceof Uint8Array) {
    return actual instanceof Uint8Array && hash.has(bytesKey(actual)) ? null : fail("a field of the hash");
  }
  if (!Array.isArray(actual) || actual.length !== expected.length) return fail("as many items");
  const withValues = command.length === 4;
  const step = withValues ? 2 : 1;
  const seen = new Set<string>();
  for (let i = 0; i < actual.length; i += step) {
    const f = bytesKey(actual[i]!);
    if (!hash.has(f)) return fail("fields of the hash");
    if (withValues && hash.get(f) !== bytesKey(actual[i + 1]!)) return fail("each field with its value");
    seen.add(f);
  }
  if (!command[2]!.startsWith("-") && seen.size !== actual.length / step) return fail("distinct fields");
  return null;
}

export function bytesKey(reply: Reply): string {
  return reply instanceof Uint8Array ? Buffer.from(reply).toString("latin1") : renderReply(reply);
}

/** A failure message naming the seed, each mismatch and the commands that led to it. */
export function describeMismatches(level: Level, seed: number, mismatches: readonly Mismatch[]): string {
  const lines = [`${mismatches.length} unexplained difference(s) at the ${level} level; replay with EDGESLOT_DIFF_SEED=${seed}`];
  for (const m of mismatches) {
    lines.push(
      "",
      `#${m.index}: ${m.command}`,
      `  redis-server: ${m.expected}`,
      `  edgeslot:     ${m.actual}`,
      `  after (since last FLUSHDB, newest last):`,
      ...m.history.map((h) => `    ${h}`),
      ...(m.following?.length ? [`  then in the same batch:`, ...m.following.map((f) => `    ${f}`)] : []),
    );
  }
  return lines.join("\n");
}
