// How the differential runner judges set replies whose order or choice Redis leaves open (differences.ts
// rules "set-order" and "random-members"): the oracle is asked what it needs to decide, in extra round trips.
import { ReplyError, type Reply } from "../../worker/wire/resp";
import { renderReply, repliesMatch } from "./compare";
import { bytesKey, type Side, type StreamRun, view } from "./differential-runner";
import type { StreamCommand } from "./stream-values";

type Problem = { expected: string; actual: string } | null;

const INTEGER = /^(0|-?[1-9]\d{0,18})$/;

/** Whether bytes are a member Redis would keep in an intset (string2ll accepts it). */
function isIntegerMember(reply: Reply): boolean {
  if (!(reply instanceof Uint8Array)) return false;
  const text = Buffer.from(reply).toString("latin1");
  if (!INTEGER.test(text)) return false;
  const v = BigInt(text);
  return v >= -(2n ** 63n) && v < 2n ** 63n;
}

function shownBy(run: StreamRun): (reply: Reply) => Reply {
  return run.view ?? ((reply: Reply) => view(run.level, reply));
}

function text(reply: Reply | undefined): string {
  return reply instanceof Uint8Array ? Buffer.from(reply).toString("latin1") : "";
}

/** SMEMBERS, SINTER, SUNION, SDIFF, SSCAN: exact where Redis's order is defined, else as multisets. */
export async function checkSetOrder(run: StreamRun, command: StreamCommand): Promise<Problem> {
  const shown = shownBy(run);
  const name = command[0]!.toUpperCase();
  const keys = name === "SINTER" ? command.slice(1) : name === "SMEMBERS" || name === "SSCAN" || name === "SDIFF" ? command.slice(1, 2) : [];
  const probes: StreamCommand[] = [...keys.map((k) => ["OBJECT", "ENCODING", k]), ...keys.map((k) => ["SCARD", k])];
  const [oracleReplies, targetReplies] = await Promise.all([run.oracle.send([...probes, command]), run.target.send([...probes, command])]);
  const encodings = oracleReplies.slice(0, keys.length).map(text);
  const cards = oracleReplies.slice(keys.length, 2 * keys.length);
  const expected = shown(oracleReplies[probes.length]!);
  const actual = targetReplies[probes.length];
  const fail = (why: string) => ({ expected: `${renderReply(expected)} (${why})`, actual: renderReply(actual ?? null) });
  // The sets' encodings must be Redis's too (intset while every member is an integer and there are at most 512).
  for (let i = 0; i < keys.length; i++) {
    const isSet = typeof cards[i] === "number" && cards[i] !== 0;
    const ours = text(targetReplies[i]);
    if (isSet && ours !== encodings[i]) return { expected: `OBJECT ENCODING ${encodings[i]}`, actual: `OBJECT ENCODING ${ours}` };
  }
  if (!Array.isArray(expected) || !Array.isArray(actual)) return repliesMatch(expected, actual!, undefined) ? null : fail("exactly");
  if (name === "SSCAN") {
    if (encodings[0] === "intset") return repliesMatch(expected, actual, undefined) ? null : fail("an intset whole, ascending");
    const [want, got] = await Promise.all([sscanAll(run.oracle, command, shown), sscanAll(run.target, command, shown)]);
    return want === got ? null : { expected: want, actual: got };
  }
  let exact = false;
  if (name === "SMEMBERS") exact = encodings[0] === "intset";
  else if (name === "SUNION") exact = expected.length <= 512 && expected.every(isIntegerMember);
  // SDIFF may start from a copy of its first set (Redis's algorithm 2) and remove from it: the result is an
  // intset, ascending, only when that first set is one; from a hash table it keeps the table's order.
  else if (name === "SDIFF") exact = expected.length <= 512 && expected.every(isIntegerMember) && (encodings[0] === "intset" || cards[0] === 0);
  else if (name === "SINTER") {
    const sizes = cards.map((c) => (typeof c === "number" ? c : -1));
    const smallest = Math.min(...sizes);
    // Redis walks the smallest set (its qsort picks among equal sizes): the order is defined when every
    // smallest one is an intset, or when a key is missing (the answer is empty).
    exact = smallest <= 0 || sizes.every((n, i) => n !== smallest || encodings[i] === "intset");
  }
  if (exact) return repliesMatch(expected, actual, undefined) ? null : fail(name === "SINTER" ? "walking an intset, ascending" : "ascending");
  return repliesMatch(expected, actual, { kind: "unordered" }) ? null : fail("the same members");
}

/** Runs an SSCAN to completion; its error, or its distinct members sorted, as one printable string. */
async function sscanAll(side: Side, command: StreamCommand, shown: (reply: Reply) => Reply): Promise<string> {
  const members = new Set<string>();
  let cursor = "0";
  // The pages are not compared, only what a whole iteration returns: small COUNTs only add round trips.
  const options = command.slice(3).map((arg, i, all) => (i > 0 && /^count$/i.test(all[i - 1]!) ? String(Math.max(Number(arg), 64)) : arg));
  for (let round = 0; round < 100_000; round++) {
    const [raw] = await side.send([["SSCAN", command[1]!, cursor, ...options]]);
    const reply = shown(raw!);
    if (reply instanceof ReplyError) return renderReply(reply);
    if (!Array.isArray(reply) || reply.length !== 2 || !(reply[0] instanceof Uint8Array) || !Array.isArray(reply[1])) {
      return `malformed SSCAN reply ${renderReply(reply ?? null)}`;
    }
    for (const m of reply[1]) members.add(renderReply(m, 1_000));
    cursor = Buffer.from(reply[0]).toString("latin1");
    if (cursor === "0") return `members {${[...members].sort().join(", ")}}`;
  }
  return "SSCAN did not finish in 100000 rounds";
}

/**
 * SRANDMEMBER and SPOP: errors, nil and empty replies compare exactly; otherwise Redis's size, members of the
 * set, distinct for a positive count. SPOP runs on edgeslot first; the oracle then SREMs what it popped.
 */
export async function checkRandomMembers(run: StreamRun, command: StreamCommand): Promise<Problem> {
  const shown = shownBy(run);
  const name = command[0]!.toUpperCase();
  const key = command[1] ?? "";
  const pop = name === "SPOP";
  const [actual] = await run.target.send([command]);
  const decided = actual instanceof Uint8Array || (Array.isArray(actual) && actual.length > 0);
  if (pop && !decided) {
    // Nothing was popped here: the oracle must pop nothing either (or refuse the same way).
    const [oracleReply] = await run.oracle.send([command]);
    const expected = shown(oracleReply!);
    return repliesMatch(expected, actual!, undefined) ? null : { expected: renderReply(expected), actual: renderReply(actual ?? null) };
  }
  const [card, all, oracleReply] = await run.oracle.send(pop ? [["SCARD", key], ["SMEMBERS", key]] : [["SCARD", key], ["SMEMBERS", key], command]);
  const members = new Set(Array.isArray(all) ? (shown(all) as Reply[]).map(bytesKey) : []);
  const size = typeof card === "number" ? card : -1;
  const count = command.length >= 3 ? Number(command[2]) : NaN;
  const expected = pop ? undefined : shown(oracleReply!);
  const describe = pop ? `a pop from ${renderReply(all ?? null, 40)}` : renderReply(expected!);
  const fail = (why: string) => ({ expected: `${describe} (${why})`, actual: renderReply(actual ?? null) });
  if (!pop && !(expected instanceof Uint8Array || (Array.isArray(expected) && expected.length > 0))) {
    return repliesMatch(expected!, actual!, undefined) ? null : fail("exactly");
  }
  if (size < 0) return fail("the oracle holds no set there");
  if (actual instanceof Uint8Array) {
    if (command.length !== 2 || !members.has(bytesKey(shown(actual)))) return fail("a member of the set");
  } else if (Array.isArray(actual)) {
    const want = pop || count > 0 ? Math.min(count, size) : -count;
    if (command.length !== 3 || actual.length !== want) return fail(`${want} items`);
    const seen = new Set<string>();
    for (const item of actual) {
      const k = bytesKey(shown(item));
      if (!members.has(k)) return fail("members of the set");
      seen.add(k);
    }
    if ((pop || count > 0) && seen.size !== actual.length) return fail("distinct members");
  } else return fail("a member or members");
  if (pop) {
    const popped = actual instanceof Uint8Array ? [actual] : (actual as Uint8Array[]);
    await run.oracle.send([["SREM", key, ...popped]]);
  }
  return null;
}
