// The gateway's RPC entrypoints for service bindings: EdgeslotRpc (full access) and
// EdgeslotReadOnlyRpc (reads only; writes answer NOPERM). The binding itself is the credential, so
// there is no token. Arguments and results have the HTTP API's shapes and run through the same
// parse, table, routing and limits (routing/execute); only the rendering differs.
import { WorkerEntrypoint } from "cloudflare:workers";
import type { Access } from "../auth";
import { readConfig } from "../config";
import type { Command } from "../routing/command";
import { executeCommands, executeTransaction, executionContext } from "../routing/execute";
import { BodyTooLarge } from "../wire/body";
import { BadRequest, commandFrom, commandsFrom } from "../wire/request";
import { ReplyError } from "../wire/resp";
import { replyResult, type Result } from "../wire/values";
import type { Argument, CallOptions, EdgeslotBinding, Refused } from "./types";

/** Nothing answers on an address over a binding: CLUSTER SLOTS/SHARDS report port 0. */
const NO_PORT = 0;

abstract class EdgeslotEntrypoint extends WorkerEntrypoint<Env> implements EdgeslotBinding {
  protected abstract access(): Access;

  /** One command: `{result}` or `{error}` (a Redis error is a value, not a thrown exception). */
  async exec(command: Argument[], options?: CallOptions): Promise<Result> {
    const parsed = this.parse(() => [commandFrom(command)]);
    if (!Array.isArray(parsed)) return parsed;
    const [reply] = await executeCommands(parsed, await this.context(options));
    return replyResult(reply!, options?.binary === true);
  }

  /** Commands split per shard and run in parallel; one `{result}`/`{error}` each, in order. */
  async pipeline(commands: Argument[][], options?: CallOptions): Promise<Result[] | Refused> {
    const parsed = this.parse(() => commandsFrom(commands));
    if (!Array.isArray(parsed)) return parsed;
    const replies = await executeCommands(parsed, await this.context(options));
    return replies.map((reply) => replyResult(reply, options?.binary === true));
  }

  /** A transaction on one shard: one `{result}`/`{error}` per command, or a single `{error}` when
   * it is discarded as a whole (EXECABORT, or a command that cannot join a cross-shard transaction). */
  async multiExec(commands: Argument[][], options?: CallOptions): Promise<Result[] | Refused> {
    const parsed = this.parse(() => commandsFrom(commands));
    if (!Array.isArray(parsed)) return parsed;
    const replies = await executeTransaction(parsed, await this.context(options));
    if (replies instanceof ReplyError) return { error: replies.message };
    return replies.map((reply) => replyResult(reply, options?.binary === true));
  }

  private context(options?: CallOptions) {
    return executionContext(this.env, { access: this.access(), port: NO_PORT, readFrom: options?.readFrom });
  }

  /** The HTTP body limit applies to the arguments' bytes, so a binding cannot send what HTTP refuses. */
  private parse(read: () => Command[]): Command[] | Refused {
    try {
      const commands = read();
      let size = 0;
      for (const command of commands) for (const arg of command) size += arg.length;
      if (size > readConfig(this.env).maxRequestBytes) throw new BodyTooLarge();
      return commands;
    } catch (error) {
      if (error instanceof BadRequest || error instanceof BodyTooLarge) return { error: error.message };
      throw error;
    }
  }
}

/** Full access: bind with `entrypoint = "EdgeslotRpc"`. */
export class EdgeslotRpc extends EdgeslotEntrypoint {
  protected access(): Access {
    return "full";
  }
}

/** Read commands only: bind with `entrypoint = "EdgeslotReadOnlyRpc"` to limit a consumer to reads. */
export class EdgeslotReadOnlyRpc extends EdgeslotEntrypoint {
  protected access(): Access {
    return "readonly";
  }
}
