// The one list of known differences between edgeslot and redis-server 7.0, each with its reason.
// The differential harness normalises or skips only what is listed here; the README renders this list.

/** Where a difference shows: the WASM core on its own, or the sharded gateway over HTTP. */
export type Level = "core" | "gateway";

/** How the harness compares a command's replies when a difference applies. */
export type CompareRule =
  /** Array replies are compared as sorted multisets. */
  | { kind: "unordered" }
  /** A non-nil reply must name a key that exists on the oracle at that moment; nil only when both are empty. */
  | { kind: "member-of-keyspace" }
  /** The iteration is run to completion on both sides and the sets of keys it returned are compared. */
  | { kind: "scan-union" }
  /** Integers within `tolerance` of each other match; negative (-1/-2 style) answers must be equal. */
  | { kind: "clock-tolerance"; tolerance: number }
  /**
   * The count may include keys whose expiry passed but that were not reclaimed yet: the live count
   * (`KEYS *`) must match exactly, and each side's count must be at least its live count.
   */
  | { kind: "live-count-plus-unreclaimed" }
  /** edgeslot's full iteration must be empty; the oracle is not compared. */
  | { kind: "empty-scan" }
  /**
   * A random pick from a hash: errors, nil and empty replies compare exactly; otherwise the same number of
   * items, each a field (with its value, for WITHVALUES) the oracle's hash holds, distinct for a positive count.
   */
  | { kind: "random-fields" }
  /** Replies are compared exactly as usual: the difference is one a single client cannot see, or one only Redis Cluster shows. */
  | { kind: "exact" }
  /** When the command's keys live on more than one shard, edgeslot answers `error` and the oracle is not asked. */
  | { kind: "error-when-keys-span-shards"; error: string };

export interface Difference {
  id: string;
  /** Upper-case command names this applies to. */
  commands: readonly string[];
  levels: readonly Level[];
  /** Narrows the difference to some invocations (arguments as sent, name included). */
  when?: (args: readonly string[]) => boolean;
  /** `deliberate`: edgeslot chose to differ. `unspecified`: Redis leaves it open (order, clocks, randomness). */
  kind: "deliberate" | "unspecified";
  summary: string;
  reason: string;
  rule: CompareRule;
}

export const CROSSSLOT_ERROR = "CROSSSLOT Keys in request don't hash to the same slot";

export const DIFFERENCES: readonly Difference[] = [
  {
    id: "cross-shard-atomic-multikey",
    commands: ["MSETNX", "RENAME", "RENAMENX"],
    levels: ["gateway"],
    kind: "deliberate",
    summary: "MSETNX, RENAME and RENAMENX whose keys live on different shards answer CROSSSLOT.",
    reason:
      "Each must be atomic across all its keys; until the cross-shard two-phase protocol lands, edgeslot " +
      "refuses rather than half-apply. Keys on the same shard (e.g. sharing a {hash tag}) work as in Redis. As in " +
      "Redis Cluster, the slot check comes before MSETNX counts its pairs, so a cross-shard MSETNX with a value " +
      "missing also answers CROSSSLOT (a standalone redis-server answers the arity error).",
    rule: { kind: "error-when-keys-span-shards", error: CROSSSLOT_ERROR },
  },
  {
    id: "cross-shard-transaction",
    commands: ["MULTI", "EXEC"],
    levels: ["gateway"],
    kind: "deliberate",
    summary: "A transaction (`/multi-exec`) whose keys live on more than one shard is refused as a whole with CROSSSLOT.",
    reason:
      "A transaction runs as one batch inside one shard, which is what makes it atomic; the cross-shard two-phase " +
      "protocol will lift this. The transaction tests generate single-slot transactions.",
    rule: { kind: "error-when-keys-span-shards", error: CROSSSLOT_ERROR },
  },
  {
    id: "split-multikey",
    commands: ["MGET", "MSET", "DEL", "UNLINK", "EXISTS", "TOUCH"],
    levels: ["gateway"],
    kind: "deliberate",
    summary:
      "MGET, MSET, DEL, UNLINK, EXISTS and TOUCH whose keys live on several shards are split per shard and merged " +
      "in key order, where Redis Cluster answers CROSSSLOT; a split MSET is not atomic across shards.",
    reason:
      "Clients of a single endpoint (the @upstash/redis cleanup, MGET of unrelated keys) send these with keys anywhere; " +
      "answering them as a standalone Redis would beats refusing. Each shard's part is atomic, so a reader can see " +
      "some shards' part of an MSET before the rest; atomic cross-shard MSET comes with the two-phase protocol.",
    rule: { kind: "exact" },
  },
  {
    id: "crossslot-per-shard",
    commands: ["MSETNX", "RENAME", "RENAMENX", "BITOP", "PFMERGE", "PFCOUNT", "MULTI", "EXEC"],
    levels: ["gateway"],
    kind: "deliberate",
    summary: "Keys in different slots are accepted together while they live on one shard; CROSSSLOT means \"spans shards\".",
    reason:
      "A shard runs a batch atomically whatever slots its keys hash to, so refusing such requests would only add " +
      "errors a standalone Redis does not give. Use {hash tags} to keep keys together as shard counts change.",
    rule: { kind: "exact" },
  },
  {
    id: "cross-shard-bitop-hll",
    commands: ["BITOP", "PFMERGE", "PFCOUNT"],
    levels: ["gateway"],
    kind: "deliberate",
    summary: "BITOP, PFMERGE and multi-key PFCOUNT whose keys live on different shards answer CROSSSLOT.",
    reason:
      "Each reads all its keys atomically (and BITOP/PFMERGE write one of them); until the cross-shard protocol lands " +
      "edgeslot refuses rather than gather a snapshot across shards. Keys sharing a {hash tag} (one shard) work as in Redis.",
    rule: { kind: "error-when-keys-span-shards", error: CROSSSLOT_ERROR },
  },
  {
    id: "hll-dense-only",
    commands: ["GET", "STRLEN", "GETRANGE", "GETBIT", "BITCOUNT", "PFCOUNT"],
    levels: ["core", "gateway"],
    kind: "deliberate",
    summary:
      "A HyperLogLog is always stored in Redis's dense format (12,304 bytes) and PFCOUNT never writes its cached " +
      "cardinality: the bytes of an HLL (GET, STRLEN, GETRANGE, bit reads) differ from Redis's, whose small HLLs are sparse " +
      "and whose PFCOUNT caches the count in the header. Counts are equal: the registers, hash and estimator are Redis's.",
    reason:
      "The dense form makes PFADD O(1) per element with no sparse-to-dense promotion, and a PFCOUNT that writes would have " +
      "to be logged and could not run on a replica. Redis's sparse values (copied in with SET or RESTORE) are read and " +
      "turned dense on the first write. The differential streams keep HLLs on their own keys and never read their bytes.",
    rule: { kind: "exact" },
  },
  {
    id: "scan-type-none",
    commands: ["SCAN"],
    levels: ["core", "gateway"],
    when: (args) => args.some((arg, i) => i > 1 && /^type$/i.test(args[i - 1]!) && /^none$/i.test(arg)),
    kind: "deliberate",
    summary: "SCAN … TYPE none never returns a key.",
    reason:
      "Redis 7.0 returns a key whose expiry has passed but that was not reclaimed yet (its type check reads the " +
      "key as missing, whose type name is \"none\"), and deletes it on the way; edgeslot never shows expired keys.",
    rule: { kind: "empty-scan" },
  },
  {
    id: "keys-order",
    commands: ["KEYS"],
    levels: ["core", "gateway"],
    kind: "unspecified",
    summary: "KEYS returns the matching keys in a different order.",
    reason: "Redis documents no order (it is its hash table's); edgeslot's table and its shard fan-out order differ.",
    rule: { kind: "unordered" },
  },
  {
    id: "scan-cursor",
    commands: ["SCAN"],
    levels: ["core", "gateway"],
    kind: "unspecified",
    summary: "SCAN cursors and page contents differ; a full iteration returns the same keys.",
    reason:
      "Cursors are opaque in Redis too; edgeslot's encode the shard and a position in its own table. Only SCAN's " +
      "guarantee (every key present throughout is returned) is comparable.",
    rule: { kind: "scan-union" },
  },
  {
    id: "randomkey-choice",
    commands: ["RANDOMKEY"],
    levels: ["core", "gateway"],
    kind: "unspecified",
    summary: "RANDOMKEY picks a different key.",
    reason: "It is random in both; the harness checks the key exists.",
    rule: { kind: "member-of-keyspace" },
  },
  {
    id: "hrandfield-choice",
    commands: ["HRANDFIELD"],
    levels: ["core", "gateway"],
    kind: "unspecified",
    summary: "HRANDFIELD picks different fields.",
    reason:
      "It is random in both; the harness checks the reply's size, that every field (and value) is in the hash, and " +
      "that a positive count gives distinct fields.",
    rule: { kind: "random-fields" },
  },
  {
    id: "hrandfield-repeat-limit",
    commands: ["HRANDFIELD"],
    levels: ["core", "gateway"],
    when: (args) => /^-\d+$/.test(args[2] ?? "") && BigInt(args[2]!) < -(2n ** 20n),
    kind: "deliberate",
    summary: "HRANDFIELD with a negative count below -1048576 on an existing hash answers `ERR value is out of range`.",
    reason:
      "redis-server builds whatever reply is asked for (a huge negative count exhausts its memory and kills it); a " +
      "shard refuses more than 2^20 repeated fields rather than fail the whole shard. The streams never send such counts.",
    rule: { kind: "exact" },
  },
  {
    id: "ttl-seconds-clock",
    commands: ["TTL", "EXPIRETIME"],
    levels: ["core", "gateway"],
    kind: "unspecified",
    summary: "Second-resolution TTLs may differ by a second or two.",
    reason:
      "The two servers read their own clocks at different moments (over HTTP, a request's latency apart), which can " +
      "cross second boundaries; a unit or rounding bug would be off by far more.",
    rule: { kind: "clock-tolerance", tolerance: 2 },
  },
  {
    id: "ttl-milliseconds-clock",
    commands: ["PTTL", "PEXPIRETIME"],
    levels: ["core", "gateway"],
    kind: "unspecified",
    summary: "Millisecond TTLs differ by the time between the two servers executing the command.",
    reason: "The two servers read their own clocks; relative expiries are taken from each one's clock.",
    rule: { kind: "clock-tolerance", tolerance: 3000 },
  },
  {
    id: "dbsize-unreclaimed-expired",
    commands: ["DBSIZE"],
    levels: ["core", "gateway"],
    kind: "unspecified",
    summary: "DBSIZE may count a key whose expiry has passed until that key is reclaimed, at a different moment than Redis.",
    reason:
      "Redis counts such keys too until its active expiry cycle (10 times a second) or an access removes them; " +
      "edgeslot reclaims on access and in its alarm-driven sweep. Keys that are visible (KEYS, EXISTS, GET) agree exactly.",
    rule: { kind: "live-count-plus-unreclaimed" },
  },
];

/** The rule for a command (its name and arguments) at a level, if a listed difference covers it. */
export function ruleFor(args: readonly string[], level: Level): CompareRule | undefined {
  const name = args[0]!.toUpperCase();
  const applies = (d: Difference) =>
    d.rule.kind !== "exact" && d.levels.includes(level) && d.commands.includes(name) && (d.when?.(args) ?? true);
  return DIFFERENCES.find(applies)?.rule;
}
