// Request parsing: JSON bodies and path-style URLs into byte commands, with clear 400 messages.
import { describe, expect, it } from "vitest";
import { parsePathCommand } from "../../../worker/wire/path";
import { BadRequest, parseCommandBody, parseCommandsBody } from "../../../worker/wire/request";

const enc = new TextEncoder();
const dec = new TextDecoder();
const body = (text: string) => enc.encode(text);
const texts = (command: readonly Uint8Array[]) => command.map((a) => dec.decode(a));

describe("JSON bodies", () => {
  it("accepts strings and numbers, keeping a number's source text", () => {
    expect(texts(parseCommandBody(body('["SET","k",9223372036854775807]')))).toEqual(["SET", "k", "9223372036854775807"]);
    expect(texts(parseCommandBody(body('["INCRBYFLOAT","k",1.5]')))).toEqual(["INCRBYFLOAT", "k", "1.5"]);
  });

  it.each([
    ["not JSON", "[\"SET\",", /not valid JSON/],
    ["an object", '{"a":1}', /JSON array of arguments/],
    ["a string", '"GET"', /JSON array of arguments/],
    ["empty", "[]", /empty/],
    ["nested array", '["SET",["a"],"b"]', /argument 2 of the command must be a string or a number, not an array/],
    ["object argument", '["SET","a",{}]', /argument 3 .* not an object/],
    ["boolean argument", '["SET","a",true]', /not a boolean/],
    ["null argument", '["SET","a",null]', /not null/],
    ["empty body", "", /not valid JSON/],
  ])("refuses %s", (_, text, message) => {
    expect(() => parseCommandBody(body(text))).toThrow(BadRequest);
    expect(() => parseCommandBody(body(text))).toThrow(message);
  });

  it("refuses malformed pipelines", () => {
    expect(() => parseCommandsBody(body("[]"))).toThrow(/empty array/);
    expect(() => parseCommandsBody(body('["GET","k"]'))).toThrow(/command 1 must be a JSON array/);
    expect(() => parseCommandsBody(body('[["GET","k"],[]]'))).toThrow(/command 2 is empty/);
    expect(() => parseCommandsBody(body('{"x":1}'))).toThrow(/array of commands/);
  });
});

describe("path-style commands", () => {
  const url = (path: string) => new URL(`http://gw${path}`);

  it("splits percent-decoded path segments, then query arguments without _token", () => {
    expect(texts(parsePathCommand(url("/set/k/v/EX/100"), undefined))).toEqual(["set", "k", "v", "EX", "100"]);
    expect(texts(parsePathCommand(url("/set/a%2Fb/hello%20world?EX=100&NX&_token=t"), undefined))).toEqual(["set", "a/b", "hello world", "EX", "100", "NX"]);
  });

  it("keeps percent-encoded bytes that are not UTF-8", () => {
    expect([...parsePathCommand(url("/get/%FF%00"), undefined)[1]!]).toEqual([0xff, 0x00]);
  });

  it("appends a POST body as the last argument", () => {
    expect(texts(parsePathCommand(url("/set/k"), enc.encode("body value")))).toEqual(["set", "k", "body value"]);
  });

  it("refuses an empty path and malformed escapes", () => {
    expect(() => parsePathCommand(url("/"), undefined)).toThrow(/empty command/);
    expect(() => parsePathCommand(url("/get/%zz"), undefined)).toThrow(/percent-encoding/);
  });
});
