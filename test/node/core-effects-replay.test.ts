// The core's write effects and checkpoints rebuild the same keyspace: replayed on a replica core after every
// batch of a random stream, and restored from `__CHECKPOINT` payloads into a fresh core at the end.
import { describe, expect, it } from "vitest";
import { Core } from "../../wasm/host";
import { decodeReplies, encodeCommands, type Reply } from "../../worker/wire/resp";
import { quote, renderReply } from "../compat/compare";
import { coreModule } from "../compat/core-target";
import { keyspaceCommand } from "../compat/keyspace-commands";
import { Random, streamSeed } from "../compat/random";
import { generateStream } from "../compat/stream";
import { stringCommand } from "../compat/string-commands";

const STREAMS = 4;
const LENGTH = 3000;
const BATCH = 50;

function run(core: Core, commands: readonly (readonly (string | Uint8Array)[])[], internal = false) {
  const bytes = encodeCommands(commands.map((c) => c.map((a) => (typeof a === "string" ? new Uint8Array(Buffer.from(a, "latin1")) : a))));
  const result = core.execute(bytes, Date.now(), internal);
  return { replies: decodeReplies(result.replies), effects: result.effects };
}

/** Every visible key with its value and absolute expiry, sorted: what a client could observe. */
function digest(core: Core): string[] {
  const [keys] = run(core, [["KEYS", "*"]]).replies as [Reply[]];
  const lines: string[] = [];
  for (const key of keys as Uint8Array[]) {
    const [value, expiry] = run(core, [["GET", key], ["PEXPIRETIME", key]]).replies;
    lines.push(`${quote(key, 40)} = ${renderReply(value ?? null, 40)} expires ${renderReply(expiry ?? null)}`);
  }
  return lines.sort();
}

/** Drains `__CHECKPOINT` into a fresh core through `__RESTORE`, the shard's recovery path. */
function restoreFromCheckpoint(primary: Core): Core {
  const restored = new Core(coreModule());
  for (let round = 0; round < 10_000; round++) {
    const [pairs] = run(primary, [["__CHECKPOINT", "65536"]], true).replies;
    if (!Array.isArray(pairs)) throw new Error(`__CHECKPOINT answered ${renderReply(pairs ?? null)}`);
    if (pairs.length === 0) return restored;
    for (let i = 0; i < pairs.length; i += 2) {
      const key = pairs[i];
      const payload = pairs[i + 1];
      if (key instanceof Uint8Array && payload instanceof Uint8Array) {
        const [reply] = run(restored, [["__RESTORE", key, payload]], true).replies;
        expect(renderReply(reply ?? null), `__RESTORE ${quote(key)}`).toBe("+OK");
      }
    }
  }
  throw new Error("__CHECKPOINT never drained");
}

describe("core effects and checkpoints reproduce the keyspace", () => {
  const baseSeed = streamSeed();
  for (let s = 0; s < STREAMS; s++) {
    it(`stream ${s}: a replica fed only the effects, and a core restored from checkpoints, match the primary`, () => {
      const seed = (baseSeed + s * 104729) >>> 0;
      const commands = generateStream(new Random(seed), LENGTH, [
        [50, stringCommand],
        [50, keyspaceCommand],
      ]);
      // A random stream may end on FLUSHALL or its last DEL: two writes after it keep the final
      // comparison about keys.
      commands.push(["SET", "tail:s", "v"], ["INCR", "tail:n"]);
      const primary = new Core(coreModule());
      const replica = new Core(coreModule());
      for (let i = 0; i < commands.length; i += BATCH) {
        const { effects } = primary.execute(encodeCommands(commands.slice(i, i + BATCH).map((c) => c.map((a) => new Uint8Array(Buffer.from(a, "latin1"))))), Date.now());
        if (effects.length) replica.execute(effects, Date.now(), true);
        if ((i / BATCH) % 10 === 9) {
          expect(digest(replica), `replica after command ${i + BATCH}, EDGESLOT_DIFF_SEED=${baseSeed}`).toEqual(digest(primary));
        }
      }
      const final = digest(primary);
      expect(final.length, "the stream should leave keys behind to compare").toBeGreaterThan(0);
      expect(digest(replica), `replica at the end, EDGESLOT_DIFF_SEED=${baseSeed}`).toEqual(final);
      expect(digest(restoreFromCheckpoint(primary)), `restored from checkpoints, EDGESLOT_DIFF_SEED=${baseSeed}`).toEqual(digest(primary));
    });
  }
});
