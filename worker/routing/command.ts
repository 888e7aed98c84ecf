// A command as the gateway carries it (arguments as bytes) and its resolution against the command
// table: unknown command, unknown subcommand and arity errors, with Redis 7.0's exact texts.
import { type CommandSpec, commandSpec } from "../../shards/commands";
import { ReplyError } from "../wire/resp";

/** Arguments as bytes, the name first: binary-safe from the JSON/path parse to the shard. */
export type Command = readonly Uint8Array[];

const utf8 = new TextDecoder();
export const argText = (arg: Uint8Array): string => utf8.decode(arg);

/** The table entry a command runs as (a subcommand's entry for `CLUSTER KEYSLOT …`), or the error
 * Redis answers before executing anything. */
export function resolveCommand(command: Command): CommandSpec | ReplyError {
  const name = argText(command[0]!);
  let spec = commandSpec(name.toLowerCase());
  if (!spec) return unknownCommand(name, command);
  if (spec.split.kind === "container" && command.length >= 2) {
    const sub = argText(command[1]!);
    spec = commandSpec(`${spec.name}|${sub.toLowerCase()}`);
    if (!spec) return redisError(`ERR unknown subcommand '${sub.slice(0, 128)}'. Try ${name.toUpperCase()} HELP.`);
  }
  const arity = spec.arity;
  if ((arity > 0 && command.length !== arity) || command.length < -arity) {
    return new ReplyError(`ERR wrong number of arguments for '${spec.name}' command`);
  }
  return spec;
}

/** Redis's text: the name and up to ~128 characters of arguments, each quoted and followed by a space. */
function unknownCommand(name: string, command: Command): ReplyError {
  let args = "";
  for (let i = 1; i < command.length && args.length < 128; i++) {
    args += `'${argText(command[i]!).slice(0, 128 - args.length)}' `;
  }
  return redisError(`ERR unknown command '${name.slice(0, 128)}', with args beginning with: ${args}`);
}

/** Redis replaces CR and LF in error texts with spaces so a reply stays one line. */
function redisError(text: string): ReplyError {
  return new ReplyError(text.replace(/[\r\n]/g, " "));
}
