// Runs one command stream against redis-server (the oracle) and edgeslot, and collects every unexplained difference.
import { ReplyError, type Reply } from "../../worker/wire/resp";
import { asJsonView, renderCommand, renderReply, repliesMatch } from "./compare";
import { ruleFor, type Level } from "./differences";
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
  /** Gateway level: the shard that owns a key argument. */
  shardOf?: (key: string) => number;
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
    const planned = current.map(({ command }) => planCommand(run, command));
    const [expected, actual] = await Promise.all([
      run.oracle.send(planned.map((p) => p.oracleCommand)),
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
      const plan = planned[i]!;
      const want = plan.expected ?? (run.view ?? ((reply: Reply) => view(run.level, reply)))(expected[i]!);
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
    if (name === "SCAN" && command[1] === "0") {
      await flush();
      const [oracle, actual] = await Promise.all([scanAll(run.oracle, command), scanAll(run.target, command)]);
      // Errors (malformed options) still compare; only a successful iteration is expected empty.
      const expected = ruleFor(command, run.level)?.kind === "empty-scan" && oracle.startsWith("keys ") ? "keys {}" : oracle;
      if (expected !== actual) {
        report(index, command, expected, actual);
        await resync();
      } else history.push(renderCommand(command));
    } else if (name === "RANDOMKEY" && command.length === 1) {
      await flush();
      const problem = await checkRandomKey(run);
      if (problem) {
        report(index, command, problem.expected, problem.actual);
        await resync();
      } else history.push(renderCommand(command));
    } else if (name === "HRANDFIELD" && ruleFor(command, run.level)?.kind === "random-fields") {
      await flush();
      const problem = await checkRandomFields(run, command);
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

function view(level: Level, reply: Reply): Reply {
  return level === "gateway" ? asJsonView(reply) : reply;
}

/** What the oracle runs for a command, and the reply to expect when a listed difference decides it instead. */
function planCommand(run: StreamRun, command: StreamCommand): { oracleCommand: StreamCommand; expected?: Reply } {
  const rule = ruleFor(command, run.level);
  if (rule?.kind === "error-when-keys-span-shards" && run.shardOf) {
    const keys = atomicKeys(command);
    if (keys && new Set(keys.map(run.shardOf)).size > 1) return { oracleCommand: ["PING"], expected: new ReplyError(rule.error) };
  }
  return { oracleCommand: command };
}

/** The keys of MSETNX / RENAME / RENAMENX / BITOP / PFMERGE / PFCOUNT that pass the command table's arity check (others get the arity error). */
function atomicKeys(command: StreamCommand): string[] | null {
  const name = command[0]!.toUpperCase();
  if ((name === "RENAME" || name === "RENAMENX") && command.length === 3) return [command[1]!, command[2]!];
  // As in Redis Cluster, the slot check sees MSETNX's keys (every other argument) before the command
  // itself counts its pairs, so an odd pair count across shards is CROSSSLOT too.
  if (name === "MSETNX" && command.length >= 3) return command.filter((_, i) => i % 2 === 1);
  // BITOP op dest src…: the arity check (at least one source) comes first.
  if (name === "BITOP" && command.length >= 4) return command.slice(2);
  if ((name === "PFMERGE" || name === "PFCOUNT") && command.length >= 2) return command.slice(1);
  return null;
}

/** Iterates a SCAN to completion; returns its error, or its distinct keys sorted, as one printable string. */
async function scanAll(side: Side, command: StreamCommand): Promise<string> {
  const keys = new Set<string>();
  let cursor: string = "0";
  for (let round = 0; round < 100_000; round++) {
    const [reply] = await side.send([["SCAN", cursor, ...command.slice(2)]]);
    if (reply instanceof ReplyError) return renderReply(reply);
    if (!Array.isArray(reply) || reply.length !== 2 || !(reply[0] instanceof Uint8Array) || !Array.isArray(reply[1])) {
      return `malformed SCAN reply ${renderReply(reply ?? null)}`;
    }
    for (const key of reply[1]) keys.add(renderReply(key, 1_000));
    cursor = Buffer.from(reply[0]).toString("latin1");
    if (cursor === "0") return `keys {${[...keys].sort().join(", ")}}`;
  }
  return "SCAN did not finish in 100000 rounds";
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

/** HRANDFIELD under the random-fields rule: the oracle's hash (HGETALL) judges the target's pick. */
async function checkRandomFields(run: StreamRun, command: StreamCommand): Promise<{ expected: string; actual: string } | null> {
  const shown = run.view ?? ((reply: Reply) => view(run.level, reply));
  const [[oracleReply, all], [actual]] = await Promise.all([
    run.oracle.send([command, ["HGETALL", command[1] ?? ""]]),
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

function bytesKey(reply: Reply): string {
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
