// The shard's walk over a batch's command names against decoding the batch: groups found, command
// count, and the general path for anything that is not arrays of bulk strings.
import { describe, expect, it } from "vitest";
import { CommandNames } from "../../shards/command-names";
import { decodeReplies, encodeCommands } from "../../worker/wire/resp";
import { Random } from "../compat/random";

const GROUPS = [new Set(["eval", "evalsha_ro", "script", "mapreduce"]), new Set(["wait", "role"]), new Set(["info"])];
const NAMES = ["GET", "SET", "INCR", "INFO", "info", "Eval", "EVALSHA", "evalsha_ro", "SCRIPT", "MapReduce", "WAIT", "ROLE", "rolex", "INF", "IN", "e", "", "évAL"];

describe("CommandNames", () => {
  const names = new CommandNames(GROUPS);
  it.each([1, 2, 3, 4])("answers the groups and the count that decoding the batch does (seed %i)", (seed) => {
    const random = new Random(seed);
    for (let round = 0; round < 300; round++) {
      const commands = Array.from({ length: random.int(1, 20) }, () => [
        random.pick(NAMES),
        // Arguments that look like names, or like RESP, must not count.
        ...Array.from({ length: random.int(0, 3) }, () => random.pick(["eval", "*1\r\n$4\r\nWAIT\r\n", "info", random.bytes(random.int(0, 12))])),
      ]);
      const batch = encodeCommands(commands);
      const decoded = decodeReplies(batch) as Uint8Array[][];
      let want = 0;
      for (const command of decoded) {
        const name = new TextDecoder().decode(command[0]).toLowerCase();
        GROUPS.forEach((group, g) => {
          if (group.has(name)) want |= 1 << g;
        });
      }
      expect(names.find(batch)).toEqual({ count: decoded.length, groups: want });
    }
  });

  it("answers every group for what is not arrays of bulk strings, so the general path decides", () => {
    for (const text of ["PING\r\n", "*1\r\n:1\r\n", "*2\r\n$3\r\nGET\r\n", "*1\r\n$9\r\nGET\r\n", "*0\r\n", "*x\r\n$3\r\nGET\r\n"]) {
      expect(names.find(new TextEncoder().encode(text)).groups, JSON.stringify(text)).toBe(-1);
    }
  });
});
