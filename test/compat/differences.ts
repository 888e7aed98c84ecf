// The one list of known differences between edgeslot and redis-server 7.0, each with its reason.
// The differential harness normalises or skips only what is listed here; the README renders this list.

/** Where a difference shows: the WASM core on its own, or the sharded gateway over HTTP. */
export type Level = "core" | "gateway";

/** How the harness compares a command's replies when a difference applies. */
export type CompareRule =
  /** Array replies are compared as sorted multisets. */
  | { kind: "unordered" }
  /** Flat [field, value, …] arrays are compared as sorted multisets of their pairs. */
  | { kind: "unordered-pairs" }
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
  /** Two bulk strings match whatever their bytes (errors and nil compare exactly): only presence is compared. */
  | { kind: "presence" }
  /**
   * Set replies whose order is Redis's hash table order compare as multisets; where Redis's order is defined
   * (an intset answers ascending; a union or difference of at most 512 integers is built as an intset) they
   * compare exactly. The harness asks the oracle for the encodings (and sizes, for SINTER) it needs to decide.
   * SSCAN of a hash table is run to completion on both sides and the member sets compared.
   */
  | { kind: "set-order" }
  /**
   * SRANDMEMBER / SPOP: errors, nil and empty replies compare exactly; otherwise the reply must have Redis's
   * size and hold members of the set (distinct unless the count is negative). SPOP runs on edgeslot first and
   * the oracle then removes the same members (SREM), so both hold the same set afterwards.
   */
  | { kind: "random-members" }
  /**
   * Bulk strings (alone or in arrays) match when equal, or when they are cjson or cmsgpack output that
   * differs only in the order of object/map entries (lua-table-order.ts).
   */
  | { kind: "lua-table-order" }
  /**
   * Bulk strings (alone or in arrays) match when equal, or when both are 8 bytes holding a NaN double
   * (either byte order) and differ only in its quiet bit.
   */
  | { kind: "nan-quiet-bit" }
  /** Replies match when equal, or when Redis answers `embstr` and edgeslot `int` (OBJECT ENCODING). */
  | { kind: "embstr-reads-int" }
  /** Replies are compared exactly as usual: the difference is one a single client cannot see, or one only Redis Cluster shows. */
  | { kind: "exact" };

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

export const DIFFERENCES: readonly Difference[] = [
  {
    id: "dump-payload-format",
    commands: ["DUMP", "RESTORE"],
    levels: ["core", "gateway"],
    kind: "deliberate",
    summary:
      "DUMP payloads are edgeslot's own format (the checkpoint row: type, value in its compact form, version, CRC64); " +
      "RESTORE refuses a Redis RDB payload with `ERR DUMP payload version or checksum are wrong`.",
    reason:
      "One serialization serves checkpoints, DUMP/RESTORE and slot migration, and it is the core's compact form, " +
      "so it loads without a parser for Redis's RDB encodings. Payloads move between edgeslot shards and deployments " +
      "of the same payload version; the differential streams compare DUMP by presence only.",
    rule: { kind: "presence" },
  },
  {
    id: "split-multikey",
    commands: ["MGET", "DEL", "UNLINK", "EXISTS", "TOUCH"],
    levels: ["gateway"],
    kind: "deliberate",
    summary:
      "MGET, DEL, UNLINK, EXISTS and TOUCH whose keys live on several shards are split per shard and merged in key " +
      "order, each shard's part atomic but not the whole: a reader may see some shards' part of a DEL before the rest.",
    reason:
      "They are the commands clients send with unrelated keys anywhere (the @upstash/redis cleanup, MGET of a page of " +
      "ids), where one parallel round trip matters more than a snapshot across shards. Everything else whose keys " +
      "span shards (MSET, scripts, transactions, RENAME, the STORE forms...) runs as a cross-shard transaction.",
    rule: { kind: "exact" },
  },
  {
    id: "no-crossslot",
    commands: ["MSET", "MSETNX", "RENAME", "RENAMENX", "COPY", "BITOP", "PFMERGE", "PFCOUNT", "SMOVE", "LMOVE", "RPOPLPUSH", "EVAL", "EVALSHA", "MULTI", "EXEC"],
    levels: ["gateway"],
    kind: "deliberate",
    summary:
      "Never CROSSSLOT: commands, scripts and transactions whose keys live in different slots or on different shards " +
      "run atomically, as on a standalone Redis (on one shard as one batch; across shards through the two-phase " +
      "protocol in shards/transactions). Redis Cluster refuses them.",
    reason:
      "Real clients do not keep their keys in one slot (@upstash/ratelimit's scripts and deny list, multi() across " +
      "slots). Keys sharing a shard, e.g. through a {hash tag}, keep the single-round-trip fast path.",
    rule: { kind: "exact" },
  },
  {
    id: "cross-shard-object-encoding",
    commands: ["OBJECT"],
    levels: ["gateway"],
    kind: "deliberate",
    summary:
      "OBJECT ENCODING of a collection a cross-shard transaction or script read or moved answers the encoding its " +
      "size gives when it is loaded, as after a restart: a hash table that shrank below the listpack limits reads " +
      "`listpack` (Redis never converts back). Strings keep raw, embstr and int, except an integer-looking string Redis " +
      "keeps as text (INCRBYFLOAT's `10`), which reads `int` once moved.",
    reason:
      "The transaction runs against the values its participants sent (their DUMP payloads), restored in a scratch core; " +
      "Redis's own RESTORE and restart pick encodings the same way (INCRBYFLOAT propagates as SET, so an AOF reload " +
      "makes that string an int too). The values themselves are exact.",
    rule: { kind: "embstr-reads-int" },
  },
  {
    id: "cross-shard-script-keys",
    commands: ["EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "MULTI", "EXEC"],
    levels: ["gateway"],
    kind: "deliberate",
    summary:
      "A script whose declared keys span shards may touch undeclared keys only on those shards (`ERR Dynamic keys are " +
      "not allowed in Lua scripts whose keys span shards. Key was: <key>` for any other), and a transaction spanning " +
      "shards cannot hold commands that reach every shard or no fixed key (`ERR 'keys' cannot run in a transaction " +
      "whose keys span shards`).",
    reason:
      "Keys are locked and fetched before the script runs: an undeclared key of a participant shard makes the " +
      "transaction start over with it locked too, but one elsewhere would be silently non-atomic. Redis itself asks " +
      "scripts to declare their keys, and every @upstash/ratelimit script does (`allow-key-locking`). KEYS, SCAN, " +
      "DBSIZE or FLUSHALL inside such a transaction would need every shard locked.",
    rule: { kind: "exact" },
  },
  {
    id: "eviction-approximation",
    commands: ["INFO"],
    levels: ["core", "gateway"],
    kind: "deliberate",
    summary:
      "maxmemory policies are per shard and approximate Redis's differently: the LRU clock is one byte per key in 16-second " +
      "ticks (keys idle over 68 minutes wrap and look recent), volatile-* samples walk the keyspace table to keys with a TTL " +
      "(Redis samples its expires dict), the limit counts the shard's batch buffers (input, replies, effects), and the LFU " +
      "policies are not offered (EDGESLOT_MAXMEMORY_POLICY refuses them at start).",
    reason:
      "One spare header byte keeps every key's entry at 12 bytes where a 24-bit clock would cost 4 more per key; the sampled " +
      "choice is approximate in Redis too (5 samples). The core has no separate expires dict to sample from. The differential " +
      "streams run without maxmemory, so no reply they compare is affected.",
    rule: { kind: "exact" },
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
    id: "hash-table-order",
    commands: ["HKEYS", "HVALS", "HGETALL"],
    levels: ["core", "gateway"],
    kind: "unspecified",
    summary: "A hash in the table encoding (past 512 fields or 64-byte fields/values) lists its fields in a different order.",
    reason:
      "Redis documents no order for its hashtable encoding (it is its dict's); edgeslot's table orders differently. " +
      "Compact hashes keep insertion order on both sides; the streams compare these replies as multisets (of pairs for HGETALL).",
    rule: { kind: "unordered" },
  },
  {
    id: "hash-table-order-pairs",
    commands: ["HGETALL"],
    levels: ["core", "gateway"],
    kind: "unspecified",
    summary: "HGETALL of a table-encoded hash: the same pairs in a different order.",
    reason: "As for HKEYS and HVALS; field and value stay paired.",
    rule: { kind: "unordered-pairs" },
  },
  {
    id: "hscan-cursor",
    commands: ["HSCAN"],
    levels: ["core", "gateway"],
    kind: "unspecified",
    summary: "HSCAN of a table-encoded hash pages differently: cursors and page contents are the table's.",
    reason:
      "As with SCAN, a cursor is a position in one server's table. The streams start iterations at 0, run them to " +
      "completion on both sides and compare the sets of pairs returned.",
    rule: { kind: "scan-union" },
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
    id: "zscan-cursor",
    commands: ["ZSCAN"],
    levels: ["core", "gateway"],
    kind: "unspecified",
    summary: "ZSCAN over a skiplist-encoded set returns different cursors and pages; a full iteration returns the same members.",
    reason:
      "Cursors are opaque in Redis too; edgeslot walks its own member index. A listpack-encoded set is returned whole " +
      "with cursor 0 by both.",
    rule: { kind: "scan-union" },
  },
  {
    id: "zset-lex-mixed-scores",
    commands: ["ZRANGEBYLEX", "ZREVRANGEBYLEX", "ZLEXCOUNT", "ZREMRANGEBYLEX", "ZRANGE", "ZRANGESTORE"],
    levels: ["core", "gateway"],
    when: (args) => args.some((a) => a.toUpperCase() === "BYLEX") || /LEX$/i.test(args[0] ?? ""),
    kind: "unspecified",
    summary: "Lex ranges over a sorted set whose members do not all share one score may select different members.",
    reason:
      "Redis documents lex ranges only for sets whose members all have the same score; otherwise its listpack and " +
      "skiplist encodings already answer differently. edgeslot binary-searches the member bounds in (score, member) " +
      "order. The streams send lex commands only to sets whose members all score 0.",
    rule: { kind: "exact" },
  },
  {
    id: "zrandmember-choice",
    commands: ["ZRANDMEMBER"],
    levels: ["core", "gateway"],
    kind: "unspecified",
    summary: "ZRANDMEMBER picks different members.",
    reason:
      "It is random in both; the harness checks the reply's size, that every member (and score) is in the set, and " +
      "that a positive count gives distinct members.",
    rule: { kind: "random-fields" },
  },
  {
    id: "zrandmember-repeat-limit",
    commands: ["ZRANDMEMBER"],
    levels: ["core", "gateway"],
    when: (args) => /^-\d+$/.test(args[2] ?? "") && BigInt(args[2]!) < -(2n ** 20n),
    kind: "deliberate",
    summary: "ZRANDMEMBER with a negative count below -1048576 on an existing set answers `ERR value is out of range`.",
    reason: "As HRANDFIELD: a shard refuses more than 2^20 repeated members rather than exhaust its memory. The streams never send such counts.",
    rule: { kind: "exact" },
  },
  {
    id: "set-member-order",
    commands: ["SMEMBERS", "SINTER", "SUNION", "SDIFF", "SSCAN"],
    levels: ["core", "gateway"],
    kind: "unspecified",
    summary:
      "SMEMBERS, SINTER, SUNION, SDIFF and SSCAN list the members of a hash-table set in a different order (and SSCAN " +
      "pages them differently); intset answers are ascending, exactly as Redis.",
    reason:
      "Redis documents no order for a hash table (it is its dict's, with its own hash function and seed); edgeslot's " +
      "member table differs. Where Redis's order is defined (an intset, or a union/difference result of at most 512 " +
      "integers, which Redis builds as an intset) edgeslot answers the same order.",
    rule: { kind: "set-order" },
  },
  {
    id: "set-random-choice",
    commands: ["SPOP", "SRANDMEMBER"],
    levels: ["core", "gateway"],
    kind: "unspecified",
    summary: "SPOP and SRANDMEMBER pick different members.",
    reason:
      "They are random in both; the harness checks the reply's size, that every member is in the set, and that a " +
      "positive count gives distinct members. SPOP is logged as SREM of the members it removed.",
    rule: { kind: "random-members" },
  },
  {
    id: "srandmember-repeat-limit",
    commands: ["SRANDMEMBER"],
    levels: ["core", "gateway"],
    when: (args) => /^-\d+$/.test(args[2] ?? "") && BigInt(args[2]!) < -(2n ** 20n),
    kind: "deliberate",
    summary: "SRANDMEMBER with a negative count below -1048576 on an existing set answers `ERR value is out of range`.",
    reason:
      "As HRANDFIELD: redis-server builds whatever reply is asked for; a shard refuses more than 2^20 repeated members " +
      "rather than exhaust its memory. The streams never send such counts.",
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
  {
    id: "script-budget",
    commands: ["EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO"],
    levels: ["core", "gateway"],
    kind: "deliberate",
    summary: "A script over 10 million Lua instructions is aborted with `BUSY Script aborted: …`; Redis lets it run and answers BUSY to other clients until SCRIPT KILL.",
    reason: "A Durable Object serves nothing else while a script runs and has a CPU limit per request, so a runaway script must end by itself; its writes are rolled back (the core is rebuilt from storage).",
    rule: { kind: "exact" },
  },
  {
    id: "script-memory-caps",
    commands: ["EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO"],
    levels: ["core", "gateway"],
    kind: "deliberate",
    summary:
      "A script that builds a string over 16 MiB, or allocates over 64 MiB of Lua strings, tables, closures and coroutines in one run (garbage included), " +
      "is aborted with `ERR Script aborted: …` (not catchable by pcall) and its writes are rolled back; pattern-matching steps, string-buffer appends (4 each) and redis.call (150 each) count toward the instruction budget. " +
      "Redis has no such caps; its Lua stack also allows somewhat deeper recursion (~20,000 calls vs ~16,000).",
    reason:
      "A Durable Object has 128 MB for everything, the core's data included, and fengari has no allocator hook: one runaway script must not take the isolate down or stall it far past its budget.",
    rule: { kind: "exact" },
  },
  {
    id: "script-reply-depth",
    commands: ["EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO"],
    levels: ["core", "gateway"],
    kind: "deliberate",
    summary: "A returned table nested deeper than 1,000 levels (a table that contains itself) ends in `ERR reached lua stack limit` at depth 1,000; redis-server stops at 7,995.",
    reason: "The conversion and the reply encoding recurse in JS, and workerd's stack overflowed near 4,000 levels, which would fail the whole batch; no real reply nests that deep.",
    rule: { kind: "exact" },
  },
  {
    id: "script-lua-5.3-parser",
    commands: ["EVAL", "EVAL_RO", "SCRIPT"],
    levels: ["core", "gateway"],
    kind: "deliberate",
    summary: "Compile errors come from fengari's Lua 5.3 parser (e.g. `near <eof>` where Lua 5.1 prints `near '<eof>'`); numbers follow Lua 5.1 (doubles, `tostring(3)` is \"3\").",
    reason: "fengari is the Lua VM that runs in workerd; it is patched to Lua 5.1's number model but its parser messages are 5.3's.",
    rule: { kind: "exact" },
  },
  {
    id: "script-table-iteration-order",
    commands: ["EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO"],
    levels: ["core", "gateway"],
    when: (args) => /cjson|cmsgpack/.test(args[1] ?? ""),
    kind: "deliberate",
    summary:
      "`cjson.encode` and `cmsgpack.pack` of a table with several keys that are not positive integers emit its " +
      "object/map entries in another order than Redis (positive integer keys come first, ascending, in both); " +
      "`pairs` and `next` walk such tables in another order too. cjson decides array or object in the same walk " +
      "for tables mixing integer keys from 2^31 up with smaller ones (its C int overflows), so those may differ too. " +
      "A table holding several faults cjson refuses (too deep, too sparse, an unsupported key or value) is refused " +
      "for the fault the walk meets first, so the reason named may differ.",
    reason:
      "Redis's Lua 5.1 walks a table's hash part in the order of its internal hash layout; fengari keeps " +
      "insertion order. Reproducing Lua 5.1's layout (node placement, collisions, rehash sizes) is out of reach, " +
      "and JSON objects and msgpack maps are unordered. Every key, value, number encoding and escape is the same.",
    rule: { kind: "lua-table-order" },
  },
  {
    id: "script-signaling-nan",
    commands: ["EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO"],
    levels: ["core", "gateway"],
    when: (args) => /struct\./.test(args[1] ?? "") && !/cjson|cmsgpack/.test(args[1] ?? ""),
    kind: "deliberate",
    summary:
      "A signaling NaN read by `struct.unpack` (`d` of bytes with the exponent all ones and the quiet bit clear) may " +
      "come back quiet: packed again it has the quiet bit set. Every other double keeps its exact bits.",
    reason:
      "Lua numbers are JavaScript numbers in fengari, and V8 quiets a NaN whenever one is stored in an array of " +
      "doubles, as fengari's stack is; C keeps the bits through loads and stores. Keeping them would mean a " +
      "boxed number for every Lua number.",
    rule: { kind: "nan-quiet-bit" },
  },
  {
    id: "script-cjson-settings-per-run",
    commands: ["EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO"],
    levels: ["core", "gateway"],
    kind: "deliberate",
    summary:
      "Settings changed with `cjson.encode_max_depth`, `cjson.decode_max_depth`, `cjson.encode_sparse_array`, " +
      "`cjson.encode_number_precision`, `cjson.encode_invalid_numbers`, `cjson.decode_invalid_numbers` and " +
      "`cjson.encode_keep_buffer` last for the script that changed them; Redis keeps them for every later script.",
    reason:
      "No state leaks from one script run to the next (each shard has its own Lua state, and it restarts), so a " +
      "script that relied on another's settings would behave differently per shard. `cjson.new()` gives a " +
      "separately configured instance, as in Redis.",
    rule: { kind: "exact" },
  },
  {
    id: "script-library-nesting",
    commands: ["EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO"],
    levels: ["core", "gateway"],
    kind: "deliberate",
    summary:
      "`cjson.encode` and `cjson.decode` refuse nesting deeper than 1000 levels even when `encode_max_depth` or " +
      "`decode_max_depth` allow more, and `cmsgpack.unpack` refuses more than 1000 nested arrays/maps with " +
      "`stack overflow (in function mp_decode_to_lua_array)`; Redis goes about 4000 levels deeper.",
    reason:
      "The libraries recurse on the JS stack, which overflows a few thousand levels down in workerd; Redis's C " +
      "recursion has an 8 MB stack. 1000 is cjson's own default limit in Redis, so scripts that do not raise it see no difference.",
    rule: { kind: "exact" },
  },
  {
    id: "script-cache-persisted",
    commands: ["SCRIPT"],
    levels: ["gateway"],
    kind: "deliberate",
    summary: "Scripts loaded with SCRIPT LOAD survive a shard restart and are loaded on every shard.",
    reason: "EVALSHA must work whichever shard its keys route to, and a Durable Object restarts often (idle eviction).",
    rule: { kind: "exact" },
  },
  {
    id: "script-allow-key-locking",
    commands: ["EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "SCRIPT"],
    levels: ["core", "gateway"],
    when: (args) => args.some((arg) => arg.startsWith("#!") && arg.includes("allow-key-locking")),
    kind: "deliberate",
    summary:
      "Upstash's shebang flag `allow-key-locking` is accepted (redis-server 7.0 answers `ERR Unexpected flag in script shebang: allow-key-locking`); " +
      "such a script may touch only its declared keys, any other answers `ERR Dynamic keys are not allowed in Lua scripts when 'allow-key-locking' flag is set. Key was: <key>` " +
      "(raised by redis.call with the usual ` script: <sha>, on @user_script:<line>.`; returned by redis.pcall).",
    reason:
      "@upstash/ratelimit 2.x puts the flag on every script and Upstash's service accepts it; its promise (declared keys only) is what " +
      "cross-shard scripts need to lock their keys.",
    rule: { kind: "exact" },
  },
  {
    id: "script-no-cluster",
    commands: ["EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO"],
    levels: ["core", "gateway"],
    when: (args) => args.some((arg) => arg.startsWith("#!") && arg.includes("no-cluster")),
    kind: "deliberate",
    summary: "A script flagged `no-cluster` is always refused with `ERR Can not run script on cluster, 'no-cluster' flag is set.`; a standalone redis-server runs it.",
    reason: "edgeslot is always a cluster (slots over shards), also with one shard: the answer must not change with EDGESLOT_SHARDS.",
    rule: { kind: "exact" },
  },
  {
    id: "script-non-local-key",
    commands: ["EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO"],
    levels: ["gateway"],
    kind: "deliberate",
    summary:
      "A script's redis.call on a key of another shard answers Redis Cluster's `ERR Script attempted to access a non local key in a cluster node` " +
      "(with the script suffix); keys of any slot of the script's own shard are allowed, declared or not, with or without a shebang, " +
      "where Redis Cluster 7.0 refuses a shebang script without `allow-cross-slot-keys` touching a second slot " +
      "(`ERR Script attempted to access keys that do not hash to the same slot`). SCAN inside a script walks its shard's own keys, " +
      "so with several shards @upstash/ratelimit's resetUsedTokens clears only the keys on its pattern's shard and its " +
      "Analytics.getUsage (undeclared hour buckets) is refused.",
    reason:
      "A script runs atomically inside one shard, so every key that shard owns is safe to touch; the shard is edgeslot's unit of " +
      "atomicity, not the slot, and @upstash/ratelimit declares keys in several slots without `allow-cross-slot-keys`.",
    rule: { kind: "exact" },
  },
  {
    id: "script-oom",
    commands: ["EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO"],
    levels: ["core", "gateway"],
    kind: "deliberate",
    summary:
      "A shebang script that may write (no `no-writes`, no `allow-oom`) is refused with `OOM command not allowed when used memory > 'maxmemory'.` " +
      "when fewer than 16 bytes are left under maxmemory and the policy has no key to evict; `allow-oom` skips that check, " +
      "but a write that does not fit still answers OOM.",
    reason:
      "The core never goes past maxmemory (an allocation that would is refused), so Redis's `used_memory > maxmemory` becomes " +
      "\"no room for the smallest entry\"; a Durable Object's memory is a hard limit, so allow-oom cannot let a script exceed it.",
    rule: { kind: "exact" },
  },
  {
    id: "wait-per-request",
    commands: ["WAIT"],
    levels: ["gateway"],
    kind: "deliberate",
    summary:
      "WAIT counts the replicas that acknowledged the writes earlier in the same request (pipeline or transaction) on " +
      "the shard WAIT runs on (the request's first keyed shard, shard 0 when it names no key), or the position the " +
      "request's `upstash-sync-token` names there, whichever is later. A timeout of 0 waits at most 10 seconds, and " +
      "a numreplicas above EDGESLOT_REPLICAS answers at once; without replicas WAIT answers 0.",
    reason:
      "Over stateless HTTP there is no connection whose last write Redis would count: the request and the sync token " +
      "are what a client holds. A request cannot block forever, and waiting for replicas that do not exist would " +
      "only ever time out.",
    rule: { kind: "exact" },
  },
  {
    id: "replication-node-names",
    commands: ["ROLE", "INFO"],
    levels: ["gateway"],
    kind: "deliberate",
    summary:
      "ROLE and INFO replication name replicas by their Durable Object names with port 0 " +
      "(`slave0:ip=shard-0-replica-0,port=0,…`, ROLE's `[\"shard-0-replica-0\", \"0\", \"<offset>\"]`); offsets count " +
      "effect-log entries (one per write batch), not bytes. ROLE answers for the shard the request runs on; INFO lists " +
      "every shard's replicas, with each shard's master_repl_offset in `# Shards`. Without replicas, INFO has no " +
      "`# Replication` section.",
    reason:
      "Replicas are objects reached by name, not host and port; the effect log counts entries, and a replica " +
      "acknowledges whole entries.",
    rule: { kind: "exact" },
  },
  {
    id: "cluster-failover-shard",
    commands: ["CLUSTER"],
    levels: ["gateway"],
    kind: "deliberate",
    summary:
      "CLUSTER FAILOVER takes the shard it acts on: `CLUSTER FAILOVER [FORCE|TAKEOVER] SHARD <n>`, and the coordinator " +
      "promotes the replica holding the most of the log (not the node the command reached). Without FORCE/TAKEOVER it " +
      "is planned and waits for the outcome (the primary stops writing, a replica catches up, then leads); FORCE and " +
      "TAKEOVER both skip the primary. A read-only token gets NOPERM, and without replicas it is refused.",
    reason:
      "Redis sends CLUSTER FAILOVER to one replica over its own connection; through the gateway there is no connection " +
      "to one node, only to the cluster, and there is no gossip vote for TAKEOVER to bypass.",
    rule: { kind: "exact" },
  },
  {
    id: "cluster-scaling-commands",
    commands: ["CLUSTER"],
    levels: ["gateway"],
    kind: "deliberate",
    summary:
      "edgeslot extensions, full token only: `CLUSTER ADDSHARDS <n>` adds n shards and moves slots until every shard " +
      "owns an even share; `CLUSTER REMOVESHARD <n>` moves all of a shard's slots to the others (the shard stays listed, " +
      "draining); `CLUSTER MOVESLOTS <first> <last> <shard>` moves a range; `CLUSTER REBALANCE [SLOTS|MEMORY]` evens the " +
      "shards out by slot count or by memory. Each answers at once with the number of steps queued (an integer); the " +
      "coordinator runs the steps in the background, a few slots at a time (HTTP: `POST /admin/shards?add=n`, " +
      "`DELETE /admin/shards/n`, `POST /admin/slots/move?first=&last=&to=`, `POST /admin/rebalance?by=`).",
    reason:
      "Redis Cluster moves slots with CLUSTER SETSLOT and MIGRATE sent to each node by redis-cli --cluster; through the " +
      "gateway there are no nodes to address, so the coordinator plans and runs the moves itself.",
    rule: { kind: "exact" },
  },
  {
    id: "cluster-nodes",
    commands: ["CLUSTER", "INFO"],
    levels: ["gateway"],
    kind: "deliberate",
    summary:
      "CLUSTER NODES lists every shard's primary (`master`) and replicas (`slave`) with the gateway's address and bus " +
      "port 0, no `myself` line, ping/pong times 0, the group's epoch as config-epoch, `fail` (link `disconnected`) or " +
      "`fail?` from the coordinator's health, and `[slot->-id]`/`[slot-<-id]` for the slot move in progress only " +
      "(queued moves are in CLUSTER SHARDS). INFO's `# Cluster` section adds `cluster_shards` (draining shards left " +
      "out) and `cluster_slot_moves_pending` to `cluster_enabled:1`.",
    reason:
      "Clients reach the cluster through one gateway, not node by node, so there is no node to call `myself` and no " +
      "cluster bus; edgeslot freezes a moving range instead of answering ASK, so only the running move is migrating.",
    rule: { kind: "exact" },
  },
  {
    id: "sync-replication",
    commands: ["WAIT"],
    levels: ["gateway"],
    kind: "deliberate",
    summary:
      "EDGESLOT_REPLICATION=sync acknowledges a write only once a replica has durably applied it (else NOREPLICAS after " +
      "5 s, the write staying on the primary), and a failover then loses no acknowledged write. With one replica, a " +
      "failover leaves the new primary none until the old one is back, and its writes answer NOREPLICAS meanwhile: " +
      "sync deployments want EDGESLOT_REPLICAS=2. Async (the default) is Redis's behaviour: a failover can lose writes " +
      "the replica had not received.",
    reason:
      "Redis has no such mode (WAIT after each write comes closest, and Redis Cluster can still lose those writes at " +
      "failover). edgeslot's promotion fences every replica first and promotes the one holding the most, so what one " +
      "replica acknowledged survives.",
    rule: { kind: "exact" },
  },
];

/** Every rule for a command (its name and arguments) at a level, in list order. */
export function rulesFor(args: readonly string[], level: Level): CompareRule[] {
  const name = args[0]!.toUpperCase();
  const applies = (d: Difference) =>
    d.rule.kind !== "exact" && d.levels.includes(level) && d.commands.includes(name) && (d.when?.(args) ?? true);
  return DIFFERENCES.filter(applies).map((d) => d.rule);
}

/** The rule for a command at a level, if a listed difference covers it (the first one listed). */
export function ruleFor(args: readonly string[], level: Level): CompareRule | undefined {
  return rulesFor(args, level)[0];
}
