// A shard: a SQLite-backed Durable Object whose WebAssembly core executes RESP batches; every
// batch's effects are in the log before its replies leave the object.
import { DurableObject } from "cloudflare:workers";
import coreModule from "../wasm/build/core.wasm";
import { Core, type BatchResult } from "../wasm/host";
import { concatBytes } from "../worker/wire/bytes";
import { decodeReplies, encodeCommands, encodeReply, ReplyError, ReplyReader } from "../worker/wire/resp";
import { shardConfig, type ShardConfig, type ShardEnv } from "./config";
import { failedBatchReplies } from "./failure";
import { toArrayBuffer } from "./persistence/blobs";
import { checkpointDirty, checkpointDue } from "./persistence/checkpoint";
import { internalCommand } from "./persistence/internal";
import { EffectLog } from "./persistence/log";
import { recover } from "./persistence/recovery";
import { createSchema } from "./persistence/schema";
import { ScriptCache } from "./scripting/cache";
import { isScriptCommand, SCRIPT_COMMANDS, ScriptRunner } from "./scripting/commands";
import { CommandNames } from "./command-names";
import { isComputeCommand, runMapChunk } from "./compute/map-chunk";
import { decisionObjectName } from "./transactions/decision";
import { KeyLocks } from "./transactions/locks";
import { batchKeys, stateQuery } from "./transactions/participant";
import type { SlotRange } from "./scripting/script-keys";
import type { SlotMove, SlotRanges } from "./coordinator/slots";
import type { Route } from "./slots/route";
import { loadOwnership, movedKeysVersion, movedVersion, overlaps, ownershipEntry, readOwnershipEntry, servedRanges, storeOwnership, withoutRange, withRange, type Ownership } from "./slots/ownership";
import { countRange, deleteRange, exportChunk, importChunk, type MigrationHost } from "./slots/migration";
import { clearStaging } from "./slots/transfer";
import { REPLICATION_COMMANDS } from "./commands";
import { answerTaken, splitReplicationCommands } from "./replication/commands";
import { readOnlyBatch } from "./replication/reads";
import { keyspaceDigest } from "./replication/digest";
import { keySlot as keySlotOf } from "../worker/routing/key-slot";
import { addReplicationInfo } from "./replication/info";
import { stageSnapshot } from "./replication/snapshot";
import { type ReplicaAck, type ReplicationMessage, type ReplicationOptions } from "./replication/messages";
import { ReplicationPrimary } from "./replication/primary";
import { isPrefixOf, lineageEpoch, loadMemberState, promoted, storeMemberState, type MemberState } from "./replication/member";
import { TestFaults, type FaultKind } from "./replication/faults";
import { lockStateEntry, readLockState } from "./replication/lock-state";

const decoder = new TextDecoder();
/** Commands the shard answers apart from (or besides) its core: scripts and MAPREDUCE, WAIT and
 * ROLE, INFO (which gains the replication section). */
const SPECIAL_NAMES = new CommandNames([new Set([...SCRIPT_COMMANDS, "mapreduce"]), REPLICATION_COMMANDS, new Set(["info"])]);
const SCRIPTS = 1;
const REPLICATION = 2;
const INFO = 4;
/** Expired keys removed per sweep step; the alarm repeats steps while they come back full. */
const SWEEP_STEP_KEYS = 1000;
const SWEEP_MAX_STEPS = 20;
/**
 * How long a cross-shard transaction may hold this shard's keys before the shard asks its decision
 * record. Generous next to a transaction's few round trips, short enough that a dead gateway blocks
 * its keys for seconds, not minutes.
 */
const TX_LOCK_MS = 10_000;
/** A short key with a one-byte value takes 16 bytes in the core's accounting (measured): less room
 * than that is out of memory. */
const SMALLEST_ENTRY_BYTES = 16;
/** How long a sync-mode write waits for a replica's acknowledgement before answering NOREPLICAS. */
const SYNC_ACK_MS = 5_000;

/** The shard's bindings: its settings, and the decision records of cross-shard transactions. */
type ShardBindings = ShardEnv & {
  TX_DECISION: DurableObjectNamespace<import("./transactions/decision").TxDecision>;
  /** The shard namespace itself: a primary reaches its replicas here. */
  SHARD: DurableObjectNamespace<Shard>;
};

export class Shard extends DurableObject<ShardBindings> {
  private readonly config: ShardConfig;
  private core!: Core;
  private log!: EffectLog;
  private scripts!: ScriptRunner;
  /** Outlives rebuilds of the core: waiters hold promises into it. */
  private locks!: KeyLocks;
  /** Replication as a primary: senders to the replicas the gateway named. */
  private primary!: ReplicationPrimary;
  /** Set on a replica: its primary's name (kept in storage, so a restarted replica stays one). */
  private replicaOf: string | null = null;
  /** Epoch, lineage and divergence of this object's log (replication/member.ts). */
  private member!: MemberState;
  /** The test hook that makes this object fail, hang or forget (EDGESLOT_TEST_FAULTS only). */
  private readonly faults: TestFaults;
  /** The slots this shard serves and the ranges it froze for moves; null until a move touches it (shards/slots/). */
  private slots: Ownership | null = null;
  /** Commands run since the object started (the coordinator's auto-split compares rates). */
  private commandsRun = 0;
  /** When the alarm is set for (null: not set). */
  private alarmAt: number | null = null;
  /** The shard's clock. Tests replace it to move time forward instead of sleeping. */
  clock: () => number = Date.now;
  /** How long a sync-mode write waits for a replica. Tests shorten it to see the refusal. */
  syncAckMs = SYNC_ACK_MS;

  /** Bytes per replication push (rows of a snapshot chunk, or log entries). Tests shrink it to see a
   * small keyspace cross in many chunks. */
  set replicationMessageBytes(bytes: number) {
    this.primary.messageBytes = bytes;
  }

  constructor(ctx: DurableObjectState, env: ShardBindings) {
    super(ctx, env);
    this.config = shardConfig(env);
    this.faults = new TestFaults(env.EDGESLOT_TEST_FAULTS === "1");
    void ctx.blockConcurrencyWhile(() => this.boot());
  }

  /** Everything in memory, from storage: at start, and when a test makes the object forget. */
  private async boot(): Promise<void> {
    const { ctx, env } = this;
    this.start();
    this.locks = new KeyLocks(ctx.storage.sql);
    this.primary?.stop();
    this.primary = new ReplicationPrimary({
      sql: ctx.storage.sql,
      log: () => this.log,
      sender: () => ({ primary: this.name, epoch: lineageEpoch(this.member.lineage), lineage: this.member.lineage }),
      locks: () => this.locks.stored(),
      slots: () => this.slots,
      replica: (name) => env.SHARD.get(env.SHARD.idFromName(name)),
      retryLater: () => this.scheduleAlarm(Date.now() + 1000),
      deposed: (epoch) => this.depose(epoch),
    });
    const role = ctx.storage.sql.exec<{ value: string }>("SELECT value FROM log_meta WHERE name = 'replica_of'").toArray()[0];
    this.replicaOf = role?.value ?? null;
    this.member = loadMemberState(ctx.storage.sql);
    const replication = ctx.storage.sql.exec<{ value: string }>("SELECT value FROM log_meta WHERE name = 'replication'").toArray()[0];
    if (replication && this.leads()) this.primary.configure(JSON.parse(replication.value) as ReplicationOptions);
    this.alarmAt = await ctx.storage.getAlarm();
    for (const lock of this.locks.held) this.scheduleAlarm(lock.deadline);
  }

  /** This object's name in its namespace (shard-i, shard-i-replica-j): replicas learn whom they follow. */
  private get name(): string {
    return this.ctx.id.name ?? this.ctx.id.toString();
  }

  /** The core's keyspace hash seed, its group's own. */
  private get keySeed(): number {
    return groupSeed(this.name);
  }

  /** A primary that has heard of no newer epoch than its own: the only state in which it takes writes. */
  private leads(): boolean {
    return this.replicaOf === null && !this.member.resync && lineageEpoch(this.member.lineage) === this.member.epoch;
  }

  /**
   * Executes a RESP batch atomically and returns one RESP reply per command. While a cross-shard
   * transaction holds some keys, a batch naming one of them waits its turn. Addressed directly (tests,
   * benches), scripts may touch every slot the shard serves.
   */
  async execute(batch: ArrayBuffer): Promise<ArrayBuffer> {
    return (await this.executeRouted(batch, undefined)) as ArrayBuffer;
  }

  /** `execute` as the gateway calls it: `route` is the slot map's version and this shard's slots in it
   * (scripts may touch only those keys); a batch routed by an older map that names a key this shard
   * no longer serves is refused unrun with the version to wait for (MOVED). */
  async executeRouted(batch: ArrayBuffer, route: Route | undefined): Promise<ArrayBuffer | { moved: number }> {
    const commands = new Uint8Array(batch);
    return this.runRouted(commands, route, SPECIAL_NAMES.find(commands).groups);
  }

  /** `executeRouted` for a batch whose special names (`SPECIAL_NAMES`) its caller has found. */
  private async runRouted(commands: Uint8Array, route: Route | undefined, names: number): Promise<ArrayBuffer | { moved: number }> {
    const fault = this.faults.gate();
    if (fault) await fault;
    // A replica's log holds its primary's entries only; a replaced primary's writes would be lost.
    if (!this.leads()) throw new Error(`TRYAGAIN ${this.name} does not lead its shard (${this.replicaOf ? `replica of ${this.replicaOf}` : "replaced"})`);
    // Routed by an older slot map and naming a key this shard no longer serves: refused unrun.
    const moved = movedVersion(this.slots, route, commands);
    if (moved !== null) return { moved };
    const slots = servedRanges(this.slots, route);
    if (this.locks.idle) return this.executeNow(commands, slots, names);
    const done = await this.locks.enter(batchKeys(commands, (command) => this.scripts.declaresAllItsKeys(command)));
    try {
      return this.executeNow(commands, slots, names);
    } finally {
      done();
    }
  }

  /**
   * `execute` for a primary with replicas (or a batch holding WAIT/ROLE): pushes the batch's effects
   * to the replicas, waits for one acknowledgement in sync mode, and answers the log offset the batch
   * reached (the gateway puts it in the sync token).
   */
  async executeReplicated(batch: ArrayBuffer, route: Route | undefined, options: ReplicationOptions): Promise<{ replies: ArrayBuffer; offset: number } | { stale: number } | { moved: number }> {
    const fault = this.faults.gate();
    if (fault) await fault;
    // Fencing: a batch routed by another epoch's topology, or to an object that no longer leads, runs
    // nowhere here; the gateway refreshes its topology and sends it again.
    if (!this.leads() || options.epoch !== this.member.epoch) return { stale: this.member.epoch };
    if (options.replicas.length > 0) this.configureReplication(options);
    const moved = movedVersion(this.slots, route, new Uint8Array(batch));
    if (moved !== null) return { moved };
    const bytes = new Uint8Array(batch);
    // Most batches hold neither WAIT/ROLE nor INFO: they go to the core as they came, never decoded.
    const names = SPECIAL_NAMES.find(bytes);
    const split = names.groups & (REPLICATION | INFO) ? splitReplicationCommands(bytes, REPLICATION_COMMANDS) : { rest: bytes, restCount: names.count, restCommands: [], taken: [] };
    const before = this.log.head;
    // WAIT/ROLE taken out leave the other names as they were.
    const rest = split.restCount === 0 ? new ArrayBuffer(0) : ((await this.runRouted(split.rest, route, names.groups)) as ArrayBuffer);
    let replies: Uint8Array = new Uint8Array(rest);
    const wrote = this.log.head > before;
    if (wrote && options.mode === "sync" && options.replicas.length > 0) {
      const acked = await this.primary.waitFor(this.log.head, 1, this.syncAckMs);
      if (acked < 1) replies = noReplicasReplies(split.restCount);
    }
    if (options.replicas.length > 0 && names.groups & INFO) replies = addReplicationInfo(split.restCommands, replies, () => ({ role: "master", ...this.primary.status() }));
    if (split.taken.length > 0) {
      const position = Math.max(options.position ?? 0, wrote ? this.log.head : 0);
      replies = await answerTaken(split, replies, { primary: options.replicas.length > 0 ? this.primary : null, position, offset: this.log.head });
    }
    return { replies: toArrayBuffer(replies), offset: this.log.head };
  }

  /**
   * A replica's read: answers once the replica has applied `minOffset` (read-your-writes), else null
   * so the gateway asks the primary. Read-only batches only, and they change nothing: an expired key
   * is hidden, not deleted (its deletion comes from the primary's log, as on a Redis replica).
   */
  async readReplica(batch: ArrayBuffer, minOffset: number, route?: Route): Promise<ArrayBuffer | null> {
    const fault = this.faults.gate();
    if (fault) await fault;
    const replicaOf = this.replicaOf;
    // Only a replica following its epoch's primary: a fenced or diverged log may hold what the
    // primary never acknowledged.
    if (replicaOf === null || this.member.resync || lineageEpoch(this.member.lineage) !== this.member.epoch) return null;
    if (this.log.head < minOffset) return null;
    const commands = new Uint8Array(batch);
    if (!readOnlyBatch(commands) || movedVersion(this.slots, route, commands) !== null) return null;
    const split = splitReplicationCommands(commands, REPLICATION_COMMANDS);
    let replies: Uint8Array;
    try {
      replies = this.core.execute(split.rest, this.clock(), false, true).replies;
    } catch (error) {
      this.start();
      throw error;
    }
    replies = addReplicationInfo(split.restCommands, replies, () => ({ role: "slave", primary: replicaOf, offset: this.log.head }));
    if (split.taken.length === 0) return toArrayBuffer(replies);
    const answers = { primary: null, position: 0, offset: this.log.head, replicaOf: { name: replicaOf, applied: this.log.head } };
    return toArrayBuffer(await answerTaken(split, replies, answers));
  }

  /** Remembers the gateway's replication settings, so a restarted primary's alarm resumes pushing. */
  private configureReplication(options: ReplicationOptions): void {
    const previous = this.primary.configured;
    const same = previous && previous.mode === options.mode && previous.epoch === options.epoch && previous.replicas.join() === options.replicas.join();
    if (same) return;
    const kept = { shard: options.shard, epoch: options.epoch, replicas: options.replicas, mode: options.mode };
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO log_meta (name, value) VALUES ('replication', ?)", JSON.stringify(kept));
    this.primary.configure(kept);
  }

  /**
   * Replication, on the replica: applies the primary's entries in order through the core exactly as
   * log replay does, appending each to this log under the primary's seq, and answers the offset now
   * durable. A gap stops the run; the primary then sends from the answered offset. A push from an
   * older epoch is refused (the sender learns it was replaced); one from a newer epoch is followed
   * only if this log is a prefix of the sender's, else only a snapshot is taken.
   */
  async replicate(message: ReplicationMessage): Promise<ReplicaAck> {
    const fault = this.faults.gate();
    if (fault) await fault;
    if (message.epoch < this.member.epoch) return { applied: this.log.head, epoch: this.member.epoch };
    if (message.epoch !== lineageEpoch(this.member.lineage)) {
      // A new primary: this object may have led before it (then it is deposed now), or followed one.
      if (this.replicaOf === null) this.depose(message.epoch);
      const follows = !this.member.resync && isPrefixOf(this.member.lineage, this.log.head, message.lineage);
      this.setMember({ epoch: message.epoch, lineage: follows ? message.lineage : this.member.lineage, resync: !follows });
    }
    if (this.replicaOf !== message.primary) {
      this.ctx.storage.sql.exec("INSERT OR REPLACE INTO log_meta (name, value) VALUES ('replica_of', ?)", message.primary);
      this.replicaOf = message.primary;
    }
    if (message.kind === "snapshot") {
      const outcome = stageSnapshot(this.ctx.storage, this.log, message);
      if (outcome === "out of sequence") return { applied: this.log.head, resync: true };
      if (outcome === "staged") return { applied: this.log.head, staged: true };
      this.setMember({ epoch: message.epoch, lineage: message.lineage, resync: false });
      KeyLocks.replaceStored(this.ctx.storage.sql, message.locks);
      this.locks = new KeyLocks(this.ctx.storage.sql);
      if (message.slots) this.keepOwnership(message.slots);
      this.start();
    }
    if (this.member.resync) return { applied: this.log.head, resync: true };
    let lockState = false;
    try {
      for (const entry of message.entries) {
        if (entry.seq <= this.log.head) continue;
        if (entry.seq !== this.log.head + 1) break;
        const effects = new Uint8Array(entry.effects);
        const locks = readLockState(effects);
        const slots = locks ? null : readOwnershipEntry(effects);
        if (locks) KeyLocks.replaceStored(this.ctx.storage.sql, locks);
        else if (slots) this.keepOwnership(slots);
        else this.core.execute(effects, this.clock(), true);
        lockState ||= locks !== null;
        this.log.appendAt(entry.seq, effects);
      }
      if (lockState) this.locks = new KeyLocks(this.ctx.storage.sql);
    } catch (error) {
      console.error(`replica of ${message.primary}: applying failed, rebuilding from storage: ${(error as Error).message}`);
      this.start();
    }
    this.compactAndSchedule();
    return { applied: this.log.head };
  }

  /**
   * Failover, step one (the coordinator, on every member of the group): from now on pushes and
   * batches of epochs before `epoch` are refused. Answers where this log stands, so the coordinator
   * can promote the member holding the most.
   */
  async fence(epoch: number): Promise<MemberStatus> {
    const fault = this.faults.gate();
    if (fault) await fault;
    if (epoch > this.member.epoch) this.setMember({ ...this.member, epoch });
    return this.memberStatus();
  }

  /** Failover, step two: this member leads at `epoch`, pushing to `replicas`. */
  async promote(epoch: number, replicas: readonly string[], shard: number, mode: ReplicationOptions["mode"]): Promise<MemberStatus> {
    const fault = this.faults.gate();
    if (fault) await fault;
    if (epoch < this.member.epoch || epoch <= lineageEpoch(this.member.lineage) || this.member.resync) {
      throw new Error(`cannot lead at epoch ${epoch}: at ${this.member.epoch}, log of epoch ${lineageEpoch(this.member.lineage)}${this.member.resync ? ", diverged" : ""}`);
    }
    this.setMember({ epoch, lineage: promoted(this.member.lineage, epoch, this.log.head), resync: false });
    this.ctx.storage.sql.exec("DELETE FROM log_meta WHERE name = 'replica_of'");
    this.replicaOf = null;
    // The locks its primary held, as replicated: settled through their decision records at deadline.
    this.locks = new KeyLocks(this.ctx.storage.sql);
    for (const lock of this.locks.held) this.scheduleAlarm(lock.deadline);
    this.configureReplication({ shard, epoch, replicas, mode });
    this.scheduleSweep();
    return this.memberStatus();
  }

  /** Where this member stands: log head, epochs, role (the coordinator's probe and candidate choice). */
  async memberStatus(): Promise<MemberStatus> {
    const fault = this.faults.gate();
    if (fault) await fault;
    return {
      head: this.log.head,
      epoch: this.member.epoch,
      logEpoch: lineageEpoch(this.member.lineage),
      role: this.leads() ? "primary" : this.replicaOf !== null ? "replica" : "fenced",
      resync: this.member.resync,
      usedMemory: this.core.usedMemory(),
      commands: this.commandsRun,
    };
  }

  /** Test hook: fail every call, hang every call, forget memory (rebuild from storage), or recover. */
  async testFault(kind: FaultKind): Promise<void> {
    this.faults.set(kind);
    if (kind === "forget") {
      this.faults.set("clear");
      await this.ctx.blockConcurrencyWhile(() => this.boot());
    }
  }

  /**
   * Slot move, on the source (shards/slots/README.md): stops serving [first, last] at the move's
   * version, durably and in the log (so replicas and a promoted replica agree). `owned`: the source's
   * ranges as published, taken as its state when it has none yet. Busy while a cross-shard transaction
   * holds a key of the range (its writes must land before the copy).
   */
  async slotsFreeze(move: SlotMove, owned: SlotRanges): Promise<{ frozen: true; keys: number } | { busy: true }> {
    await this.mustLead();
    const state = this.slots ?? { version: 0, owned, frozen: [] };
    if (!state.frozen.some((m) => sameMove(m, move))) {
      if (this.locks.held.some((lock) => lock.keys.some((key) => { const slot = keySlotOf(key); return slot >= move.first && slot <= move.last; }))) return { busy: true };
      this.setOwnership({ version: state.version, owned: withoutRange(state.owned, move.first, move.last), frozen: [...state.frozen, move] });
    }
    // A replica holds the freeze before any copy starts: a replica promoted later must not serve the
    // range beside the target. None acknowledging (also on a retried call: this object may have
    // stopped before the ack) serves the range again; the runner only freezes before any copy, so
    // there is nothing to undo on the target, and it asks again later.
    if (this.primary.configured && this.primary.configured.replicas.length > 0 && (await this.primary.waitFor(this.log.head, 1, this.syncAckMs)) < 1) {
      const frozen = this.slots!;
      this.setOwnership({ version: frozen.version, owned: withRange(frozen.owned, move.first, move.last), frozen: frozen.frozen.filter((m) => !sameMove(m, move)) });
      return { busy: true };
    }
    return { frozen: true, keys: countRange(this.migrationHost(), move.first, move.last) };
  }

  /** Slot move, on the source: the frozen range's next chunk of keys after `cursor` ("0" when done). */
  async slotsExport(move: SlotMove, cursor: string, maxBytes: number): Promise<{ chunk: ArrayBuffer; cursor: string }> {
    await this.mustLead();
    if (!this.slots?.frozen.some((m) => sameMove(m, move))) throw new Error(`ERR slots ${move.first}-${move.last} are not frozen for move version ${move.version}`);
    const part = exportChunk(this.migrationHost(), move, cursor, maxBytes);
    return { chunk: toArrayBuffer(part.chunk), cursor: part.cursor };
  }

  /** Slot move, on the target: installs a chunk (through the log). Never into a range it serves. */
  async slotsImport(move: SlotMove, chunk: ArrayBuffer): Promise<void> {
    await this.mustLead();
    this.mustNotServe(move);
    // Moved keys were acknowledged elsewhere: they land whatever this shard's maxmemory says.
    this.core.setMaxMemory(0);
    try {
      importChunk(this.migrationHost(), new Uint8Array(chunk));
    } finally {
      this.core.setMaxMemory(this.config.maxMemory);
    }
    this.compactAndSchedule();
  }

  /** Slot move, on the target: forgets a partial copy of a range it does not serve (a retried move). */
  async slotsClearImport(move: SlotMove): Promise<void> {
    await this.mustLead();
    if (this.slots && this.slots.version >= move.version && this.servesRange(move)) return;
    this.mustNotServe(move);
    clearStaging(this.ctx.storage.sql);
    deleteRange(this.migrationHost(), move.first, move.last);
  }

  /** Slot move, on the target: serves the range from now on, at the move's version. */
  async slotsCommit(move: SlotMove, owned: SlotRanges): Promise<void> {
    await this.mustLead();
    const state = this.slots ?? { version: 0, owned, frozen: [] };
    if (state.version >= move.version && this.servesRange(move)) return;
    this.setOwnership({ version: Math.max(state.version, move.version), owned: withRange(state.owned, move.first, move.last), frozen: state.frozen });
  }

  /** Slot move, on the source: deletes the range's keys (the target serves them) and forgets the freeze. */
  async slotsDrop(move: SlotMove): Promise<void> {
    await this.mustLead();
    this.mustNotServe(move);
    deleteRange(this.migrationHost(), move.first, move.last);
    const state = this.slots!;
    this.setOwnership({ version: Math.max(state.version, move.version), owned: state.owned, frozen: state.frozen.filter((m) => !sameMove(m, move)) });
    this.compactAndSchedule();
  }

  async slotsState(): Promise<{ version: number; owned: [number, number][]; frozen: SlotMove[] } | null> {
    const fault = this.faults.gate();
    if (fault) await fault;
    const state = this.slots;
    return state ? { version: state.version, owned: state.owned.map(([a, b]) => [a, b]), frozen: [...state.frozen] } : null;
  }

  /** A slot-move call: a member failing (test fault) or not leading refuses it. */
  private async mustLead(): Promise<void> {
    const fault = this.faults.gate();
    if (fault) await fault;
    if (!this.leads()) throw new Error(`TRYAGAIN ${this.name} does not lead its shard`);
  }

  private servesRange(move: SlotMove): boolean {
    const owned = this.slots?.owned ?? [];
    return owned.some(([a, b]) => a <= move.first && b >= move.last);
  }

  private mustNotServe(move: SlotMove): void {
    if (this.slots && overlaps(this.slots.owned, move.first, move.last)) throw new Error(`ERR this shard serves slots in ${move.first}-${move.last}`);
  }

  private migrationHost(): MigrationHost {
    return { runLogged: (batch) => this.runLogged(batch), sql: this.ctx.storage.sql };
  }

  /** A new ownership state: stored, and logged so replicas (and their promotion) agree. */
  private setOwnership(state: Ownership): void {
    this.keepOwnership(state);
    this.appendEffects(ownershipEntry(state));
  }

  private keepOwnership(state: Ownership): void {
    storeOwnership(this.ctx.storage.sql, state);
    this.slots = state;
  }

  /** A newer epoch exists, so another member leads now: stop pushing, and answer every waiter. */
  private depose(epoch: number): void {
    if (epoch > this.member.epoch) this.setMember({ ...this.member, epoch });
    this.primary.stop();
    this.ctx.storage.sql.exec("DELETE FROM log_meta WHERE name = 'replication'");
  }

  private setMember(state: MemberState): void {
    storeMemberState(this.ctx.storage.sql, state);
    this.member = state;
  }

  /** A fingerprint of the keyspace (tests compare a primary with its replicas). */
  digest(): Promise<string> {
    return keyspaceDigest(this.core, this.clock());
  }

  /** Cross-shard transaction, phase one: takes `keys` (waiting in line, or with `wait` false only if
   * they are free at once) and answers their states, and the script `sha` names if this shard has it. */
  async txLock(tx: string, shard: number, keys: ArrayBuffer[], sha: string | null, wait = true, route?: Route): Promise<{ states: ArrayBuffer; script: ArrayBuffer | null } | { busy: true } | { moved: number }> {
    const fault = this.faults.gate();
    if (fault) await fault;
    if (!this.leads()) throw new Error(`TRYAGAIN shard ${shard} is changing primary`);
    const moved = movedKeysVersion(this.slots, route, keys.map((key) => new Uint8Array(key)));
    if (moved !== null) return { moved };
    const deadline = this.clock() + TX_LOCK_MS;
    const lock = { tx, shard, keys: keys.map((key) => new Uint8Array(key)), deadline };
    if (wait) await this.locks.lock(lock);
    else if (!this.locks.tryLock(lock)) return { busy: true };
    this.scheduleAlarm(deadline);
    const states = this.runLogged(stateQuery(keys.map((key) => new Uint8Array(key))));
    const script = sha ? this.scripts.scriptBody(sha) : undefined;
    // Sync mode: a replica holds the lock before the coordinator may decide, so were this primary
    // replaced now, its successor settles the transaction through the decision record.
    if (this.noteLocks() && this.primary.configured?.mode === "sync" && (await this.primary.waitFor(this.log.head, 1, this.syncAckMs)) < 1) {
      this.txRelease(tx);
      throw new Error("NOREPLICAS Not enough good replicas to write.");
    }
    return { states: toArrayBuffer(states), script: script ? toArrayBuffer(script) : null };
  }

  /** Cross-shard transaction, committed: installs this shard's writes, logs them and releases the
   * keys in one storage write. A second call (the gateway and a deadline both applying) does nothing.
   * Answers the log offset reached (the gateway's sync token); in sync replication mode, once a
   * replica holds it (or after the acknowledgement timeout: the transaction is decided already). */
  async txApply(tx: string, writes: ArrayBuffer | null): Promise<number> {
    const fault = this.faults.gate();
    if (fault) await fault;
    // A replaced primary's log is discarded when it rejoins: its successor holds the lock (from the
    // replicated lock table) and applies the decided writes at the lock's deadline.
    if (!this.leads()) throw new Error(`TRYAGAIN ${this.name} no longer leads its shard`);
    if (!this.locks.holds(tx)) return this.log.head;
    // A committed decision is applied whatever the memory: refusing one participant's part under
    // maxmemory would leave the transaction half applied. Later writes meet the limit as usual.
    if (writes) {
      this.core.setMaxMemory(0);
      try {
        this.runLogged(new Uint8Array(writes));
      } finally {
        this.core.setMaxMemory(this.config.maxMemory);
      }
    }
    this.locks.unlock(tx);
    this.noteLocks();
    const head = this.log.head;
    if (writes && this.primary.configured?.mode === "sync") await this.primary.waitFor(head, 1, this.syncAckMs);
    return head;
  }

  /** Cross-shard transaction, aborted or read-only: releases the keys. */
  txRelease(tx: string): void {
    if (!this.locks.holds(tx)) return;
    this.locks.unlock(tx);
    this.noteLocks();
  }

  /** With replicas, logs the lock table after a change (replication/lock-state.ts); false without. */
  private noteLocks(): boolean {
    if (!this.primary.configured || this.primary.configured.replicas.length === 0 || !this.leads()) return false;
    this.appendEffects(lockStateEntry(this.locks.stored()));
    return true;
  }

  /** Runs a batch the shard builds itself, logging its effects (lazy expiry deletes, applied writes). */
  private runLogged(batch: Uint8Array): Uint8Array {
    try {
      const { replies, effects } = this.core.execute(batch, this.clock(), false);
      if (effects.length > 0) this.appendEffects(effects);
      return replies;
    } catch (error) {
      this.start();
      throw error;
    }
  }

  private executeNow(commands: Uint8Array, slots: SlotRange | undefined, names: number): ArrayBuffer {
    let replies: Uint8Array;
    try {
      const now = this.clock();
      const result = names & SCRIPTS ? this.executeWithScripts(commands, now, slots) : this.core.execute(commands, now, false);
      this.commandsRun += result.count;
      if (result.effects.length > 0) this.appendEffects(result.effects);
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

  /**
   * A batch holding scripts: the commands between scripts run through the core in one call each;
   * a script runs synchronously (nothing can interleave), each redis.call one core call. The
   * batch's effects are the commands' effects, never the scripts (effects replication).
   */
  private executeWithScripts(commands: Uint8Array, nowMs: number, slots: SlotRange | undefined): BatchResult {
    const replies: Uint8Array[] = [];
    const effects: Uint8Array[] = [];
    let pending: Uint8Array[][] = [];
    let count = 0;
    const run = (batch: Uint8Array[][]) => {
      const result = this.core.execute(encodeCommands(batch), nowMs, false);
      if (result.effects.length > 0) effects.push(result.effects);
      return result.replies;
    };
    const flush = () => {
      if (pending.length > 0) replies.push(run(pending));
      pending = [];
    };
    const host = { call: (args: Uint8Array[]) => new ReplyReader(run([args])).next(), slots, outOfMemory: () => this.outOfMemory() };
    for (const command of decodeReplies(commands) as Uint8Array[][]) {
      count++;
      const name = decoder.decode(command[0]).toLowerCase();
      if (isScriptCommand(name) || isComputeCommand(name)) {
        flush();
        const before = effects.length;
        const reply = isComputeCommand(name) ? runMapChunk(command, this.scripts, host, this.keySeed) : this.scripts.execute(command, host);
        replies.push(Uint8Array.from(encodeReply(reply)));
        if (this.scripts.lastRunAborted && effects.length > before) {
          // Rollback of an aborted script: the batch's earlier effects become durable, then the core
          // is rebuilt from storage, which never saw the script's writes.
          effects.length = before;
          if (before > 0) this.appendEffects(concatBytes(effects));
          effects.length = 0;
          this.start();
        }
      } else pending.push(command);
    }
    flush();
    return { replies: concatBytes(replies), effects: concatBytes(effects), count };
  }

  /**
   * Redis's "used memory > maxmemory" for a core that never passes its limit: less room left than
   * the smallest entry, and no key the eviction policy could remove to make some.
   */
  private outOfMemory(): boolean {
    const { maxMemory, maxMemoryPolicy: policy } = this.config;
    if (this.core.usedMemory() + SMALLEST_ENTRY_BYTES <= maxMemory) return false;
    if (policy === "noeviction") return true;
    return (policy.startsWith("volatile") ? this.core.volatileCount() : this.core.keyCount()) === 0;
  }

  /** Settles transactions whose locks passed their deadline, then sweeps expired keys in steps,
   * logging their deletions like any write. */
  async alarm(): Promise<void> {
    this.alarmAt = null;
    await this.settleExpiredLocks();
    if (this.primary.configured) this.primary.kick();
    // A replica's keys expire by its primary's logged deletions, as Redis replicas' do.
    if (!this.leads()) return;
    for (let step = 0; step < SWEEP_MAX_STEPS; step++) {
      const sweep = internalCommand("__SWEEP", String(SWEEP_STEP_KEYS));
      const { replies, effects } = this.core.execute(sweep, this.clock(), true);
      if (effects.length > 0) this.appendEffects(effects);
      const removed = new ReplyReader(replies).next();
      if (typeof removed !== "number" || removed < SWEEP_STEP_KEYS) break;
    }
    this.compactAndSchedule();
  }

  /** Every logged batch goes through here, so replicas hear of it. */
  private appendEffects(effects: Uint8Array): void {
    this.log.append(effects);
    if (this.primary?.configured) this.primary.kick();
  }

  private start(): void {
    const sql = this.ctx.storage.sql;
    createSchema(sql);
    this.log = new EffectLog(sql);
    this.scripts = new ScriptRunner(new ScriptCache(sql));
    this.slots = loadOwnership(sql);
    // Loading ignores maxmemory, as Redis's does: what storage holds was acknowledged, and a replay that
    // evicted or refused on its own would rebuild a different keyspace than the one that was logged.
    this.core = new Core(coreModule, { maxMemoryPolicy: this.config.maxMemoryPolicy, keySeed: this.keySeed });
    recover(this.core, sql, this.log, this.clock());
    this.core.setMaxMemory(this.config.maxMemory);
  }

  /**
   * Checkpoints once the log is long enough. The batch that got here is already durable in the
   * log, so a failed checkpoint does not fail it: the core, which has forgotten its dirty marks,
   * is rebuilt from rows plus the untrimmed log, and the next write tries again.
   */
  private compactAndSchedule(): void {
    if (checkpointDue(this.log.bytesSinceTrim, this.core.usedMemory(), this.config)) {
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
    if (this.leads() && this.core.volatileCount() > 0) this.scheduleAlarm(Date.now() + this.config.sweepIntervalMs);
  }

  private scheduleAlarm(at: number): void {
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    void this.ctx.storage.setAlarm(at);
  }

  /** A lock past its deadline: its coordinator is gone or late. The decision record settles it. */
  private async settleExpiredLocks(): Promise<void> {
    // A replica's locks are copies: its primary settles them (or it does, once promoted).
    if (!this.leads()) return;
    for (const lock of this.locks.held) {
      if (lock.deadline > this.clock()) {
        this.scheduleAlarm(lock.deadline);
        continue;
      }
      try {
        const record = this.env.TX_DECISION.get(this.env.TX_DECISION.idFromName(decisionObjectName(lock.tx)));
        const answer = await record.resolve(lock.tx, lock.shard);
        if (answer.committed) await this.txApply(lock.tx, answer.writes);
        else this.txRelease(lock.tx);
      } catch (error) {
        console.error(`shard ${this.ctx.id}: could not settle transaction ${lock.tx}, retrying: ${(error as Error).message}`);
        this.scheduleAlarm(Date.now() + 1000);
      }
    }
  }
}

/** What the coordinator learns of a member (Shard.memberStatus). */
export interface MemberStatus {
  readonly head: number;
  /** The newest epoch heard of, and the epoch its log's newest entries belong to. */
  readonly epoch: number;
  readonly logEpoch: number;
  readonly role: "primary" | "replica" | "fenced";
  readonly resync: boolean;
  /** The core's used memory and the commands run since start: the coordinator's auto-split inputs. */
  readonly usedMemory: number;
  readonly commands: number;
}

/** The keyspace hash seed of the group named `name` (shard-i and shard-i-replica-j share shard-i's):
 * a slot move between two groups never meets the same hash (wasm/assembly/table.ts keyHash). */
function groupSeed(name: string): number {
  const group = name.replace(/-replica-\d+$/, "");
  let hash = 0x811c9dc5;
  for (let i = 0; i < group.length; i++) hash = Math.imul(hash ^ group.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

const sameMove = (a: SlotMove, b: SlotMove) => a.first === b.first && a.last === b.last && a.version === b.version;

/** Sync mode, no replica acknowledged: Redis's min-replicas refusal text for each command. */
function noReplicasReplies(count: number): Uint8Array {
  const error = Uint8Array.from(encodeReply(new ReplyError("NOREPLICAS Not enough good replicas to write.")));
  return concatBytes(Array.from({ length: count }, () => error));
}

