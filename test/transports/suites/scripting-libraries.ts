// The libraries scripts get from Redis 7.0 (cjson, bit, struct, cmsgpack) over any transport; every
// expected value below is what redis-server 7.0 answers to the same script.
import { describe, expect, it } from "vitest";
import type { Client } from "../transport";

const bytes = (...values: number[]) => Uint8Array.from(values);
const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

export function scriptingLibrariesSuite(t: Client): void {
  const evalResult = (script: string, ...argv: string[]) => t.result(["EVAL", script, 0, ...argv]);
  const evalError = (script: string) => t.error(["EVAL", script, 0]);
  const evalBytes = async (script: string, ...argv: (string | Uint8Array)[]) => {
    const entry = await t.execBytes(["EVAL", script, "0", ...argv]);
    if (entry.error !== undefined) throw new Error(entry.error);
    return entry.result as Uint8Array;
  };
  const scriptError = (message: string) => new RegExp(`^ERR user_script:1: ${message.replace(/[()[\]'.+*?]/g, "\\$&")} script: [0-9a-f]{40}, on @user_script:1\\.$`);

  describe(`cjson over ${t.name}`, () => {
    it("encode: numbers as %.14g, escapes, arrays, objects, empty table", async () => {
      expect(await evalResult("return cjson.encode({1,2,3,{a=1.5}, 'a/b\"\\\\', 1e20, 0.1, -0})")).toBe('[1,2,3,{"a":1.5},"a\\/b\\"\\\\",1e+20,0.1,-0]');
      expect(await evalResult("return cjson.encode({123456789012345678, 1e-7, 0.1+0.2, 2^53})")).toBe("[1.2345678901235e+17,1e-07,0.3,9.007199254741e+15]");
      expect(await evalResult("return cjson.encode({})")).toBe("{}");
      expect(await evalResult("return cjson.encode({[1]=1,[2]=2,x=3})")).toBe('{"1":1,"2":2,"x":3}');
      expect(await evalResult("return cjson.encode({[1]=1,[3]=3})")).toBe("[1,null,3]");
      expect(await evalBytes("return cjson.encode(string.char(0,1,31,127,128,255,47,92,34))")).toEqual(latin1('"\\u0000\\u0001\\u001f\\u007f\x80\xff\\/\\\\\\""'));
    });

    it("decode: unicode escapes, numbers strtod accepts, null as cjson.null", async () => {
      expect(await evalBytes("return cjson.decode(ARGV[1])", '"\\u00e9\\ud83d\\ude00"')).toEqual(bytes(0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80));
      expect(await evalResult("return {cjson.decode('1e3'), cjson.decode('0x10'), cjson.decode('+1'), cjson.decode('01')}")).toEqual([1000, 16, 1, 1]);
      expect(await evalResult("return cjson.decode('[1,null,2]')")).toEqual([1, null, 2]);
      expect(await evalResult("return {type(cjson.null), tostring(cjson.null), cjson.decode('{\"a\":null}').a == cjson.null}")).toEqual(["userdata", "userdata: (nil)", 1]);
      expect(await evalResult("return cjson.encode(cjson.decode(ARGV[1]))", '{"a":[1,{"b":null}],"c":"\\/","d":[]}')).toBe('{"a":[1,{"b":null}],"c":"\\/","d":{}}');
    });

    it("errors worded as cjson words them", async () => {
      expect(await evalError("return cjson.decode('x')")).toMatch(scriptError("Expected value but found invalid token at character 1"));
      expect(await evalError("return cjson.decode('[1,2')")).toMatch(scriptError("Expected comma or array end but found T_END at character 5"));
      expect(await evalError("return cjson.decode('{1:2}')")).toMatch(scriptError("Expected object key string but found T_NUMBER at character 2"));
      expect(await evalError("return cjson.decode('\"\\\\u12\"')")).toMatch(scriptError("Expected value but found invalid unicode escape code at character 2"));
      expect(await evalError("return cjson.decode(string.rep('[', 1001))")).toMatch(scriptError("Found too many nested data structures (1001) at character 1001"));
      expect(await evalError("return cjson.decode({})")).toMatch(scriptError("bad argument #1 to 'decode' (string expected, got table)"));
      expect(await evalError("return cjson.encode(function() end)")).toMatch(scriptError("Cannot serialise function: type not supported"));
      expect(await evalError("return cjson.encode({1/0})")).toMatch(scriptError("Cannot serialise number: must not be NaN or Inf"));
      expect(await evalError("return cjson.encode({[1]=1,[20]=3})")).toMatch(scriptError("Cannot serialise table: excessively sparse array"));
      expect(await evalError("local t={} t[1]=t return cjson.encode(t)")).toMatch(scriptError("Cannot serialise, excessive nesting (1001)"));
      expect(await evalError("return cjson.encode()")).toMatch(scriptError("bad argument #1 to 'encode' (expected 1 argument)"));
    });

    it("settings: depth limits and cjson.new(), reset for every script", async () => {
      expect(await evalError("cjson.encode_max_depth(2) return cjson.encode({{{1}}})")).toMatch(scriptError("Cannot serialise, excessive nesting (3)"));
      expect(await evalError("cjson.decode_max_depth(2) return cjson.decode('[[[1]]]')")).toMatch(scriptError("Found too many nested data structures (3) at character 3"));
      expect(await evalResult("return {cjson.encode_max_depth(), cjson.decode_max_depth()}")).toEqual([1000, 1000]);
      expect(await evalResult("local c = cjson.new() c.encode_invalid_numbers('null') c.encode_number_precision(3) return c.encode({1/0, math.pi})")).toBe("[null,3.14]");
      expect(await evalError("return cjson.encode_max_depth(0)")).toMatch(scriptError("bad argument #1 to 'encode_max_depth' (expected integer between 1 and 2147483647)"));
    });
  });

  describe(`bit over ${t.name}`, () => {
    it("LuaBitOp on doubles: modulo 2^32, signed results, rounding", async () => {
      expect(await evalResult("return {bit.tobit(2^32+5), bit.tobit(2^31), bit.tobit(1.5), bit.tobit(2.5), bit.tobit(-2.5), bit.tobit(2^53+3)}")).toEqual([5, -2147483648, 2, 2, -2, 2]);
      expect(await evalResult("return {bit.rol(1, 33), bit.ror(1,1), bit.arshift(-256, 4), bit.rshift(-256,4), bit.lshift(1,31), bit.bswap(0x12345678), bit.bnot(0)}")).toEqual([
        2, -2147483648, -16, 268435440, -2147483648, 2018915346, -1,
      ]);
      expect(await evalResult("return {bit.band(0xffffffff, 2^40 + 7), bit.bor(1,2,4,8), bit.bxor(5, 3, 1), bit.band('12', 4)}")).toEqual([7, 15, 7, 4]);
      expect(await evalResult("return bit.tohex(-1, -4) .. bit.tohex(255) .. bit.tohex(255, 2) .. bit.tohex(0x12345678, 20)")).toBe("FFFF000000ffff12345678");
      expect(await evalError("return bit.band('x')")).toMatch(scriptError("bad argument #1 to 'band' (number expected, got string)"));
      expect(await evalError("return bit.bor(1, nil)")).toMatch(scriptError("bad argument #2 to 'bor' (number expected, got nil)"));
    });
  });

  describe(`struct over ${t.name}`, () => {
    it("pack: endianness, alignment, integer sizes, floats, strings", async () => {
      expect(await evalBytes("return struct.pack('>i3<i16', -2, -2)")).toEqual(bytes(0xff, 0xff, 0xfe, 0xfe, ...Array(7).fill(0xff), ...Array(8).fill(0)));
      expect(await evalBytes("return struct.pack('!2bhbi', 1, 2, 3, 4)")).toEqual(bytes(1, 0, 2, 0, 3, 0, 4, 0, 0, 0));
      expect(await evalBytes("return struct.pack('>d<f', 1.5, 0.1)")).toEqual(bytes(0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0xcd, 0xcc, 0xcc, 0x3d));
      expect(await evalBytes("return struct.pack('c0sB', 'ab', 'cd', 300.7)")).toEqual(latin1("abcd\x00,"));
      expect(await evalBytes("return struct.pack('>L>L>l', 2^64, 0/0, -2^64)")).toEqual(bytes(...Array(8).fill(0), 0x80, ...Array(7).fill(0), 0x80, ...Array(7).fill(0)));
      expect(await evalResult("return struct.size('>iTlhbd!4fc3')")).toBe(39);
    });

    it("unpack returns the values then the next position", async () => {
      expect(await evalResult("return {struct.unpack('<i16', struct.pack('<i16', -2))}")).toEqual([-2, 17]);
      expect(await evalResult("return {struct.unpack('bc0', '\\2abc')}")).toEqual(["ab", 4]);
      expect(await evalResult("return {struct.unpack('>I4xI2', ARGV[1])}", "\0\0\x01\0\t\0\x05")).toEqual([256, 5, 8]);
      expect(await evalResult("return {struct.unpack('b', 'ab', 2)}")).toEqual([98, 3]);
      // c0 takes its size from the value before it as C's (size_t) cast does (redis-server's answers).
      expect(await evalResult("return {struct.unpack('fc0', struct.pack('f', -0.5))}")).toEqual(["", 5]);
      expect(await evalResult("return {struct.unpack('I8c0', struct.pack('I8', -308))}")).toEqual(["", 9]);
      expect(await evalError("return {struct.unpack('bc0', struct.pack('b', -2) .. 'abc')}")).toMatch(scriptError("bad argument #2 to 'unpack' (data string too short)"));
    });

    it("errors as lua_struct words them", async () => {
      expect(await evalError("return struct.pack('z', 1)")).toMatch(scriptError("bad argument #1 to 'pack' (invalid format option 'z')"));
      expect(await evalError("return struct.pack('i33', 1)")).toMatch(scriptError("integral size 33 is larger than limit of 32"));
      expect(await evalError("return struct.pack('!3i', 1)")).toMatch(scriptError("alignment 3 is not a power of 2"));
      expect(await evalError("return struct.pack('c5', 'ab')")).toMatch(scriptError("bad argument #3 to 'pack' (string too short)"));
      expect(await evalError("return struct.pack('b')")).toMatch(scriptError("bad argument #2 to 'pack' (number expected, got nil)"));
      expect(await evalError("return struct.unpack('i', 'ab')")).toMatch(scriptError("bad argument #2 to 'unpack' (data string too short)"));
      expect(await evalError("return struct.unpack('s', 'ab')")).toMatch(scriptError("unfinished string in data"));
      expect(await evalError("return struct.unpack('c0', 'abc')")).toMatch(scriptError("format 'c0' needs a previous size"));
      expect(await evalError("return struct.unpack('b', 'ab', 0)")).toMatch(scriptError("bad argument #3 to 'unpack' (offset must be 1 or greater)"));
      expect(await evalError("return struct.size('s')")).toMatch(scriptError("bad argument #1 to 'size' (option 's' has no fixed size)"));
    });
  });

  describe(`cmsgpack over ${t.name}`, () => {
    it("pack: smallest integer encodings, float32 when exact, str8/16/32, arrays vs maps", async () => {
      expect(await evalBytes("return cmsgpack.pack(1.5, 2^53, -1, 255, 65536, -33, 2^63, -2^63, 0.1, -0.0)")).toEqual(
        bytes(0xca, 0x3f, 0xc0, 0, 0, 0xcf, 0, 0x20, 0, 0, 0, 0, 0, 0, 0xff, 0xcc, 0xff, 0xce, 0, 1, 0, 0, 0xd0, 0xdf, 0xca, 0x5f, 0, 0, 0, 0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0, 0xcb, 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a, 0),
      );
      expect(await evalBytes("return cmsgpack.pack({1,2,3}, {a=1}, {}, {[1]=1,[3]=3}, {1,nil,3}, true, false, nil)")).toEqual(
        bytes(0x93, 1, 2, 3, 0x81, 0xa1, 0x61, 1, 0x90, 0x82, 1, 1, 3, 3, 0x82, 1, 1, 3, 3, 0xc3, 0xc2, 0xc0),
      );
      expect(await evalResult("return {#cmsgpack.pack(string.rep('x',31)), #cmsgpack.pack(string.rep('x',32)), #cmsgpack.pack(string.rep('x',256)), #cmsgpack.pack(string.rep('x',65536))}")).toEqual([32, 34, 259, 65541]);
      expect(await evalBytes("local t={} t[1]=t return cmsgpack.pack(t)")).toEqual(bytes(...Array(16).fill(0x91), 0xc0));
    });

    it("unpack: several objects, unpack_one and unpack_limit offsets, errors", async () => {
      expect(await evalResult("return {cmsgpack.unpack(cmsgpack.pack(1,'a',{2}))}")).toEqual([1, "a", [2]]);
      expect(await evalResult("return {cmsgpack.unpack_one(cmsgpack.pack(1,2), 1)}")).toEqual([-1, 2]);
      expect(await evalResult("return {cmsgpack.unpack_limit(cmsgpack.pack(1,2,3), 2)}")).toEqual([2, 1, 2]);
      expect(await evalResult("return tostring(cmsgpack.unpack('\\207\\255\\255\\255\\255\\255\\255\\255\\255'))")).toBe("-1");
      expect(await evalError("return cmsgpack.unpack('\\205')")).toMatch(scriptError("Missing bytes in input."));
      expect(await evalError("return cmsgpack.unpack('\\193')")).toMatch(scriptError("Bad data format in input."));
      expect(await evalError("return cmsgpack.pack()")).toMatch(scriptError("bad argument #0 to 'pack' (MessagePack pack needs input.)"));
      expect(await evalError("return cmsgpack.unpack_one('\\1', 5)")).toMatch(scriptError("Start offset 5 greater than input length 1."));
    });
  });

  describe(`deep nesting over ${t.name}`, () => {
    it("1000 levels encode and decode; deeper is refused with an error, and the shard keeps serving", async () => {
      expect(await evalResult("return #cjson.encode(cjson.decode(string.rep('[', 1000) .. string.rep(']', 1000)))")).toBe(2000);
      expect(await evalResult("return #cmsgpack.pack(cmsgpack.unpack(string.rep('\\145', 1000) .. '\\1'))")).toBe(17);
      expect(await evalResult("local t = cmsgpack.unpack(string.rep('\\145', 1000) .. '\\1') for i = 1, 1000 do t = t[1] end return t")).toBe(1);
      expect(await evalError("local c = cjson.new() c.decode_max_depth(5000) return c.decode(string.rep('[', 1001))")).toMatch(scriptError("Found too many nested data structures (1001) at character 1001"));
      expect(await evalError("return cmsgpack.unpack(string.rep('\\145', 5000) .. '\\1')")).toMatch(scriptError("stack overflow (in function mp_decode_to_lua_array)"));
      expect(await evalResult("return cjson.encode({1})")).toBe("[1]");
    });
  });

  describe(`numbers as text over ${t.name}`, () => {
    it("tostring and concatenation print numbers with Lua 5.1's %.14g", async () => {
      expect(await evalResult("return {tostring(0/0), tostring(-(0/0)), tostring(1/0), tostring(1e20), tostring(2^53), tostring(1e-5), 123456789012345 .. '', tostring(1/3)}")).toEqual([
        "-nan", "nan", "inf", "1e+20", "9.007199254741e+15", "1e-05", "1.2345678901234e+14", "0.33333333333333",
      ]);
      // Lua 5.1 folds -0.0 into the function's constant 0, so the 0 of 1/0 is negative too.
      expect(await evalResult("return tostring(-0.0) .. tostring(1/0)")).toBe("-0-inf");
    });
  });

  describe(`the libraries are read-only over ${t.name}`, () => {
    it("a script cannot replace a library function for the next one", async () => {
      for (const name of ["cjson", "bit", "struct", "cmsgpack"]) {
        expect(await evalError(`${name}.x = 1`)).toMatch(scriptError("Attempt to modify a readonly table"));
      }
      expect(await evalResult("return cjson.encode({1})")).toBe("[1]");
    });
  });
}
