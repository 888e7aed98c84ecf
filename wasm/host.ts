// The only JavaScript that touches core.wasm's memory: instantiates the core and runs RESP batches through it.

interface CoreExports {
  memory: WebAssembly.Memory;
  scratch(size: number): number;
  execute(len: number, nowMs: number, flags: number): number;
  replyPtr(): number;
  replyLen(): number;
  effectsPtr(): number;
  effectsLen(): number;
  usedMemory(): number;
  keyCount(): number;
  volatileCount(): number;
  setMaxMemory(bytes: number): void;
  setEvictionPolicy(code: number): number;
  seed(value: number): void;
  seedKeyspace(value: number): number;
}

const FLAG_INTERNAL = 1;
/** A replica's read: expired keys hidden, not deleted (wasm/assembly/db.ts expiryDeletes). */
const FLAG_REPLICA_READ = 2;

/** Redis's maxmemory-policy names the core implements; the index is the core's policy code. */
export const EVICTION_POLICIES = [
  "noeviction", "allkeys-lru", "volatile-lru", "allkeys-random", "volatile-random", "volatile-ttl",
] as const;
export type EvictionPolicy = (typeof EVICTION_POLICIES)[number];

export function isEvictionPolicy(name: string): name is EvictionPolicy {
  return (EVICTION_POLICIES as readonly string[]).includes(name);
}

export interface CoreOptions {
  /** Writes that would take used memory past this answer Redis's OOM error (0 or absent: unlimited). */
  maxMemory?: number;
  /** What a write past maxMemory does: noeviction (the default) answers OOM, the others evict keys. */
  maxMemoryPolicy?: EvictionPolicy;
  /** Seeds RANDOMKEY's generator. */
  seed?: number;
  /** Seeds the keyspace's hash (a shard group's own value, shared by its replicas): keys copied in
   * another keyspace's table order then land spread out (wasm/assembly/table.ts keyHash). */
  keySeed?: number;
}

export interface BatchResult {
  replies: Uint8Array;
  effects: Uint8Array;
  count: number;
}

/** Raised when the core traps: its memory can no longer be trusted and must be rebuilt from storage. */
export class CoreTrapError extends Error {
  constructor(cause: unknown) {
    super(`wasm core trapped: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "CoreTrapError";
  }
}

export class Core {
  private readonly exports: CoreExports;
  private broken: CoreTrapError | null = null;

  constructor(module: WebAssembly.Module, options: CoreOptions = {}) {
    const imports = {
      env: {
        abort(_message: number, _file: number, line: number, column: number): never {
          throw new Error(`abort at ${line}:${column}`);
        },
      },
    };
    // Synchronous instantiation: workerd forbids compiling WebAssembly from bytes at run time.
    const instance = new WebAssembly.Instance(module, imports);
    this.exports = instance.exports as unknown as CoreExports;
    if (options.maxMemory) this.exports.setMaxMemory(options.maxMemory);
    if (options.maxMemoryPolicy !== undefined) this.setEvictionPolicy(options.maxMemoryPolicy);
    if (options.seed !== undefined) this.exports.seed(options.seed);
    if (options.keySeed !== undefined) this.exports.seedKeyspace(options.keySeed);
  }

  /** Runs a RESP batch; replies and effects are copies the caller may keep. `replicaRead`: a
   * replica's read-only batch, which hides expired keys instead of deleting them. */
  execute(batch: Uint8Array, nowMs: number, internal = false, replicaRead = false): BatchResult {
    // The core keeps time as integer milliseconds; a non-finite clock is a caller bug, not a state change.
    if (!Number.isFinite(nowMs)) throw new RangeError(`nowMs must be a finite number, got ${nowMs}`);
    return this.guard(() => {
      const x = this.exports;
      const at = x.scratch(batch.length);
      if (at === 0 && batch.length > 0) throw new Error("cannot grow memory for the input batch");
      // Views are taken after every call that may grow memory (growth detaches them).
      new Uint8Array(x.memory.buffer, at, batch.length).set(batch);
      const count = x.execute(batch.length, nowMs, (internal ? FLAG_INTERNAL : 0) | (replicaRead ? FLAG_REPLICA_READ : 0));
      const buffer = x.memory.buffer;
      const replies = new Uint8Array(buffer, x.replyPtr(), x.replyLen()).slice();
      const effects = new Uint8Array(buffer, x.effectsPtr(), x.effectsLen()).slice();
      return { replies, effects, count };
    });
  }

  usedMemory(): number {
    return this.guard(() => this.exports.usedMemory());
  }

  keyCount(): number {
    return this.guard(() => this.exports.keyCount());
  }

  volatileCount(): number {
    return this.guard(() => this.exports.volatileCount());
  }

  setMaxMemory(bytes: number): void {
    this.guard(() => this.exports.setMaxMemory(bytes));
  }

  setEvictionPolicy(policy: EvictionPolicy): void {
    const code = EVICTION_POLICIES.indexOf(policy);
    if (code < 0) throw new RangeError(`unknown maxmemory policy ${JSON.stringify(policy)}`);
    this.guard(() => this.exports.setEvictionPolicy(code));
  }

  private guard<T>(run: () => T): T {
    if (this.broken) throw this.broken;
    try {
      return run();
    } catch (error) {
      this.broken = new CoreTrapError(error);
      throw this.broken;
    }
  }
}
