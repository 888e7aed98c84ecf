// MOVED between a shard and the gateway: a shard whose slots changed at a version newer than the one
// a batch was routed by refuses the batch unrun when it names a key the shard no longer serves.

/** Thrown by a transport once its topology holds the slot map the shard named; the batch never ran. */
export class MovedError extends Error {
  constructor(readonly version: number) {
    super(`MOVED slots changed at version ${version}`);
  }

  /** Whether an error text (as it crosses the cross-shard protocol) is this refusal. */
  static named(message: string): boolean {
    return message.includes("MOVED slots changed at version");
  }
}

/** A shard's answer is a MOVED refusal. */
export function isMoved(answer: unknown): answer is { moved: number } {
  return typeof answer === "object" && answer !== null && "moved" in answer;
}
