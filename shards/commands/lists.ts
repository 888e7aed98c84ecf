// List commands (Redis's t_list.c): executed by the shard core; LMOVE/RPOPLPUSH/LMPOP need their keys on one shard.
import { type CommandSpec, FIRST_KEY, SINGLE } from "./types";

const SOURCE_AND_DESTINATION = { kind: "range", first: 1, last: 2, step: 1 } as const;

export const LISTS = [
  { name: "lpush", group: "list", arity: -3, flags: ["write", "denyoom", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Prepend elements" },
  { name: "rpush", group: "list", arity: -3, flags: ["write", "denyoom", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Append elements" },
  { name: "lpushx", group: "list", arity: -3, flags: ["write", "denyoom", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Prepend elements only if the list exists" },
  { name: "rpushx", group: "list", arity: -3, flags: ["write", "denyoom", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Append elements only if the list exists" },
  { name: "lpop", group: "list", arity: -2, flags: ["write", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Remove and return the first elements (count)" },
  { name: "rpop", group: "list", arity: -2, flags: ["write", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Remove and return the last elements (count)" },
  { name: "llen", group: "list", arity: 2, flags: ["readonly", "fast"], keys: FIRST_KEY, split: SINGLE, summary: "Length of a list" },
  { name: "lrange", group: "list", arity: 4, flags: ["readonly"], keys: FIRST_KEY, split: SINGLE, summary: "Elements in an index range" },
  { name: "lindex", group: "list", arity: 3, flags: ["readonly"], keys: FIRST_KEY, split: SINGLE, summary: "Element at an index" },
  { name: "lset", group: "list", arity: 4, flags: ["write", "denyoom"], keys: FIRST_KEY, split: SINGLE, summary: "Set the element at an index" },
  { name: "linsert", group: "list", arity: 5, flags: ["write", "denyoom"], keys: FIRST_KEY, split: SINGLE, summary: "Insert before or after a pivot element" },
  { name: "lrem", group: "list", arity: 4, flags: ["write"], keys: FIRST_KEY, split: SINGLE, summary: "Remove occurrences of an element" },
  { name: "ltrim", group: "list", arity: 4, flags: ["write"], keys: FIRST_KEY, split: SINGLE, summary: "Keep only an index range" },
  { name: "lpos", group: "list", arity: -3, flags: ["readonly"], keys: FIRST_KEY, split: SINGLE, summary: "Index of matching elements (RANK COUNT MAXLEN)" },
  { name: "lmove", group: "list", arity: 5, flags: ["write", "denyoom"], keys: SOURCE_AND_DESTINATION, split: SINGLE, summary: "Pop from one list and push to another (or rotate one)" },
  { name: "rpoplpush", group: "list", arity: 3, flags: ["write", "denyoom"], keys: SOURCE_AND_DESTINATION, split: SINGLE, summary: "Pop the last element and push it to the head of a list" },
  { name: "lmpop", group: "list", arity: -4, flags: ["write"], keys: { kind: "numkeys", numkeysAt: 1, firstAfter: 2 }, split: SINGLE, summary: "Pop elements from the first non-empty list (LEFT|RIGHT COUNT)" },
] as const satisfies readonly CommandSpec[];
