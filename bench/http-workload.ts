// The mixed command stream the HTTP suites (e2e, latency) send: SET/GET/INCR/HSET in rotation over a
// keyspace spread across every shard, as an Upstash pipeline body, as path-style URLs, and checked replies.

export type Command = readonly string[];

/** Deterministic (a fixed LCG), so every run and every target sees the same keys. */
export function mixedCommands(count: number, keyspace: number): Command[] {
  let state = 0x2545f491;
  const nextKey = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % keyspace;
  };
  const commands: Command[] = [];
  for (let i = 0; i < count; i++) {
    const k = nextKey();
    // Each type has its own key prefix, so no command meets a key of another type (no WRONGTYPE).
    switch (i % 4) {
      case 0:
        commands.push(["SET", `s:${k}`, `v${k}`]);
        break;
      case 1:
        commands.push(["GET", `s:${k}`]);
        break;
      case 2:
        commands.push(["INCR", `c:${k}`]);
        break;
      default:
        commands.push(["HSET", `h:${k}`, "f", `v${k}`]);
    }
  }
  return commands;
}

/** The path-style form both the gateway (Upstash REST) and webdis accept: /SET/key/value. */
export function asPath(command: Command): string {
  return "/" + command.map((part) => encodeURIComponent(part)).join("/");
}

/** Throws unless every reply is a result (not an error) of the expected kind for its command. */
export function checkReplies(target: string, commands: readonly Command[], replies: readonly unknown[]): void {
  if (replies.length !== commands.length) throw new Error(`${target} answered ${replies.length} replies to ${commands.length} commands`);
  replies.forEach((reply, i) => checkReply(target, commands[i]!, reply));
}

/**
 * One reply, in the Upstash shape ({"result": …}) or webdis's ({"SET": …}). GET may meet a key the
 * rotation has not SET yet (null); INCR and HSET answer integers, SET answers OK.
 */
export function checkReply(target: string, command: Command, reply: unknown): void {
  const body = reply as Record<string, unknown> | null;
  const value = body && ("result" in body ? body.result : body[command[0]!]);
  const ok =
    body !== null &&
    !("error" in body) &&
    (command[0] === "SET"
      ? value === "OK" || (Array.isArray(value) && value[0] === true && value[1] === "OK")
      : command[0] === "GET"
        ? value === null || typeof value === "string"
        : typeof value === "number");
  if (!ok) throw new Error(`${target}: ${JSON.stringify(command)} answered ${JSON.stringify(reply)}`);
}
