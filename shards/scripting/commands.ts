// EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT inside a shard, and the rules for the commands a
// script may call (https://redis.io/docs/manual/programmability/eval-intro/).
import { commandSpec, isWrite } from "../commands";
import { ReplyError, Status, type Reply } from "../../worker/wire/resp";
import { ScriptCache, sha1hex } from "./cache";
import { LuaRuntime } from "./runtime";

const SCRIPT_COMMANDS = new Set(["eval", "evalsha", "eval_ro", "evalsha_ro", "script"]);
const decoder = new TextDecoder();
const NOSCRIPT = "NOSCRIPT No matching script. Please use EVAL.";

/** Does this lower-case command name run in the script runner rather than the core? */
export function isScriptCommand(name: string): boolean {
  return SCRIPT_COMMANDS.has(name);
}

/** Executes one command through the core, synchronously, returning its reply. */
export type CoreCall = (args: Uint8Array[]) => Reply;

export class ScriptRunner {
  private readonly runtime = new LuaRuntime();

  constructor(private readonly cache: ScriptCache) {}

  /** A cached script's source (a cross-shard transaction runs it elsewhere). */
  scriptBody(sha: string): Uint8Array | undefined {
    return this.cache.get(sha);
  }

  /** Whether the last script run was aborted over its budget. */
  get lastRunAborted(): boolean {
    return this.runtime.lastRunAborted;
  }

  execute(args: Uint8Array[], core: CoreCall): Reply {
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
    const numkeys = parseInteger(args[2]);
    if (numkeys === null) return new ReplyError("ERR value is not an integer or out of range");
    if (numkeys < 0) return new ReplyError("ERR Number of keys can't be negative");
    if (numkeys > args.length - 3) return new ReplyError("ERR Number of keys can't be greater than number of args");
    if (!this.cache.has(sha)) this.cache.remember(sha, body);
    const keys = args.slice(3, 3 + numkeys);
    const argv = args.slice(3 + numkeys);
    return this.runtime.run(sha, body, keys, argv, (call) => callFromScript(call, readOnly, core));
  }

  private script(args: Uint8Array[]): Reply {
    const sub = args.length > 1 ? decoder.decode(args[1]).toLowerCase() : "";
    if (sub === "load" && args.length === 3) {
      const sha = sha1hex(args[2]);
      const error = this.runtime.compile(sha, args[2]);
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
      return new Status("OK");
    }
    if (sub === "load" || sub === "exists" || sub === "flush") {
      return new ReplyError(`ERR wrong number of arguments for 'script|${sub}' command`);
    }
    return new ReplyError(`ERR unknown subcommand '${args.length > 1 ? decoder.decode(args[1]) : ""}'. Try SCRIPT HELP.`);
  }
}

/** The checks Redis makes before a script's redis.call reaches the command. */
function callFromScript(args: Uint8Array[], readOnly: boolean, core: CoreCall): Reply {
  const name = decoder.decode(args[0]).toLowerCase();
  if (isScriptCommand(name)) return new ReplyError("ERR This Redis command is not allowed from script");
  const spec = commandSpec(name);
  if (spec === undefined) return new ReplyError("ERR Unknown Redis command called from script");
  if (spec.arity > 0 ? args.length !== spec.arity : args.length < -spec.arity) {
    return new ReplyError("ERR Wrong number of args calling Redis command from script");
  }
  // Commands the shard cannot answer alone (gateway-local, fanned out, containers) are refused too.
  if (spec.flags.includes("noscript") || spec.split.kind !== "single" && spec.split.kind !== "perKey") {
    return new ReplyError("ERR This Redis command is not allowed from script");
  }
  if (readOnly && isWrite(spec)) return new ReplyError("ERR Write commands are not allowed from read-only scripts.");
  return core(args);
}

function parseInteger(bytes: Uint8Array): number | null {
  const text = decoder.decode(bytes);
  if (!/^-?\d{1,18}$/.test(text)) return null;
  return Number(text);
}
