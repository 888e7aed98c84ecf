// What one script run may allocate, beside its instruction budget: the caps on strings and on the
// Lua objects a run creates, fed by the allocation reports bundle.mjs patches into fengari.
import fengari from "./build/fengari.js";

type LuaState = unknown;

/**
 * The largest string a script may build or receive: 16 MiB. Redis allows 512 MB (proto-max-bulk-len),
 * but a Durable Object has 128 MB for everything, of which the core's linear memory may take up to
 * its maxmemory (96 MiB by default); a request body is at most 10 MB, so no client value a script
 * reads is near this, and a string this size, copied once more into a reply, still fits.
 */
export const MAX_STRING_BYTES = 16 * 1024 * 1024;

/**
 * Bytes a run may allocate in Lua objects: 64 MiB. fengari has no allocator hook and gives no view
 * of what is still live, so this counts every string (its bytes plus ~240 for its JS objects), table
 * (~450), table entry (~180), closure and coroutine a run creates, garbage included, with costs
 * measured in Node 22 (a 10-million-instruction loop of `t[#t+1] = i` held ~500 MB, `t[i] = {}` over
 * 1 GB). Allocation bounds what is live, so a run never holds more than half the isolate; it also
 * bounds time the instruction count misses (1–4 µs per allocation): ~300,000 small objects.
 */
export const MAX_ALLOCATED_BYTES = 64 * 1024 * 1024;

/**
 * What one redis.call costs against the instruction budget: ~3–5 µs of JS and WebAssembly (encode,
 * run in the core, decode, convert) the count hook never sees, i.e. ~150 instructions at ~22 ns. Without
 * it `while true do redis.call('INCR', k) end` ran ~2 million calls (seconds) inside a 0.2 s budget;
 * with it a run still makes up to ~65,000 calls.
 */
export const REDIS_CALL_INSTRUCTIONS = 150;

/** Per-string overhead beyond its bytes (TString, Uint8Array, ArrayBuffer), measured. */
const STRING_OVERHEAD = 240;

/** How the runtime ends a run from inside fengari: records why, then raises (it never returns). */
export type Abort = (L: LuaState, message: string) => number;

/** The meter of one run: installed as fengari's sink for the run's duration. */
export class RunLimits {
  private allocated = 0;
  private tripped = false;

  constructor(
    private readonly abort: Abort,
    /** Charges JS work the count hook cannot see (matcher steps, buffer appends) as instructions. */
    readonly step: (L: LuaState, instructions: number) => void,
  ) {}

  /** Runs `body` with this meter counting; always uninstalls it. */
  metered<T>(body: () => T): T {
    this.allocated = 0;
    this.tripped = false;
    fengari.meter.sink = this;
    // math.randomseed's state is the isolate's: a script seeding it must not steer the next one's.
    fengari.resetRandom();
    try {
      return body();
    } finally {
      fengari.meter.sink = null;
    }
  }

  /** A string of `length` bytes is about to be allocated. */
  reserve(L: LuaState, length: number): void {
    if (length > MAX_STRING_BYTES) this.abort(L, `ERR Script aborted: a string of ${length} bytes is over the limit of ${MAX_STRING_BYTES} bytes`);
  }

  string(L: LuaState, length: number): void {
    this.reserve(L, length);
    this.allocate(L, length + STRING_OVERHEAD);
  }

  /**
   * Raises once: raising allocates too (the message), and after the first raise the count hook
   * stops every thread of the run within a few instructions, so nothing can keep allocating long.
   */
  allocate(L: LuaState, bytes: number): void {
    this.allocated += bytes;
    if (this.allocated <= MAX_ALLOCATED_BYTES || this.tripped) return;
    this.tripped = true;
    this.abort(L, `ERR Script aborted: it allocated more than ${MAX_ALLOCATED_BYTES} bytes`);
  }
}
