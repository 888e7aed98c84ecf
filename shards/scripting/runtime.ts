// The Lua state scripts run in: fengari with Redis 7.0's conventions (the `redis` library, KEYS and
// ARGV, protected globals, a sandbox without io/os/debug/load) and an instruction budget.
import fengari from "./build/fengari.js";
import { ReplyError, type Reply } from "../../worker/wire/resp";
import { sha1hex } from "./cache";
import { formatArgNumber, pushField, pushReply, toReply } from "./conversions";
import { redisLog } from "./log";
import { installLibraries, LIBRARY_NAMES } from "./libraries";
import { REDIS_CALL_INSTRUCTIONS, RunLimits } from "./limits";
import { installRedisPcall } from "./pcall";
import { guardRawset } from "./readonly-tables";

const { lauxlib, lua, lualib, to_luastring } = fengari;
type LuaState = unknown;

/** Runs one command for a script. Policy errors (unknown command, arity, writes from a read-only
 * script...) come back as ReplyError, like any command error. */
export type CommandRunner = (args: Uint8Array[]) => Reply;

/**
 * Default budget: 10 million VM instructions, about 0.2 s at fengari's ~22 ns each. Redis allows
 * 5 s before BUSY, but a Durable Object serves nothing else meanwhile and is limited in CPU per
 * request; real scripts (rate limiters, locks) use a few hundred instructions.
 */
export const DEFAULT_INSTRUCTION_BUDGET = 10_000_000;
const HOOK_EVERY = 10_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const lstr = (s: string) => to_luastring(s);
const GLOBALS_GUARD = "edgeslot.guard";
// Per-run names as Lua strings once: converting a JS string costs a TextEncoder call each time.
const KEYS_NAME = lstr("KEYS");
const ARGV_NAME = lstr("ARGV");

export class LuaRuntime {
  private readonly L: LuaState;
  private runner: CommandRunner | null = null;
  private instructions = 0;
  /** Why the current run was aborted (budget or limits.ts); null while it may go on. */
  private abortMessage: string | null = null;
  private readonly limits = new RunLimits(
    (L, message) => this.abortRun(L, message),
    (L, instructions) => {
      this.instructions += instructions;
      if (this.instructions > this.budget && this.abortMessage === null) this.abortOverBudget(L);
    },
  );
  /** Whether the last run was aborted over its budget or a limit (its writes must be undone). */
  get lastRunAborted(): boolean {
    return this.abortMessage !== null;
  }
  /** Instructions the last run used, as counted by the hook (every 10,000) and redis.call: summed
   * over many runs it approximates their total (MAPREDUCE bounds a chunk's CPU with it). */
  get lastRunInstructions(): number {
    return this.instructions;
  }
  private errorLine = 0;
  private readonly libraries: { resetForRun(): void };
  /** Compiled scripts by sha, as registry references (a Map lookup, no Lua string per run). */
  private readonly functions = new Map<string, number>();
  private readonly handlerRef: number;
  private readonly guardRef: number;
  /** Where the running script's environment is kept, for `_G`. */
  private envRef = 0;

  constructor(private readonly budget = DEFAULT_INSTRUCTION_BUDGET) {
    const L = (this.L = lauxlib.luaL_newstate());
    lualib.luaL_openlibs(L);
    this.sandbox();
    this.installRedisLibrary();
    this.libraries = installLibraries(L);
    this.freezeLibraries();
    guardRawset(L);
    installRedisPcall(L);
    this.installGlobalsGuard();
    lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, lstr(GLOBALS_GUARD));
    this.guardRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    lua.lua_pushjsfunction(L, (L2: LuaState) => this.markErrorLine(L2));
    this.handlerRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    this.setHook(L, HOOK_EVERY);
  }

  /** Compiles (once per sha) and runs a script; returns its reply or its error as Redis prints it. */
  run(sha: string, body: Uint8Array, keys: Uint8Array[], argv: Uint8Array[], runner: CommandRunner): Reply {
    const L = this.L;
    lua.lua_settop(L, 0);
    if (!this.loadFunction(sha, body)) {
      const message = decoder.decode(lua.lua_tolstring(L, -1));
      lua.lua_settop(L, 0);
      return new ReplyError(`ERR Error compiling script (new function): ${message}`);
    }
    this.libraries.resetForRun();
    this.setStringArray(KEYS_NAME, keys);
    this.setStringArray(ARGV_NAME, argv);
    // A fresh, empty environment per run: globals read through to the libraries, writes refused.
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.handlerRef);
    lua.lua_insert(L, 1);
    lua.lua_newtable(L);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.guardRef);
    lua.lua_setmetatable(L, -2);
    lua.lua_pushvalue(L, -1);
    lua.lua_rawseti(L, lua.LUA_REGISTRYINDEX, this.envRef);
    lua.lua_setupvalue(L, 2, 1);

    this.runner = runner;
    this.instructions = 0;
    this.abortMessage = null;
    this.errorLine = 0;
    let reply: Reply;
    try {
      const status = this.limits.metered(() => lua.lua_pcall(L, 0, 1, 1));
      if (this.abortMessage !== null) reply = new ReplyError(`${this.abortMessage} script: ${sha}, on @user_script:${this.errorLine}.`);
      else if (status === lua.LUA_OK) reply = toReply(L, -1);
      else reply = this.scriptError(sha);
    } finally {
      this.runner = null;
      lua.lua_settop(L, 0);
      if (this.abortMessage !== null) this.setHook(L, HOOK_EVERY);
    }
    return reply;
  }

  /** Compiles a script for SCRIPT LOAD; the compile error as Redis words it, or null. */
  compile(sha: string, body: Uint8Array): ReplyError | null {
    const L = this.L;
    lua.lua_settop(L, 0);
    const ok = this.loadFunction(sha, body);
    const error = ok ? null : new ReplyError(`ERR Error compiling script (new function): ${decoder.decode(lua.lua_tolstring(L, -1))}`);
    lua.lua_settop(L, 0);
    return error;
  }

  /** Forgets every compiled function (SCRIPT FLUSH). */
  flush(): void {
    for (const ref of this.functions.values()) lauxlib.luaL_unref(this.L, lua.LUA_REGISTRYINDEX, ref);
    this.functions.clear();
  }

  private loadFunction(sha: string, body: Uint8Array): boolean {
    const L = this.L;
    const ref = this.functions.get(sha);
    if (ref !== undefined) {
      lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, ref);
      return true;
    }
    // Text only: precompiled bytecode is refused (it can break the VM's invariants).
    if (lauxlib.luaL_loadbufferx(L, body, body.length, lstr("@user_script"), lstr("t")) !== lua.LUA_OK) return false;
    lua.lua_pushvalue(L, -1);
    this.functions.set(sha, lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX));
    return true;
  }

  private scriptError(sha: string): ReplyError {
    const L = this.L;
    const suffix = ` script: ${sha}, on @user_script:${this.errorLine}.`;
    if (lua.lua_type(L, -1) === lua.LUA_TTABLE) {
      const reply = toReply(L, -1);
      if (reply instanceof ReplyError) return new ReplyError(reply.message + suffix);
    }
    const text = lua.lua_type(L, -1) === lua.LUA_TSTRING ? decoder.decode(lua.lua_tolstring(L, -1)) : "(error object is not a string)";
    return new ReplyError(`ERR ${text}${suffix}`);
  }

  /** The message handler: remembers the script line the error came from, keeps the error. */
  private markErrorLine(L: LuaState): number {
    const ar = new lua.lua_Debug();
    for (let level = 0; lua.lua_getstack(L, level, ar); level++) {
      lua.lua_getinfo(L, lstr("Sl"), ar);
      if (ar.source && decoder.decode(ar.source) === "@user_script") {
        this.errorLine = ar.currentline;
        break;
      }
    }
    return 1;
  }

  /** The count hook of every thread: coroutines inherit it from the thread that creates them. */
  private setHook(L: LuaState, every: number): void {
    lua.lua_sethook(L, (L2: LuaState) => this.countInstructions(L2), lua.LUA_MASKCOUNT, every);
  }

  /** `L` is the running thread, the main one or a coroutine. */
  private countInstructions(L: LuaState): void {
    this.instructions += HOOK_EVERY;
    if (this.abortMessage !== null) this.abortRun(L, this.abortMessage);
    else if (this.instructions > this.budget) this.abortOverBudget(L);
  }

  private abortOverBudget(L: LuaState): number {
    return this.abortRun(L, `BUSY Script aborted: it ran over the budget of ${this.budget} Lua instructions`);
  }

  /**
   * Ends the run: from now on the hook fires on every instruction of whichever thread runs and
   * raises each time, so neither a pcall nor a coroutine boundary can swallow the abort.
   */
  private abortRun(L: LuaState, message: string): number {
    if (this.abortMessage === null) {
      this.abortMessage = message;
      this.markErrorLine(L);
    }
    this.setHook(L, 1);
    lua.lua_pushstring(L, lstr(message));
    return lua.lua_error(L);
  }

  private setStringArray(name: Uint8Array, values: Uint8Array[]): void {
    const L = this.L;
    lua.lua_createtable(L, values.length, 0);
    values.forEach((value, index) => {
      lua.lua_pushstring(L, value);
      lua.lua_rawseti(L, -2, index + 1);
    });
    lua.lua_setglobal(L, name);
  }

  private sandbox(): void {
    const L = this.L;
    for (const name of ["io", "debug", "package", "require", "dofile", "loadfile", "load", "loadstring", "collectgarbage", "print"]) {
      lua.lua_pushnil(L);
      lua.lua_setglobal(L, lstr(name));
    }
    // os keeps only clock.
    lua.lua_getglobal(L, lstr("os"));
    lua.lua_getfield(L, -1, lstr("clock"));
    lua.lua_createtable(L, 0, 1);
    lua.lua_insert(L, -2);
    lua.lua_setfield(L, -2, lstr("clock"));
    lua.lua_setglobal(L, lstr("os"));
    lua.lua_pop(L, 1);
    lua.lua_getglobal(L, lstr("string"));
    lua.lua_pushnil(L);
    lua.lua_setfield(L, -2, lstr("dump"));
    lua.lua_pop(L, 1);
    // Lua 5.1's global unpack.
    lua.lua_getglobal(L, lstr("table"));
    lua.lua_getfield(L, -1, lstr("unpack"));
    lua.lua_setglobal(L, lstr("unpack"));
    lua.lua_pop(L, 1);
  }

  /**
   * Libraries become read-only views (a script cannot replace redis.call or string.format for the
   * next one); the string metatable is hidden so getmetatable("").__index cannot reach them either.
   */
  private freezeLibraries(): void {
    const L = this.L;
    for (const name of ["redis", "string", "table", "math", "os", "coroutine", "utf8", ...LIBRARY_NAMES]) {
      lua.lua_newtable(L);
      lua.lua_createtable(L, 0, 3);
      lua.lua_getglobal(L, lstr(name));
      lua.lua_setfield(L, -2, lstr("__index"));
      lua.lua_pushjsfunction(L, (L2: LuaState) => raise(L2, "Attempt to modify a readonly table"));
      lua.lua_setfield(L, -2, lstr("__newindex"));
      lua.lua_pushboolean(L, false);
      lua.lua_setfield(L, -2, lstr("__metatable"));
      lua.lua_setmetatable(L, -2);
      lua.lua_setglobal(L, lstr(name));
    }
    lua.lua_pushstring(L, lstr(""));
    lua.lua_getmetatable(L, -1);
    lua.lua_pushboolean(L, false);
    lua.lua_setfield(L, -2, lstr("__metatable"));
    lua.lua_pop(L, 2);
  }

  /**
   * The metatable of each run's environment: reads fall through to the globals table itself (no
   * call per global read: a script reads `redis`, `KEYS` and `ARGV` many times), whose own
   * metatable answers `_G` with the run's environment and fails for any other missing name.
   */
  private installGlobalsGuard(): void {
    const L = this.L;
    lua.lua_pushnil(L);
    lua.lua_setglobal(L, lstr("_G"));
    lua.lua_pushboolean(L, false);
    this.envRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
    lua.lua_createtable(L, 0, 2);
    lua.lua_pushjsfunction(L, (L2: LuaState) => {
      // _G is the run's own environment, so rawset(_G, ...) cannot reach the shared globals.
      if (lua.lua_type(L2, 2) === lua.LUA_TSTRING && decoder.decode(lua.lua_tolstring(L2, 2)) === "_G") {
        lua.lua_rawgeti(L2, lua.LUA_REGISTRYINDEX, this.envRef);
        return 1;
      }
      const name = lua.lua_type(L2, 2) === lua.LUA_TSTRING ? decoder.decode(lua.lua_tolstring(L2, 2)) : "?";
      return raise(L2, `Script attempted to access nonexistent global variable '${name}'`);
    });
    lua.lua_setfield(L, -2, lstr("__index"));
    lua.lua_pushboolean(L, false);
    lua.lua_setfield(L, -2, lstr("__metatable"));
    lua.lua_setmetatable(L, -2);
    lua.lua_createtable(L, 0, 3);
    lua.lua_insert(L, -2);
    lua.lua_setfield(L, -2, lstr("__index"));
    lua.lua_pushjsfunction(L, (L2: LuaState) => raise(L2, "Attempt to modify a readonly table"));
    lua.lua_setfield(L, -2, lstr("__newindex"));
    lua.lua_pushboolean(L, false);
    lua.lua_setfield(L, -2, lstr("__metatable"));
    lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, lstr(GLOBALS_GUARD));
  }

  private installRedisLibrary(): void {
    const L = this.L;
    lua.lua_createtable(L, 0, 12);
    const fn = (name: string, f: (L2: LuaState) => number) => {
      lua.lua_pushjsfunction(L, f);
      lua.lua_setfield(L, -2, lstr(name));
    };
    fn("call", (L2) => this.redisCall(L2, true));
    fn("pcall", (L2) => this.redisCall(L2, false));
    fn("error_reply", (L2) => {
      const text = decoder.decode(lauxlib.luaL_checklstring(L2, 1));
      pushField(L2, "err", text.startsWith("-") ? text : `-${text}`);
      return 1;
    });
    fn("status_reply", (L2) => {
      pushField(L2, "ok", decoder.decode(lauxlib.luaL_checklstring(L2, 1)));
      return 1;
    });
    fn("sha1hex", (L2) => {
      lua.lua_pushstring(L2, lstr(sha1hex(Uint8Array.from(lauxlib.luaL_checklstring(L2, 1)))));
      return 1;
    });
    fn("log", redisLog);
    fn("setresp", (L2) => {
      if (lauxlib.luaL_checknumber(L2, 1) !== 2) return raise(L2, "RESP version must be 2 (edgeslot scripts speak RESP2)");
      return 0;
    });
    fn("replicate_commands", (L2) => {
      lua.lua_pushboolean(L2, true);
      return 1;
    });
    fn("set_repl", () => 0);
    for (const [name, level] of [["LOG_DEBUG", 0], ["LOG_VERBOSE", 1], ["LOG_NOTICE", 2], ["LOG_WARNING", 3], ["REPL_ALL", 3], ["REPL_AOF", 1], ["REPL_SLAVE", 2], ["REPL_REPLICA", 2], ["REPL_NONE", 0]] as const) {
      lua.lua_pushnumber(L, level);
      lua.lua_setfield(L, -2, lstr(name));
    }
    lua.lua_setglobal(L, lstr("redis"));
  }

  /** redis.call raises a command's error as {err=...}; redis.pcall returns it. */
  private redisCall(L: LuaState, raises: boolean): number {
    this.limits.step(L, REDIS_CALL_INSTRUCTIONS);
    const count = lua.lua_gettop(L);
    let reply: Reply;
    if (count === 0) reply = new ReplyError("ERR Please specify at least one argument for this redis lib call");
    else {
      const args: Uint8Array[] = [];
      for (let i = 1; i <= count; i++) {
        const type = lua.lua_type(L, i);
        if (type === lua.LUA_TNUMBER) args.push(encoder.encode(formatArgNumber(lua.lua_tonumber(L, i))));
        else if (type === lua.LUA_TSTRING) args.push(Uint8Array.from(lua.lua_tolstring(L, i)));
        else break;
      }
      reply = args.length < count ? new ReplyError("ERR Lua redis lib command arguments must be strings or integers") : this.runner!(args);
    }
    if (reply instanceof ReplyError && raises) {
      pushField(L, "err", reply.message);
      return lua.lua_error(L);
    }
    pushReply(L, reply);
    return 1;
  }
}

function raise(L: LuaState, message: string): number {
  lauxlib.luaL_where(L, 1);
  lua.lua_pushstring(L, lstr(message));
  lua.lua_concat(L, 2);
  return lua.lua_error(L);
}

