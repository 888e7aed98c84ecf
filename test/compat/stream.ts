// Builds a seeded command stream from family generators, with a sprinkle of wrong-arity mutations.
import type { Random } from "./random";
import type { StreamCommand } from "./stream-values";

export type Generator = (random: Random, nowMs: number) => StreamCommand;

/** `length` commands drawn from weighted generators; ~3% lose or gain an argument to exercise arity errors. */
export function generateStream(random: Random, length: number, mix: readonly (readonly [number, Generator])[]): StreamCommand[] {
  const nowMs = Date.now();
  const commands: StreamCommand[] = [];
  for (let i = 0; i < length; i++) {
    let command = random.weighted(mix)(random, nowMs);
    if (random.chance(0.03)) command = command.length > 1 && random.chance(0.5) ? command.slice(0, -1) : [...command, "extra"];
    if (random.chance(0.03)) command = [randomCase(random, command[0]!), ...command.slice(1)];
    commands.push(command);
  }
  return commands;
}

/** Command names are case-insensitive in Redis. */
function randomCase(random: Random, name: string): string {
  return [...name].map((c) => (random.chance(0.5) ? c.toLowerCase() : c.toUpperCase())).join("");
}
