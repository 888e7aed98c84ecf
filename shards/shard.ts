// A shard: a SQLite-backed Durable Object whose WebAssembly core executes RESP batches; every
// batch's effects are in the log before its replies leave the object.
import { DurableObject } from "cloudflare:workers";
import coreModule from "../wasm/build/core.wasm";
import { Core } from "../wasm/host";
import { ReplyReader } from "../worker/wire/resp";
import { shardConfig, type ShardConfig, type ShardEnv } from "./config";
import { failedBatchReplies } from "./failure";
import { toArrayBuffer } from "./persistence/blobs";
import { checkpointDirty } from "./persistence/checkpoint";
import { internalCommand } from "./persistence/internal";
import { EffectLog } from "./persistence/log";
import { recover } from "./persistence/recovery";
import { createSchema } from "./persistence/schema";

/** Expired keys removed per sweep step; the alarm repeats steps while they come back full. */
const SWEEP_STEP_KEYS = 1000;
const SWEEP_MAX_STEPS = 20;

export class Shard extends DurableObject<ShardEnv> {
  private readonly config: ShardConfig;
  private core!: Core;
  private log!: EffectLog;
  private sweepScheduled = false;
  /** The shard's clock. Tests replace it to move time forward instead of sleeping. */
  clock: () => number = Date.now;

  constructor(ctx: DurableObjectState, env: ShardEnv) {
    super(ctx, env);
    this.config = shardConfig(env);
    void ctx.blockConcurrencyWhile(async () => {
      this.start();
      this.sweepScheduled = (await ctx.storage.getAlarm()) !== null;
    });
  }

  /** Executes a RESP batch atomically and returns one RESP reply per command. */
  async execute(batch: ArrayBuffer): Promise<ArrayBuffer> {
    const commands = new Uint8Array(batch);
    let replies: Uint8Array;
    try {
      const result = this.core.execute(commands, this.clock(), false);
      if (result.effects.length > 0) this.log.append(result.effects);
      replies = result.replies;
    } catch (error) {
      // The core's memory may now hold effects that never reached storage: rebuild it from what
      // did, so memory and storage agree again, and acknowledge nothing from this batch.
      this.start();
      return toArrayBuffer(failedBatchReplies(commands, (error as Error).message));
    }
    this.compactAndSchedule();
    return toArrayBuffer(replies);
  }

  /** Active expiry: removes expired keys in steps, logging their deletions like any write. */
  async alarm(): Promise<void> {
    this.sweepScheduled = false;
    for (let step = 0; step < SWEEP_MAX_STEPS; step++) {
      const sweep = internalCommand("__SWEEP", String(SWEEP_STEP_KEYS));
      const { replies, effects } = this.core.execute(sweep, this.clock(), true);
      if (effects.length > 0) this.log.append(effects);
      const removed = new ReplyReader(replies).next();
      if (typeof removed !== "number" || removed < SWEEP_STEP_KEYS) break;
    }
    this.compactAndSchedule();
  }

  private start(): void {
    const sql = this.ctx.storage.sql;
    createSchema(sql);
    this.log = new EffectLog(sql);
    this.core = new Core(coreModule, { maxMemory: this.config.maxMemory, maxMemoryPolicy: this.config.maxMemoryPolicy });
    recover(this.core, sql, this.log, this.clock());
  }

  /**
   * Checkpoints once the log is long enough. The batch that got here is already durable in the
   * log, so a failed checkpoint does not fail it: the core, which has forgotten its dirty marks,
   * is rebuilt from rows plus the untrimmed log, and the next write tries again.
   */
  private compactAndSchedule(): void {
    if (this.log.bytesSinceTrim >= this.config.checkpointBytes) {
      try {
        checkpointDirty(this.core, this.ctx.storage, this.log, this.clock());
      } catch (error) {
        console.error(`shard ${this.ctx.id}: checkpoint failed, rebuilding from storage: ${(error as Error).message}`);
        this.start();
      }
    }
    this.scheduleSweep();
  }

  private scheduleSweep(): void {
    if (this.sweepScheduled || this.core.volatileCount() === 0) return;
    this.sweepScheduled = true;
    void this.ctx.storage.setAlarm(Date.now() + this.config.sweepIntervalMs);
  }
}
