// What only the service binding does: bytes in and out as Uint8Array, exact 64-bit integers,
// structured arguments (numbers, bigints), malformed calls and the request size limit answered as
// `{error}` values, and no address for CLUSTER SLOTS.
import { describe, expect, it } from "vitest";
import { useEmptyStoreOver, bindingTransport } from "../transports/transport";
import { edgeslot } from "./bindings";

useEmptyStoreOver(bindingTransport("the service binding", edgeslot));

const bytes = (...values: number[]) => new Uint8Array(values);

describe("the EdgeslotRpc entrypoint", () => {
  it("binary keys and values round-trip as Uint8Array with { binary: true }", async () => {
    const key = bytes(0, 0xff, 10, 13, 0x80);
    const value = bytes(0xff, 0xfe, 0, 1, 2, 0xc3);
    expect(await edgeslot.exec(["SET", key, value])).toEqual({ result: "OK" });
    const got = await edgeslot.exec(["GET", key], { binary: true });
    expect(got.result).toBeInstanceOf(Uint8Array);
    expect([...(got.result as Uint8Array)]).toEqual([...value]);
    // Status replies stay text; nil stays null.
    expect(await edgeslot.exec(["PING"], { binary: true })).toEqual({ result: "PONG" });
    expect(await edgeslot.exec(["GET", "missing"], { binary: true })).toEqual({ result: null });
    const [mget] = (await edgeslot.pipeline([["MGET", key, "missing"]], { binary: true })) as { result: unknown[] }[];
    expect(mget!.result[0]).toBeInstanceOf(Uint8Array);
    expect(mget!.result[1]).toBe(null);
    const tx = (await edgeslot.multiExec([["GET", key]], { binary: true })) as { result: Uint8Array }[];
    expect([...tx[0]!.result]).toEqual([...value]);
  });

  it("without { binary: true } bulk strings are UTF-8 text with U+FFFD for invalid bytes, as over HTTP", async () => {
    await edgeslot.exec(["SET", "k", bytes(0x68, 0xff, 0x69)]);
    expect(await edgeslot.exec(["GET", "k"])).toEqual({ result: "h\uFFFDi" });
  });

  it("numbers and bigints are arguments by their decimal text; 64-bit replies stay exact", async () => {
    expect(await edgeslot.exec(["SET", "n", 9007199254740993n])).toEqual({ result: "OK" });
    expect(await edgeslot.exec(["GET", "n"])).toEqual({ result: "9007199254740993" });
    expect(await edgeslot.exec(["INCRBY", "n", 1])).toEqual({ result: 9007199254740994n });
    expect(await edgeslot.exec(["INCRBY", "small", 2.5e1])).toEqual({ result: 25 });
    expect(await edgeslot.exec(["INCRBYFLOAT", "f", 0.5])).toEqual({ result: "0.5" });
  });

  it("malformed calls are refused as `{error}` values with the HTTP API's messages", async () => {
    const call = edgeslot as unknown as { exec(v: unknown): Promise<unknown>; pipeline(v: unknown): Promise<unknown> };
    expect(await call.exec([])).toEqual({ error: "ERR the command is empty: a command needs at least its name" });
    expect(await call.exec(["SET", ["a"], "b"])).toEqual({ error: "ERR argument 2 of the command must be a string or a number, not an array" });
    expect(await call.exec(["SET", "k", null])).toEqual({ error: "ERR argument 3 of the command must be a string or a number, not null" });
    expect(await call.exec("GET k")).toEqual({
      error: 'ERR the command must be a JSON array of arguments such as ["SET","key","value"], not a string',
    });
    expect(await call.pipeline(["GET", "k"])).toEqual({
      error: 'ERR command 1 must be a JSON array of arguments such as ["SET","key","value"], not a string',
    });
  });

  it("arguments over the request size limit are refused like an HTTP body over it", async () => {
    const big = new Uint8Array(10 * 1024 * 1024);
    expect(await edgeslot.exec(["SET", "big", big])).toEqual({ error: "ERR max request size exceeded" });
    expect(await edgeslot.exec(["EXISTS", "big"])).toEqual({ result: 0 });
  });

  it("CLUSTER SLOTS reports port 0: a binding has no address", async () => {
    const slots = (await edgeslot.exec(["CLUSTER", "SLOTS"])).result as unknown[][];
    expect(slots).toHaveLength(4);
    expect(slots[0]![2]).toEqual(["127.0.0.1", 0, expect.any(String), []]);
  });
});
