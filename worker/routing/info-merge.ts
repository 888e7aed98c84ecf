// INFO across shards: the first shard's text with memory, evicted_keys and keyspace summed over all shards, plus a
// `# Shards` section with each shard's keys, used_memory and replication offset (so per-shard balance
// is visible); replicas of every shard are listed under `# Replication`; the gateway's `# Cluster` section
// goes where Redis prints it, before `# Keyspace`.

interface ShardStats {
  usedMemory: bigint;
  maxMemory: bigint;
  keys: bigint;
  expires: bigint;
  evictedKeys: bigint;
}

const USED_MEMORY = /^used_memory:(\d+)\r?$/m;
const MAX_MEMORY = /^maxmemory:(\d+)\r?$/m;
const EVICTED_KEYS = /^evicted_keys:(\d+)\r?$/m;
const DB0 = /^db0:keys=(\d+),expires=(\d+)/m;
const KEYSPACE = /^# Keyspace\r?$/m;
const MASTER_REPL_OFFSET = /^master_repl_offset:(\d+)\r?$/m;

function stats(text: string): ShardStats {
  const db0 = DB0.exec(text);
  return {
    usedMemory: BigInt(USED_MEMORY.exec(text)?.[1] ?? 0),
    maxMemory: BigInt(MAX_MEMORY.exec(text)?.[1] ?? 0),
    keys: BigInt(db0?.[1] ?? 0),
    expires: BigInt(db0?.[2] ?? 0),
    evictedKeys: BigInt(EVICTED_KEYS.exec(text)?.[1] ?? 0),
  };
}

/** Redis's bytesToHuman: bytes, then K, M, G, T, P with two decimals. */
function human(bytes: bigint): string {
  let value = Number(bytes);
  if (value < 1024) return `${value}B`;
  let unit = "";
  for (const next of ["K", "M", "G", "T", "P"]) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  return `${value.toFixed(2)}${unit}`;
}

/** `cluster`: the `# Cluster` section's lines, when INFO asked for it. */
export function mergeInfo(texts: readonly string[], cluster?: readonly string[]): string {
  // Shards answer no text for a section only the gateway has (INFO cluster): Redis's CRLF then.
  const newline = texts[0]?.includes("\r\n") || (cluster && !texts.some((text) => text.includes("\n"))) ? "\r\n" : "\n";
  const perShard = texts.map(stats);
  const total = perShard.reduce((a, b) => ({
    usedMemory: a.usedMemory + b.usedMemory,
    maxMemory: a.maxMemory + b.maxMemory,
    keys: a.keys + b.keys,
    expires: a.expires + b.expires,
    evictedKeys: a.evictedKeys + b.evictedKeys,
  }));
  const hasMemory = texts.some((text) => USED_MEMORY.test(text));
  const hasKeyspace = texts.some((text) => KEYSPACE.test(text));

  // Replication (shards/replication/info.ts): every shard's replicas, numbered across shards.
  const replicaLines = texts.flatMap((text) => text.split(newline).filter((line) => /^slave\d+:/.test(line)));
  const offsets = texts.map((text) => MASTER_REPL_OFFSET.exec(text)?.[1]);
  const out: string[] = [];
  let clusterPlaced = !cluster;
  for (const line of (texts[0] ?? "").split(newline)) {
    if (line === "# Keyspace" && !clusterPlaced) {
      out.push(...cluster!, "");
      clusterPlaced = true;
    }
    if (/^slave\d+:/.test(line)) continue;
    if (line.startsWith("connected_slaves:")) {
      out.push(`connected_slaves:${replicaLines.length}`, ...replicaLines.map((replica, i) => replica.replace(/^slave\d+:/, `slave${i}:`)));
      continue;
    }
    // Every shard's own db0 line is replaced by the summed one.
    if (line.startsWith("db0:")) continue;
    if (line.startsWith("used_memory:")) out.push(`used_memory:${total.usedMemory}`);
    else if (line.startsWith("used_memory_human:")) out.push(`used_memory_human:${human(total.usedMemory)}`);
    // The store's capacity is every shard's maxmemory together, matching the summed used_memory.
    else if (line.startsWith("maxmemory:")) out.push(`maxmemory:${total.maxMemory}`);
    else if (line.startsWith("evicted_keys:")) out.push(`evicted_keys:${total.evictedKeys}`);
    else out.push(line);
    // Redis lists db0 only when it has keys.
    if (line === "# Keyspace" && total.keys > 0n) out.push(`db0:keys=${total.keys},expires=${total.expires},avg_ttl=0`);
  }
  while (out.length && out[out.length - 1] === "") out.pop();
  if (!clusterPlaced) out.push(...(out.length ? [""] : []), ...cluster!);
  const hasReplication = offsets.some((offset) => offset !== undefined);
  if (hasMemory || hasKeyspace || hasReplication) {
    out.push("", "# Shards");
    perShard.forEach((s, i) => {
      const fields = [
        ...(hasKeyspace ? [`keys=${s.keys}`, `expires=${s.expires}`] : []),
        ...(hasMemory ? [`used_memory=${s.usedMemory}`] : []),
        // Each shard's own log offset: master_repl_offset above is shard 0's.
        ...(hasReplication ? [`master_repl_offset=${offsets[i] ?? 0}`] : []),
      ];
      out.push(`shard${i}:${fields.join(",")}`);
    });
  }
  return out.join(newline) + newline;
}
