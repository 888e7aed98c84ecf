// Bitmap commands (Redis's bitops.c) on string values: all executed by the shard core on the key's shard;
// BITOP across shards runs as a cross-shard transaction.
import { type CommandSpec, FIRST_KEY, SINGLE } from "./types";

export const BITMAPS = [
  { name: "setbit", group: "bitmap", arity: 4, flags: ["write", "denyoom"], keys: FIRST_KEY, split: SINGLE, summary: "Set or clear one bit, growing the string" },
  { name: "getbit", group: "bitmap", arity: 3, flags: ["readonly", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Read one bit" },
  { name: "bitcount", group: "bitmap", arity: -2, flags: ["readonly"], keys: FIRST_KEY, split: SINGLE, summary: "Count set bits (start end, BYTE|BIT)" },
  { name: "bitpos", group: "bitmap", arity: -3, flags: ["readonly"], keys: FIRST_KEY, split: SINGLE, summary: "First set or clear bit (start end, BYTE|BIT)" },
  { name: "bitop", group: "bitmap", arity: -4, flags: ["write", "denyoom"], keys: { kind: "range", first: 2, last: -1, step: 1 }, split: SINGLE, summary: "AND, OR, XOR, NOT of strings into a destination (one shard)" },
  { name: "bitfield", group: "bitmap", arity: -2, flags: ["write", "denyoom"], keys: FIRST_KEY, split: SINGLE, summary: "GET, SET, INCRBY integer fields (OVERFLOW WRAP|SAT|FAIL)" },
  { name: "bitfield_ro", group: "bitmap", arity: -2, flags: ["readonly", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "GET integer fields (read-only BITFIELD)" },
] as const satisfies readonly CommandSpec[];
