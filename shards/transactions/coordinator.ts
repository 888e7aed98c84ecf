// The gateway's side of a cross-shard transaction (see README.md here): lock and fetch on each
// participant in shard order, execute once in a scratch core, record the decision, apply everywhere.
import coreModule from "../../wasm/build/core.wasm";
import { Core } from "../../wasm/host";
import { resolveCommand, type Command } from "../../worker/routing/command";
import { keyIndices } from "../../worker/routing/keys";
import { decodeReplies, encodeCommands, type Reply, ReplyError, ReplyReader } from "../../worker/wire/resp";
import { ScriptCache } from "../scripting/cache";
import { isScriptCommand, ScriptRunner } from "../scripting/commands";
import type { ShardWrites } from "./decision";
import { keyId } from "../../worker/wire/bytes";
import { installCommands, type KeyState, readStates, stateQuery } from "./participant";

/** A participant shard, as the coordinator calls it (the Shard Durable Object's tx* methods). */
export interface Participant {
  txLock(tx: string, shard: number, keys: ArrayBuffer[], sha: string | null, wait?: boolean): Promise<LockAnswer | { busy: true }>;
  /** Answers the participant's log offset after applying (replication's sync token). */
  txApply(tx: string, writes: ArrayBuffer | null): Promise<number | void>;
  txRelease(tx: string): Promise<void>;
}

export interface TxTransport {
  participant(shard: number): Participant;
  /** The object holding `tx`'s decision record. */
  decision(tx: string): { commit(tx: string, writes: ShardWrites): Promise<boolean> };
  /** Test-only: stops the coordinator after a named step, as a crash would (never set in production). */
  readonly fault?: string;
}

interface LockAnswer {
  states: ArrayBuffer;
  script: ArrayBuffer | null;
}

/** Where the coordinator can be stopped by the test hook. */
export type FaultStep = "after-first-lock" | "after-lock" | "after-decision" | "after-first-apply";

const decoder = new TextDecoder();

/** One isolate's scratch core and script runner: execution is synchronous, so requests never share them mid-run. */
let scratch: { core: Core; scripts: ScriptRunner; cache: ScriptCache } | null = null;
function scratchRunner() {
  if (!scratch) {
    const cache = new ScriptCache();
    scratch = { core: new Core(coreModule), scripts: new ScriptRunner(cache), cache };
  }
  return scratch;
}

/**
 * Runs `commands` atomically over the shards owning `keysByShard`. Replies are one per command, or a
 * single error when nothing ran (a participant failed, or the transaction was aborted meanwhile).
 */
export async function runAcrossShards(
  commands: readonly Command[],
  keysByShard: Map<number, Uint8Array[]>,
  transport: TxTransport,
  nowMs: () => number,
  shardOf: (key: Uint8Array) => number,
): Promise<Reply[] | ReplyError> {
  // Two reasons to run again, nothing having been applied: a participant's lock deadline passed while
  // the transaction waited for another shard's keys, or a script touched an undeclared key of a
  // participant shard (it is locked and fetched too the next time).
  let keys = keysByShard;
  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptAcrossShards(commands, keys, transport, nowMs, shardOf);
    if (outcome === EXPIRED || outcome instanceof Wanted) {
      if (attempt === MAX_ATTEMPTS) return new ReplyError(outcome === EXPIRED ? EXPIRED_TEXT : UNSETTLED_TEXT);
      if (outcome instanceof Wanted) keys = withKeys(keys, outcome.keys, shardOf);
      continue;
    }
    return outcome;
  }
}

/** Keys a script touched without declaring them, on shards the transaction already locks. */
class Wanted {
  constructor(readonly keys: Uint8Array[]) {}
}

function withKeys(keysByShard: Map<number, Uint8Array[]>, more: Uint8Array[], shardOf: (key: Uint8Array) => number): Map<number, Uint8Array[]> {
  const out = new Map([...keysByShard].map(([shard, keys]) => [shard, [...keys]]));
  for (const key of more) out.get(shardOf(key))!.push(key);
  return out;
}

const MAX_ATTEMPTS = 3;
const UNSETTLED_TEXT = "ERR cross-shard script kept touching keys it did not declare; declare them in KEYS";
const EXPIRED_TEXT = "ERR cross-shard transaction aborted: a participant's lock expired before the commit; nothing applied";
const EXPIRED = Symbol("lock expired before the commit");

async function attemptAcrossShards(
  commands: readonly Command[],
  keysByShard: Map<number, Uint8Array[]>,
  transport: TxTransport,
  nowMs: () => number,
  shardOf: (key: Uint8Array) => number,
): Promise<Reply[] | ReplyError | typeof EXPIRED | Wanted> {
  const tx = crypto.randomUUID();
  const shards = [...keysByShard.keys()].sort((a, b) => a - b);
  const sha = scriptSha(commands);
  const fetched = new Map<number, KeyState[]>();
  let scriptBody: Uint8Array | null = null;
  const locked: number[] = [];
  const releaseAll = () => Promise.allSettled(locked.splice(0).map((shard) => transport.participant(shard).txRelease(tx)));
  const keysOf = (shard: number) => keysByShard.get(shard)!.map((key) => key.slice().buffer);
  const took = (shard: number, answer: LockAnswer) => {
    locked.push(shard);
    fetched.set(shard, readStates(decodeReplies(new Uint8Array(answer.states))));
    if (answer.script && !scriptBody) scriptBody = new Uint8Array(answer.script);
  };
  try {
    // First every shard at once, each taking its keys only if they are free (no waiting, so no
    // cycle): one round trip when nothing conflicts. (The after-first-lock test step needs the
    // ordered path.)
    let all = false;
    if (transport.fault !== "after-first-lock") {
      const answers = await Promise.allSettled(shards.map((shard) => transport.participant(shard).txLock(tx, shard, keysOf(shard), sha, false)));
      answers.forEach((answer, i) => {
        if (answer.status === "fulfilled" && !("busy" in answer.value)) took(shards[i]!, answer.value);
      });
      all = locked.length === shards.length;
      if (!all) {
        await releaseAll();
        fetched.clear();
        const failed = answers.find((answer) => answer.status === "rejected");
        if (failed) throw failed.reason;
      }
    }
    // Otherwise one shard at a time, in shard order, waiting in line: each takes all its keys at
    // once, so waits cannot cycle, and each shard grants in arrival order, so nobody starves.
    for (const shard of all ? [] : shards) {
      const answer = await transport.participant(shard).txLock(tx, shard, keysOf(shard), sha);
      if ("busy" in answer) throw new Error(`shard ${shard} refused a waiting lock`);
      took(shard, answer);
      if (transport.fault === "after-first-lock") return stopped("after-first-lock", tx);
    }
  } catch (error) {
    await releaseAll();
    return new ReplyError(`ERR cross-shard transaction failed before running, nothing applied: ${(error as Error).message}`);
  }
  if (transport.fault === "after-lock") return stopped("after-lock", tx);

  const outcome = execute(commands, keysByShard, fetched, sha, scriptBody, nowMs(), shardOf);
  if (outcome.writes.size === 0 || outcome.discarded) {
    await releaseAll();
    return outcome.wanted.length > 0 ? new Wanted(outcome.wanted) : outcome.replies;
  }
  const writes: ShardWrites = {};
  for (const [shard, batch] of outcome.writes) writes[shard] = batch;
  let committed: boolean;
  try {
    committed = await transport.decision(tx).commit(tx, writes);
  } catch (error) {
    // Unknown whether the record was written: the participants' deadlines settle it either way.
    return new ReplyError(`ERR cross-shard transaction outcome unknown (the decision record failed): ${(error as Error).message}`);
  }
  if (!committed) {
    await releaseAll();
    return EXPIRED;
  }
  if (transport.fault === "after-decision") return stopped("after-decision", tx);
  if (transport.fault === "after-first-apply") {
    await transport.participant(shards[0]!).txApply(tx, outcome.writes.get(shards[0]!) ?? null);
    return stopped("after-first-apply", tx);
  }
  // Committed: a participant that cannot be reached now applies its writes when its lock expires.
  await Promise.allSettled(shards.map((shard) => transport.participant(shard).txApply(tx, outcome.writes.get(shard) ?? null)));
  return outcome.replies;
}

/** What the test hook answers where the coordinator "dies": the participants must finish alone. */
function stopped(step: FaultStep, tx: string): ReplyError {
  return new ReplyError(`ERR test fault: the coordinator stopped ${step} (transaction ${tx})`);
}

function scriptSha(commands: readonly Command[]): string | null {
  for (const command of commands) {
    const name = decoder.decode(command[0]).toLowerCase();
    if ((name === "evalsha" || name === "evalsha_ro") && command.length > 1) return decoder.decode(command[1]).toLowerCase();
  }
  return null;
}

interface Outcome {
  replies: Reply[] | ReplyError;
  /** Per shard, the RESP batch installing the keys whose state changed. */
  writes: Map<number, ArrayBuffer>;
  /** A script was aborted (budget, or an undeclared key to lock first): nothing is written. */
  discarded: boolean;
  /** Undeclared keys of participant shards a script touched: lock them too and run again. */
  wanted: Uint8Array[];
}

/** The execution phase: restore what was fetched, run, and read back what changed. Synchronous. */
function execute(
  commands: readonly Command[],
  keysByShard: Map<number, Uint8Array[]>,
  fetched: Map<number, KeyState[]>,
  sha: string | null,
  scriptBody: Uint8Array | null,
  now: number,
  shardOf: (key: Uint8Array) => number,
): Outcome {
  const { core, scripts, cache } = scratchRunner();
  if (sha && scriptBody && !cache.has(sha)) cache.remember(sha, scriptBody);
  const restore: Uint8Array[][] = [[new TextEncoder().encode("FLUSHALL")]];
  const declared = new Set<string>();
  for (const [shard, keys] of keysByShard) {
    keys.forEach((key, i) => {
      declared.add(keyId(key));
      const state = fetched.get(shard)![i]!;
      if (state) restore.push(...installCommands(key, state));
    });
  }
  core.execute(encodeCommands(restore), now, false);

  const run = (args: readonly Uint8Array[]): Reply => new ReplyReader(core.execute(encodeCommands([args]), now, false).replies).next();
  const replies: Reply[] = [];
  for (const command of commands) {
    if (!isScriptCommand(decoder.decode(command[0]).toLowerCase())) {
      replies.push(run(command));
      continue;
    }
    // No slot range: the scratch core holds exactly the declared keys, whatever shard owns them.
    const wanted: Uint8Array[] = [];
    const host = {
      call: (args: Uint8Array[]) => undeclaredKey(args, declared, (key) => keysByShard.has(shardOf(key)), wanted) ?? run(args),
      outOfMemory: () => false,
    };
    replies.push(scripts.execute(command as Uint8Array[], host));
    if (wanted.length > 0) return { replies: [], writes: new Map(), discarded: true, wanted };
    if (scripts.lastRunAborted) return { replies: replies.length === 1 ? replies : (replies.at(-1) as ReplyError), writes: new Map(), discarded: true, wanted };
  }

  const writes = new Map<number, ArrayBuffer>();
  for (const [shard, keys] of keysByShard) {
    const after = readStates(decodeReplies(core.execute(stateQuery(keys), now, false).replies));
    const before = fetched.get(shard)!;
    const changed: Uint8Array[][] = [];
    keys.forEach((key, i) => {
      if (!sameState(before[i]!, after[i]!)) changed.push(...installCommands(key, after[i]!));
    });
    if (changed.length > 0) writes.set(shard, encodeCommands(changed).slice().buffer);
  }
  return { replies, writes, discarded: false, wanted: [] };
}

/**
 * A script's command on a key it did not declare, which was never locked. On a shard the transaction
 * locks anyway, the key joins `wanted` and the run is void (it runs again with the key locked and
 * fetched); on any other shard it is refused, never silently non-atomic.
 */
function undeclaredKey(args: readonly Uint8Array[], declared: Set<string>, onParticipant: (key: Uint8Array) => boolean, wanted: Uint8Array[]): ReplyError | null {
  const spec = resolveCommand(args);
  if (spec instanceof ReplyError) return null;
  for (const at of keyIndices(spec.keys, args)) {
    const key = args[at]!;
    if (declared.has(keyId(key))) continue;
    if (!onParticipant(key)) {
      return new ReplyError(`ERR Dynamic keys are not allowed in Lua scripts whose keys span shards. Key was: ${decoder.decode(key)}`);
    }
    declared.add(keyId(key));
    wanted.push(key.slice());
    return new ReplyError("ERR undeclared key: the transaction runs again with it locked");
  }
  return null;
}

function sameState(a: KeyState, b: KeyState): boolean {
  if (a === null || b === null) return a === b;
  return a.expireAt === b.expireAt && a.raw === b.raw && a.payload.length === b.payload.length && a.payload.every((byte, i) => byte === b.payload[i]);
}

