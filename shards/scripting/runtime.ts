// The Lua state scripts run in: fengari with Redis 7.0's conventions (the `redis` library, KEYS and
// ARGV, protected globals, a sandbox without io/os/debug/load) and an instruction budget.
import fengari from "./build/fengari.js";
import { ReplyError, type Reply } from "../../worker/wire/resp";
import { sha1hex } from "./cache";
import { formatArgNumber, pushField, pushReply, toReply } from "./conversions";
import { redisLog } from "./log";
import { installLibraries, LIBRARY_NAMES } from "./libraries";

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
const SCRIPT_FUNCTIONS = "edgeslot.scripts";
const GLOBALS_GUARD = "edgeslot.guard";

export class LuaRuntime {
  private readonly L: LuaState;
  private runner: CommandRunner | null = null;
  private instructions = 0;
  private aborted = false;
  /** Whether the last run was aborted over its budget (its writes must be undone). */
  get lastRunAborted(): boolean {
    return this.aborted;
  }
  private errorLine = 0;
  private readonly libraries: { resetForRun(): void };

  constructor(private readonly budget = DEFAULT_INSTRUCTION_BUDGET) {
    const L = (this.L = lauxlib.luaL_newstate());
    lualib.luaL_openlibs(L);
    this.sandbox();
    this.installRedisLibrary();
    this.libraries = installLibraries(L);
    this.freezeLibraries();
    lua.lua_newtable(L);
    lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, lstr(SCRIPT_FUNCTIONS));
    this.installGlobalsGuard();
    lua.lua_sethook(L, () => this.countInstructions(), lua.LUA_MASKCOUNT, HOOK_EVERY);
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
    this.setStringArray("KEYS", keys);
    this.setStringArray("ARGV", argv);
    // A fresh, empty environment per run: globals read through to the libraries, writes refused.
    lua.lua_pushjsfunction(L, (L2: LuaState) => this.markErrorLine(L2));
    lua.lua_insert(L, 1);
    lua.lua_newtable(L);
    lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, lstr(GLOBALS_GUARD));
    lua.lua_setmetatable(L, -2);
    lua.lua_setupvalue(L, 2, 1);

    this.runner = runner;
    this.instructions = 0;
    this.aborted = false;
    this.errorLine = 0;
    let reply: Reply;
    try {
      const status = lua.lua_pcall(L, 0, 1, 1);
      if (this.aborted) {
        reply = new ReplyError(`BUSY Script aborted: it ran over the budget of ${this.budget} Lua instructions script: ${sha}, on @user_script:${this.errorLine}.`);
      } else if (status === lua.LUA_OK) reply = toReply(L, -1);
      else reply = this.scriptError(sha);
    } finally {
      this.runner = null;
      lua.lua_settop(L, 0);
      if (this.aborted) lua.lua_sethook(L, () => this.countInstructions(), lua.LUA_MASKCOUNT, HOOK_EVERY);
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
    lua.lua_newtable(this.L);
    lua.lua_setfield(this.L, lua.LUA_REGISTRYINDEX, lstr(SCRIPT_FUNCTIONS));
  }

  private loadFunction(sha: string, body: Uint8Array): boolean {
    const L = this.L;
    lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, lstr(SCRIPT_FUNCTIONS));
    lua.lua_getfield(L, -1, lstr(sha));
    if (lua.lua_type(L, -1) === lua.LUA_TFUNCTION) {
      lua.lua_remove(L, -2);
      return true;
    }
    lua.lua_pop(L, 1);
    // Text only: precompiled bytecode is refused (it can break the VM's invariants).
    if (lauxlib.luaL_loadbufferx(L, body, body.length, lstr("@user_script"), lstr("t")) !== lua.LUA_OK) return false;
    lua.lua_pushvalue(L, -1);
    lua.lua_setfield(L, -3, lstr(sha));
    lua.lua_remove(L, -2);
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

  private countInstructions(): void {
    this.instructions += HOOK_EVERY;
    if (this.instructions <= this.budget && !this.aborted) return;
    // Once over budget the hook fires on every instruction and raises each time, so a pcall in
    // the script cannot swallow the abort (the instruction after it raises again).
    if (!this.aborted) {
      this.aborted = true;
      this.markErrorLine(this.L);
      lua.lua_sethook(this.L, () => this.countInstructions(), lua.LUA_MASKCOUNT, 1);
    }
    lua.lua_pushstring(this.L, lstr("script over its instruction budget"));
    lua.lua_error(this.L);
  }

  private setStringArray(name: string, values: Uint8Array[]): void {
    const L = this.L;
    lua.lua_createtable(L, values.length, 0);
    values.forEach((value, index) => {
      lua.lua_pushstring(L, value);
      lua.lua_rawseti(L, -2, index + 1);
    });
    lua.lua_setglobal(L, lstr(name));
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

  /** The metatable of each run's environment: reads fall through to the globals, or fail. */
  private installGlobalsGuard(): void {
    const L = this.L;
    lua.lua_createtable(L, 0, 3);
    lua.lua_pushjsfunction(L, (L2: LuaState) => {
      // _G is the run's own environment, so rawset(_G, ...) cannot reach the shared globals.
      if (lua.lua_type(L2, 2) === lua.LUA_TSTRING && decoder.decode(lua.lua_tolstring(L2, 2)) === "_G") {
        lua.lua_pushvalue(L2, 1);
        return 1;
      }
      lua.lua_rawgeti(L2, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
      lua.lua_pushvalue(L2, 2);
      lua.lua_rawget(L2, -2);
      if (lua.lua_type(L2, -1) !== lua.LUA_TNIL) return 1;
      const name = lua.lua_type(L2, 2) === lua.LUA_TSTRING ? decoder.decode(lua.lua_tolstring(L2, 2)) : "?";
      return raise(L2, `Script attempted to access nonexistent global variable '${name}'`);
    });
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

