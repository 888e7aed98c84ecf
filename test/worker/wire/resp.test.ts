// The RESP codec: commands and replies round-trip byte for byte, bytes stay bytes.
import { describe, expect, it } from "vitest";
import { decodeReplies, encodeCommands, encodeReply, type Reply, ReplyError, ReplyReader, Status } from "../../../worker/wire/resp";

const bytes = (...values: number[]) => new Uint8Array(values);
const text = (s: string) => new TextEncoder().encode(s);

describe("RESP codec", () => {
  it("encodes commands as arrays of bulk strings, binary-safe", () => {
    const encoded = encodeCommands([["SET", bytes(0, 0xff, 13, 10), ""], ["PING"]]);
    expect(new TextDecoder("latin1").decode(encoded)).toBe("*3\r\n$3\r\nSET\r\n$4\r\n\x00\xff\r\n\r\n$0\r\n\r\n*1\r\n$4\r\nPING\r\n");
  });

  it("counts UTF-8 bytes, not characters, in bulk lengths", () => {
    const encoded = new TextDecoder().decode(encodeCommands([["ECHO", "é☃"]]));
    expect(encoded).toBe("*2\r\n$4\r\nECHO\r\n$5\r\né☃\r\n");
  });

  it("round-trips every reply type", () => {
    const replies: Reply[] = [
      new Status("OK"),
      new ReplyError("ERR wrong number of arguments for 'get' command"),
      0,
      -42,
      9223372036854775807n,
      -9223372036854775808n,
      null,
      text(""),
      bytes(0, 13, 10, 0xff),
      [],
      [text("a"), null, 7, [new Status("QUEUED"), new ReplyError("WRONGTYPE x")]],
    ];
    const wire = new Uint8Array(replies.flatMap((reply) => encodeReply(reply)));
    expect(decodeReplies(wire)).toEqual(replies);
  });

  it("keeps integers exact beyond 2^53 and plain numbers below", () => {
    const [small, big] = decodeReplies(text(":9007199254740991\r\n:9007199254740993\r\n"));
    expect(small).toBe(9007199254740991);
    expect(big).toBe(9007199254740993n);
  });

  it("encodes an integral number past 2^53 with its exact digits", () => {
    // A script's number reply is a double: -8.7952485973e+18 is exactly -8795248597299999744.
    expect(new TextDecoder().decode(Uint8Array.from(encodeReply(-8.7952485973e18)))).toBe(":-8795248597299999744\r\n");
    expect(new TextDecoder().decode(Uint8Array.from(encodeReply(-(2 ** 63))))).toBe(":-9223372036854775808\r\n");
  });

  it("decodes nil arrays and bulk strings as null", () => {
    expect(decodeReplies(text("*-1\r\n$-1\r\n"))).toEqual([null, null]);
  });

  it("refuses an unknown type byte instead of guessing", () => {
    expect(() => new ReplyReader(text("?x\r\n")).next()).toThrow(/malformed RESP/);
  });
});
