// Phase one of a request (Dragonfly style): a pure plan from commands to per-shard sub-batches,
// keeping each shard's commands in request order, plus the steps that merge replies back in order.
import { type CommandSpec, type FanoutMerge, isWrite, type LocalCommandName, type SplitMerge } from "../../shards/commands";
import { ReplyError } from "../wire/resp";
import { argText, type Command, resolveCommand } from "./command";
import { keyIndices } from "./keys";
import { parseScanCursor } from "./scan-cursor";
import { parseMapReduce } from "../../shards/compute/options";
import { shardOfSlot, SLOT_COUNT, type SlotMap } from "./slot-map";

/** Where one sub-command sits: shard `shard`'s batch, position `index`. */
export interface Part {
  readonly shard: number;
  readonly index: number;
}

export type Step =
  /** Refused before any shard: `queued` errors (unknown, arity, NOPERM, key too long) discard a transaction. */
  | { readonly kind: "error"; readonly error: ReplyError; readonly queued: boolean }
  | { readonly kind: "local"; readonly name: LocalCommandName; readonly command: Command }
  | { readonly kind: "one"; readonly part: Part }
  /** Keys on several shards: runs alone through the cross-shard protocol, not in a shard's batch. */
  | { readonly kind: "cross"; readonly command: Command }
  /** MAPREDUCE: runs alone, in rounds over `shards` (shards/compute/coordinator.ts). */
  | { readonly kind: "compute"; readonly command: Command; readonly shards: readonly number[] }
  /** `positions[p]` lists the key-group numbers part `p` carries, for merging in key order. */
  | { readonly kind: "split"; readonly merge: SplitMerge; readonly parts: readonly Part[]; readonly positions: readonly number[][]; readonly groups: number }
  | { readonly kind: "fanout"; readonly merge: FanoutMerge; readonly parts: readonly Part[] }
  | { readonly kind: "scan"; readonly part: Part };

export interface Plan {
  /** One batch per shard (empty when the shard has nothing to do). */
  readonly batches: Command[][];
  readonly steps: Step[];
  /** Shards holding keys the request names, or every shard for a fan-out (not keyless commands). */
  readonly keyedShards: ReadonlySet<number>;
}

export interface PlanOptions {
  /** Groups (shards) to route over, draining ones included: the slot map's, when there is one. */
  readonly shards: number;
  /** Who owns each slot, from the coordinator's topology; without one, the contiguous split of `shards`. */
  readonly slotMap?: SlotMap;
  readonly readonly: boolean;
  readonly maxKeyBytes: number;
  readonly keySlot: (key: Uint8Array) => number;
  /** Where commands without keys (PING, ECHO, TIME) run; by default a shard the request uses anyway. */
  readonly keylessShard?: number;
}

export function plan(commands: readonly Command[], options: PlanOptions): Plan {
  const batches: Command[][] = Array.from({ length: options.shards }, () => []);
  const keyedShards = new Set<number>();
  const place = (shard: number, command: Command): Part => ({ shard, index: batches[shard]!.push(command) - 1 });
  // Keyless commands (PING, ECHO, TIME) touch no data, so they may run anywhere in any batch: they
  // join a shard the request already contacts instead of costing an RPC of their own.
  const keyless: { part: { shard: number; index: number }; command: Command }[] = [];
  const placeKeyless = (command: Command): Part => {
    const part = { shard: 0, index: 0 };
    keyless.push({ part, command });
    return part;
  };
  const steps = commands.map((command) => planOne(command, options, place, placeKeyless, keyedShards));
  const target = options.keylessShard ?? [...keyedShards][0] ?? 0;
  for (const { part, command } of keyless) Object.assign(part, place(target, command));
  return { batches, steps, keyedShards };
}

function planOne(
  command: Command,
  options: PlanOptions,
  place: (shard: number, command: Command) => Part,
  placeKeyless: (command: Command) => Part,
  keyedShards: Set<number>,
): Step {
  const spec = resolveCommand(command);
  if (spec instanceof ReplyError) return { kind: "error", error: spec, queued: true };
  const refused = refuse(spec, command, options);
  if (refused) return { kind: "error", error: refused, queued: true };

  const shardOf = (key: Uint8Array) => ownerOfSlot(options.keySlot(key), options);
  const split = spec.split;
  switch (split.kind) {
    case "local":
      return { kind: "local", name: spec.name as LocalCommandName, command };
    case "container":
      // resolveCommand never returns a container that passed its arity check with a subcommand.
      throw new Error(`container ${spec.name} reached planning`);
    case "single": {
      const shards = new Set(keyIndices(spec.keys, command).map((i) => shardOf(command[i]!)));
      if (shards.size > 1) return { kind: "cross", command };
      const [shard] = shards;
      if (shard === undefined) return { kind: "one", part: placeKeyless(command) };
      keyedShards.add(shard);
      return { kind: "one", part: place(shard, command) };
    }
    case "perKey":
      return planSplit(spec, split.merge, command, shardOf, place, keyedShards);
    case "fanout": {
      const parts: Part[] = [];
      for (let shard = 0; shard < options.shards; shard++) {
        keyedShards.add(shard);
        parts.push(place(shard, command));
      }
      return { kind: "fanout", merge: split.merge, parts };
    }
    case "compute": {
      const parsed = parseMapReduce(command, false);
      if (options.readonly && !(parsed instanceof ReplyError) && parsed.write) {
        return { kind: "error", error: new ReplyError("NOPERM this user has no permissions to run the 'mapreduce' command with WRITE"), queued: true };
      }
      const owner = parsed instanceof ReplyError ? undefined : taggedPatternShard(parsed.match, options);
      return { kind: "compute", command, shards: owner === undefined ? Array.from({ length: options.shards }, (_, i) => i) : [owner] };
    }
    case "cursor": {
      const cursor = parseScanCursor(command[1]!, options.shards);
      if (!cursor) return { kind: "error", error: new ReplyError("ERR invalid cursor"), queued: false };
      keyedShards.add(cursor.shard);
      const sub = [command[0]!, new TextEncoder().encode(cursor.shardCursor.toString()), ...command.slice(2)];
      return { kind: "scan", part: place(cursor.shard, sub) };
    }
    case "slot": {
      // A slot that does not parse goes to shard 0, whose core answers Redis's own error text.
      const slot = Number(argText(command[split.slotAt]!));
      const shard = Number.isInteger(slot) && slot >= 0 && slot < SLOT_COUNT ? ownerOfSlot(slot, options) : 0;
      keyedShards.add(shard);
      return { kind: "one", part: place(shard, command) };
    }
  }
}

/**
 * The one shard a MAPREDUCE's MATCH can reach: a pattern whose first `{…}` holds a non-empty literal
 * tag (no glob character before its `}`) only matches keys of that tag's slot.
 */
export function taggedPatternShard(pattern: Uint8Array | undefined, options: Pick<PlanOptions, "shards" | "keySlot" | "slotMap">): number | undefined {
  if (!pattern) return undefined;
  const open = pattern.indexOf(0x7b);
  const close = open < 0 ? -1 : pattern.indexOf(0x7d, open + 1);
  if (close <= open + 1) return undefined;
  if (pattern.subarray(0, close).some((c) => c === 0x2a || c === 0x3f || c === 0x5b || c === 0x5c)) return undefined;
  return ownerOfSlot(options.keySlot(pattern.subarray(0, close + 1)), options);
}

/** The group owning `slot`: by the slot map, else the contiguous split. */
export function ownerOfSlot(slot: number, options: Pick<PlanOptions, "shards" | "slotMap">): number {
  return options.slotMap ? options.slotMap.ownerOf(slot) : shardOfSlot(slot, options.shards);
}

/** Access checks derived from the table: read-only tokens and the key size limit. */
function refuse(spec: CommandSpec, command: Command, options: PlanOptions): ReplyError | undefined {
  if (options.readonly && (isWrite(spec) || spec.flags.includes("admin"))) {
    return new ReplyError(`NOPERM this user has no permissions to run the '${spec.name}' command`);
  }
  for (const i of keyIndices(spec.keys, command)) {
    const size = command[i]!.length;
    if (size > options.maxKeyBytes) {
      return new ReplyError(`ERR key too long: ${size} bytes exceeds the limit of ${options.maxKeyBytes} bytes (EDGESLOT_MAX_KEY_BYTES)`);
    }
  }
  return undefined;
}

/** MGET/MSET/DEL/…: each key group (`step` arguments) goes to its shard; one sub-command per shard. */
function planSplit(
  spec: CommandSpec,
  merge: SplitMerge,
  command: Command,
  shardOf: (key: Uint8Array) => number,
  place: (shard: number, command: Command) => Part,
  keyedShards: Set<number>,
): Step {
  const keys = spec.keys;
  const step = keys.kind === "range" ? keys.step : 1;
  const indices = keyIndices(keys, command);
  const first = indices[0] ?? 1;
  if ((command.length - first) % step !== 0 || indices.length === 0) {
    // A malformed argument list (MSET k1 v1 k2) is the core's to refuse, with standalone Redis's
    // arity error: a command we can split across shards has no reason to run as a transaction.
    const shard = indices.length ? shardOf(command[first]!) : 0;
    keyedShards.add(shard);
    return { kind: "one", part: place(shard, command) };
  }
  const byShard = new Map<number, { args: Uint8Array[]; positions: number[] }>();
  indices.forEach((at, group) => {
    const shard = shardOf(command[at]!);
    let entry = byShard.get(shard);
    if (!entry) byShard.set(shard, (entry = { args: [command[0]!], positions: [] }));
    entry.args.push(...command.slice(at, at + step));
    entry.positions.push(group);
  });
  if (byShard.size === 1) {
    const [shard] = byShard.keys();
    keyedShards.add(shard!);
    return { kind: "one", part: place(shard!, command) };
  }
  const parts: Part[] = [];
  const positions: number[][] = [];
  for (const [shard, entry] of byShard) {
    keyedShards.add(shard);
    parts.push(place(shard, entry.args));
    positions.push(entry.positions);
  }
  return { kind: "split", merge, parts, positions, groups: indices.length };
}
