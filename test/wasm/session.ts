// A Core under test with an injected clock: runs commands and shows replies as plain values
// (status "+OK", errors "-ERR …", bulk strings as text, nil as null, integers as numbers).
import coreModule from "../../wasm/build/core.wasm";
import { Core, type CoreOptions } from "../../wasm/host";
import { decodeReplies, type Reply, ReplyError, Status, encodeCommands } from "../../worker/wire/resp";

export type Shown = string | number | bigint | null | Shown[];
export type Arg = string | Uint8Array;

const decoder = new TextDecoder();

export function show(reply: Reply): Shown {
  if (reply instanceof Uint8Array) return decoder.decode(reply);
  if (reply instanceof Status) return `+${reply.text}`;
  if (reply instanceof ReplyError) return `-${reply.message}`;
  if (Array.isArray(reply)) return reply.map(show);
  return reply;
}

export const T0 = 1_700_000_000_000;

export class Session {
  readonly core: Core;
  now = T0;
  /** Every effect batch produced so far, in order (for replay tests). */
  readonly effects: Uint8Array[] = [];

  constructor(options?: CoreOptions) {
    this.core = new Core(coreModule, options);
  }

  /** Runs one command and returns its shown reply. */
  run(...args: Arg[]): Shown {
    return this.batch([args])[0];
  }

  /** Runs commands as one batch. */
  batch(commands: Arg[][], internal = false): Shown[] {
    return this.raw(commands, internal).map(show);
  }

  raw(commands: Arg[][], internal = false): Reply[] {
    const result = this.core.execute(encodeCommands(commands), this.now, internal);
    if (result.effects.length > 0) this.effects.push(result.effects);
    const replies = decodeReplies(result.replies);
    if (replies.length !== result.count) throw new Error(`count ${result.count} but ${replies.length} replies`);
    return replies;
  }

  /** Runs an internal command (FLAG_INTERNAL) and returns its raw reply. */
  internal(...args: Arg[]): Reply {
    return this.raw([args], true)[0];
  }

  advance(ms: number): void {
    this.now += ms;
  }

  /** The effects of everything run so far, decoded as commands of text arguments. */
  effectCommands(): string[][] {
    const out: string[][] = [];
    for (const batch of this.effects) for (const c of decodeReplies(batch)) out.push((c as Uint8Array[]).map((a) => decoder.decode(a)));
    return out;
  }
}
