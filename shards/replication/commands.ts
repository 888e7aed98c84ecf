// WAIT and ROLE inside a shard batch: they are taken out before the core runs the rest, and their
// replies are put back in place once the batch's writes are logged (so WAIT counts them).
import { decodeReplies, encodeCommands, encodeReply, type Reply, ReplyError } from "../../worker/wire/resp";
import { concatBytes } from "../../worker/wire/bytes";
import type { ReplicationPrimary } from "./primary";

const decoder = new TextDecoder();
const encoder = new TextEncoder();
/**
 * Redis's `WAIT n 0` blocks forever; over HTTP a request cannot, so a timeout of 0 (or longer) waits
 * this long at most.
 */
export const WAIT_MAX_MS = 10_000;

export interface SplitBatch {
  /** The commands the core runs, in order. */
  readonly rest: Uint8Array;
  readonly restCount: number;
  readonly restCommands: Uint8Array[][];
  /** Position in the original batch and the command, for each WAIT/ROLE. */
  readonly taken: readonly { index: number; command: Uint8Array[] }[];
}

/** The batch's commands with WAIT/ROLE taken out (`taken` empty when it holds none). */
export function splitReplicationCommands(batch: Uint8Array, names: ReadonlySet<string>): SplitBatch {
  const commands = decodeReplies(batch) as Uint8Array[][];
  const taken: { index: number; command: Uint8Array[] }[] = [];
  const rest: Uint8Array[][] = [];
  commands.forEach((command, index) => {
    if (names.has(decoder.decode(command[0]).toLowerCase())) taken.push({ index, command });
    else rest.push(command);
  });
  return { rest: taken.length === 0 ? batch : encodeCommands(rest), restCount: rest.length, restCommands: rest, taken };
}

/** The shard's answers to WAIT and ROLE. `position`: the offset WAIT counts acknowledgements of. */
export interface ReplicationAnswers {
  readonly primary: ReplicationPrimary | null;
  readonly position: number;
  /** This object's log head. */
  readonly offset: number;
  /** Set on a replica: its primary's name and applied offset. */
  readonly replicaOf?: { name: string; applied: number };
}

export async function answerTaken(split: SplitBatch, coreReplies: Uint8Array, answers: ReplicationAnswers): Promise<Uint8Array> {
  const rest = decodeReplies(coreReplies);
  const out: Uint8Array[] = [];
  let next = 0;
  let taken = 0;
  for (let index = 0; index < split.restCount + split.taken.length; index++) {
    const here = split.taken[taken];
    if (here && here.index === index) {
      out.push(Uint8Array.from(encodeReply(await answer(here.command, answers))));
      taken++;
    } else out.push(Uint8Array.from(encodeReply(rest[next++] ?? new ReplyError("ERR missing reply"))));
  }
  return concatBytes(out);
}

async function answer(command: Uint8Array[], answers: ReplicationAnswers): Promise<Reply> {
  const name = decoder.decode(command[0]).toLowerCase();
  if (name === "role") return role(answers);
  return wait(command, answers);
}

/** https://redis.io/commands/wait/ */
async function wait(command: Uint8Array[], answers: ReplicationAnswers): Promise<Reply> {
  if (answers.replicaOf) return new ReplyError("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.");
  const count = integer(command[1]!);
  if (count === null) return new ReplyError("ERR value is not an integer or out of range");
  const timeout = integer(command[2]!);
  if (timeout === null) return new ReplyError("ERR timeout is not an integer or out of range");
  if (timeout < 0) return new ReplyError("ERR timeout is negative");
  if (!answers.primary) return 0;
  const ms = timeout === 0 ? WAIT_MAX_MS : Math.min(timeout, WAIT_MAX_MS);
  return answers.primary.waitFor(answers.position, count, ms);
}

/** https://redis.io/commands/role/ — replicas appear as their object names, port 0. */
function role(answers: ReplicationAnswers): Reply {
  if (answers.replicaOf) {
    return [encoder.encode("slave"), encoder.encode(answers.replicaOf.name), 0, encoder.encode("connected"), answers.replicaOf.applied];
  }
  const status = answers.primary?.status();
  const replicas = (status?.replicas ?? []).filter((r) => r.acked !== null).map((r) => [encoder.encode(r.name), encoder.encode("0"), encoder.encode(String(r.acked))]);
  return [encoder.encode("master"), answers.offset, replicas];
}

function integer(bytes: Uint8Array): number | null {
  const text = decoder.decode(bytes);
  if (!/^-?\d+$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}
