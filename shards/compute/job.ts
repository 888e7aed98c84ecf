// An asynchronous MAPREDUCE (`POST /compute`): a Durable Object per job that runs the command one
// round at a time from its alarm (the same CURSOR rounds a client would send), storing the cursor and
// the progress after every round, so a job survives its own restart and a shard's, and can be cancelled.
import { DurableObject } from "cloudflare:workers";
import { executionContext } from "../../worker/routing/execute";
import { replyJson } from "../../worker/wire/json";
import { type Reply, ReplyError } from "../../worker/wire/resp";
import { runMapReduce, type RoundProgress } from "./coordinator";
import { parseMapReduce, resumeCommand } from "./options";

export type JobStatus = "running" | "done" | "failed" | "cancelled";

/** What `GET /compute/<id>` answers. `result` is the reply as JSON text once done (or the error). */
export interface JobView {
  readonly status: JobStatus;
  readonly shards: number;
  readonly shardsDone: number;
  readonly keysMapped: number;
  readonly rounds: number;
  readonly elapsedMs: number;
  readonly resultJson?: string;
  readonly error?: string;
}

interface JobState {
  command: Uint8Array[];
  shards: number[];
  total: number;
  cursor: string;
  status: JobStatus;
  shardsDone: number;
  keysMapped: number;
  rounds: number;
  startedAt: number;
  updatedAt: number;
  resultJson?: string;
  error?: string;
}

export const jobObjectName = (id: string) => `compute-${id}`;

export class ComputeJob extends DurableObject<Env> {
  async start(command: Uint8Array[], shards: number[], total: number): Promise<void> {
    if (await this.ctx.storage.get("job")) return;
    const now = Date.now();
    const job: JobState = { command, shards, total, cursor: "0", status: "running", shardsDone: 0, keysMapped: 0, rounds: 0, startedAt: now, updatedAt: now };
    await this.ctx.storage.put("job", job);
    await this.ctx.storage.setAlarm(now);
  }

  async view(): Promise<JobView | null> {
    const job = await this.ctx.storage.get<JobState>("job");
    if (!job) return null;
    const { status, shardsDone, keysMapped, rounds, resultJson, error } = job;
    return { status, shards: job.shards.length, shardsDone, keysMapped, rounds, elapsedMs: job.updatedAt - job.startedAt, resultJson, error };
  }

  /** Stops a running job after its current round; false when it had already ended (or never existed). */
  async cancel(): Promise<boolean> {
    const job = await this.ctx.storage.get<JobState>("job");
    if (!job || job.status !== "running") return false;
    job.status = "cancelled";
    job.updatedAt = Date.now();
    await this.ctx.storage.put("job", job);
    await this.ctx.storage.deleteAlarm();
    return true;
  }

  /** One round on every shard not yet done; the next round is scheduled only after this one is stored. */
  async alarm(): Promise<void> {
    const job = await this.ctx.storage.get<JobState>("job");
    if (!job || job.status !== "running") return;
    const mr = parseMapReduce(job.command, false);
    // The gateway's own transport: each shard's primary as the topology names it now, with its epoch.
    const { transport } = await executionContext(this.env, { access: "full", port: 0 });
    const progress: RoundProgress = { keysMapped: 0, shardsDone: 0 };
    let reply: Reply;
    if (mr instanceof ReplyError) reply = mr;
    else {
      const call = async (shard: number, command: Uint8Array[]) => (await transport.execute(shard, [command]))[0]!;
      reply = await runMapReduce(resumeCommand(mr, job.cursor), job.shards, job.total, call, progress);
    }
    // A cancel during the round wins: its result is dropped.
    const now = await this.ctx.storage.get<JobState>("job");
    if (!now || now.status !== "running") return;
    job.rounds++;
    job.updatedAt = Date.now();
    if (reply instanceof ReplyError) {
      job.status = "failed";
      job.error = reply.message;
    } else {
      const [cursor, result] = reply as [Uint8Array, Reply];
      job.cursor = new TextDecoder().decode(cursor);
      job.keysMapped += progress.keysMapped;
      job.shardsDone = progress.shardsDone;
      if (job.cursor === "0") {
        job.status = "done";
        job.resultJson = replyJson(result, false);
      }
    }
    await this.ctx.storage.put("job", job);
    if (job.status === "running") await this.ctx.storage.setAlarm(Date.now());
  }
}
