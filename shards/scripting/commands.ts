// EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT inside a shard, and the rules for the commands a
// script may call (https://redis.io/docs/manual/programmability/eval-intro/).
import { commandSpec, isWrite } from "../commands";
import { ReplyError, Status, type Reply } from "../../worker/wire/resp";
import { ScriptCache, sha1hex } from "./cache";
import { LuaRuntime } from "./runtime";
import { ScriptKeys, type SlotRange } from "./script-keys";
import { parseShebang, type Shebang } from "./shebang";

/** The commands the script runner answers, not the core. */
export const SCRIPT_COMMANDS: ReadonlySet<string> = new Set(["eval", "evalsha", "eval_ro", "evalsha_ro", "script"]);
const decoder = new TextDecoder();
const NOSCRIPT = "NOSCRIPT No matching script. Please use EVAL.";

/** Does this lower-case command name run in the script runner rather than the core? */
export function isScriptCommand(name: string): boolean {
  return SCRIPT_COMMANDS.has(name);
}

/** Executes one command through the core, synchronously, returning its reply. */
export type CoreCall = (args: Uint8Array[]) => Reply;

/** What a script run needs from its shard. */
export interface ScriptHost {
  readonly call: CoreCall;
  /** The slots the shard owns, as the gateway routed by; absent (a shard addressed directly): all. */
  readonly slots?: SlotRange;
  /** Whether the shard is out of memory for writes (Redis: used memory over maxmemory). */
  outOfMemory(): boolean;
}

const OOM = "OOM command not allowed when used memory > 'maxmemory'.";

export class ScriptRunner {
  private readonly runtime = new LuaRuntime();
  /** Each script's shebang, parsed once per sha (beside the runtime's compiled function). */
  private readonly shebangs = new Map<string, Shebang>();

  constructor(private readonly cache: ScriptCache) {}

  /** A cached script's source (a cross-shard transaction runs it elsewhere). */
  scriptBody(sha: string): Uint8Array | undefined {
    return this.cache.get(sha);
  }

  /**
   * Whether an EVAL/EVALSHA promises to touch only the keys it declares (`allow-key-locking`), so a
   * shard may let it run while a transaction holds other keys. False when unknown (no such script).
   */
  declaresAllItsKeys(args: readonly Uint8Array[]): boolean {
    if (args.length < 2) return false;
    const name = decoder.decode(args[0]).toLowerCase();
    const sha = name.startsWith("evalsha") ? decoder.decode(args[1]).toLowerCase() : sha1hex(args[1]!);
    const body = name.startsWith("evalsha") ? this.cache.get(sha) : args[1];
    if (body === undefined) return false;
    const shebang = this.shebang(sha, body);
    return !(shebang instanceof ReplyError) && shebang.flags.allowKeyLocking;
  }

  /** Whether the last script run was aborted over its budget. */
  get lastRunAborted(): boolean {
    return this.runtime.lastRunAborted;
  }

  execute(args: Uint8Array[], host: ScriptHost): Reply {
    const name = decoder.decode(args[0]).toLowerCase();
    if (name === "script") return this.script(args);
    if (args.length < 3) return new ReplyError(`ERR wrong number of arguments for '${name}' command`);
    const readOnly = name.endsWith("_ro");
    let sha: string;
    let body: Uint8Array | undefined;
    if (name.startsWith("evalsha")) {
      sha = decoder.decode(args[1]).toLowerCase();
      body = sha.length === 40 ? this.cache.get(sha) : undefined;
      if (body === undefined) return new ReplyError(NOSCRIPT);
    } else {
      body = args[1];
      sha = sha1hex(body);
    }
    const shebang = this.shebang(sha, body);
    // Redis refuses a script declared able to write, and not allow-oom, before reading its arguments
    // (processCommand's OOM check on the flags the shebang gives the command).
    if (!(shebang instanceof ReplyError) && shebang.flags.shebang && !shebang.flags.noWrites && !shebang.flags.allowOom && host.outOfMemory()) {
      return new ReplyError(OOM);
    }
    const numkeys = parseInteger(args[2]);
    if (numkeys === null) return new ReplyError("ERR value is not an integer or out of range");
    if (numkeys < 0) return new ReplyError("ERR Number of keys can't be negative");
    if (numkeys > args.length - 3) return new ReplyError("ERR Number of keys can't be greater than number of args");
    if (shebang instanceof ReplyError) return shebang;
    const { flags, codeStart } = shebang;
    const code = body.subarray(codeStart);
    const refused = flags.noCluster
      ? "ERR Can not run script on cluster, 'no-cluster' flag is set."
      : flags.shebang && !flags.noWrites && readOnly
        ? "ERR Can not execute a script with write flag using *_ro command."
        : null;
    // A compile error comes first, as Redis compiles before it checks the flags (compiling caches).
    if (refused !== null) return this.runtime.compile(sha, code) ?? new ReplyError(refused);
    if (!this.cache.has(sha)) this.cache.remember(sha, body);
    const keys = args.slice(3, 3 + numkeys);
    const argv = args.slice(3 + numkeys);
    const rules = new ScriptKeys(keys, flags.allowKeyLocking, host.slots);
    const writesRefused = readOnly || flags.noWrites;
    return this.runtime.run(sha, code, keys, argv, (call) => callFromScript(call, writesRefused, rules, host.call));
  }

  private lastMap: { body: Uint8Array; sha: string } | null = null;

  /** Instructions the last run used (approximate, see LuaRuntime.lastRunInstructions). */
  get lastRunInstructions(): number {
    return this.runtime.lastRunInstructions;
  }

  /**
   * A MAPREDUCE map script on one key: `KEYS[1]` is the key, `ARGV` the args; writes are refused
   * unless `writes` (and then only without `no-writes`), with EVAL_RO's error. Not cached for EVALSHA.
   */
  runMap(body: Uint8Array, key: Uint8Array, argv: Uint8Array[], writes: boolean, host: ScriptHost): Reply {
    // One chunk maps many keys with the same body: hash it once.
    if (this.lastMap?.body !== body) this.lastMap = { body, sha: sha1hex(body) };
    const sha = this.lastMap.sha;
    const shebang = this.shebang(sha, body);
    if (shebang instanceof ReplyError) return shebang;
    const rules = new ScriptKeys([key], false, host.slots);
    const writesRefused = !writes || shebang.flags.noWrites;
    return this.runtime.run(sha, body.subarray(shebang.codeStart), [key], argv, (call) => callFromScript(call, writesRefused, rules, host.call));
  }

  /** A MAPREDUCE reduce script over `values` (its ARGV); it may not call commands. */
  runReduce(body: Uint8Array, values: Uint8Array[]): Reply {
    const sha = sha1hex(body);
    const shebang = this.shebang(sha, body);
    if (shebang instanceof ReplyError) return shebang;
    return this.runtime.run(sha, body.subarray(shebang.codeStart), [], values, () => new ReplyError("ERR a MAPREDUCE reduce script may not call commands"));
  }

  /** Refused shebangs are not kept: such a script is never cached, so its entry would never go. */
  private shebang(sha: string, body: Uint8Array): Shebang | ReplyError {
    const known = this.shebangs.get(sha);
    if (known !== undefined) return known;
    const shebang = parseShebang(body);
    if (!(shebang instanceof ReplyError)) this.shebangs.set(sha, shebang);
    return shebang;
  }

  private script(args: Uint8Array[]): Reply {
    const sub = args.length > 1 ? decoder.decode(args[1]).toLowerCase() : "";
    if (sub === "load" && args.length === 3) {
      const sha = sha1hex(args[2]);
      const shebang = this.shebang(sha, args[2]);
      if (shebang instanceof ReplyError) return shebang;
      const error = this.runtime.compile(sha, args[2].subarray(shebang.codeStart));
      if (error) return error;
      this.cache.persist(sha, args[2]);
      return new TextEncoder().encode(sha);
    }
    if (sub === "exists" && args.length >= 3) {
      return args.slice(2).map((sha) => (this.cache.has(decoder.decode(sha).toLowerCase()) ? 1 : 0));
    }
    if (sub === "flush" && args.length <= 3) {
      const mode = args.length === 3 ? decoder.decode(args[2]).toLowerCase() : "sync";
      if (mode !== "sync" && mode !== "async") return new ReplyError("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
      this.cache.flush();
      this.runtime.flush();
      this.shebangs.clear();
      return new Status("OK");
    }
    if (sub === "load" || sub === "exists" || sub === "flush") {
      return new ReplyError(`ERR wrong number of arguments for 'script|${sub}' command`);
    }
    return new ReplyError(`ERR unknown subcommand '${args.length > 1 ? decoder.decode(args[1]) : ""}'. Try SCRIPT HELP.`);
  }
}

/** The checks Redis makes before a script's redis.call reaches the command. */
function callFromScript(args: Uint8Array[], readOnly: boolean, keys: ScriptKeys, core: CoreCall): Reply {
  const name = decoder.decode(args[0]).toLowerCase();
  if (isScriptCommand(name)) return new ReplyError("ERR This Redis command is not allowed from script");
  const spec = commandSpec(name);
  if (spec === undefined) return new ReplyError("ERR Unknown Redis command called from script");
  if (spec.arity > 0 ? args.length !== spec.arity : args.length < -spec.arity) {
    return new ReplyError("ERR Wrong number of args calling Redis command from script");
  }
  // Commands the shard cannot answer alone (gateway-local, fanned out, containers) are refused too.
  // SCAN walks the running shard's keys, as a Redis Cluster node's SCAN walks its own
  // (@upstash/ratelimit's reset script scans and deletes).
  if (spec.flags.includes("noscript") || !["single", "perKey", "cursor"].includes(spec.split.kind)) {
    return new ReplyError("ERR This Redis command is not allowed from script");
  }
  if (readOnly && isWrite(spec)) return new ReplyError("ERR Write commands are not allowed from read-only scripts.");
  return keys.check(spec, args) ?? core(args);
}

function parseInteger(bytes: Uint8Array): number | null {
  const text = decoder.decode(bytes);
  if (!/^-?\d{1,18}$/.test(text)) return null;
  return Number(text);
}
