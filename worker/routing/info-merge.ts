// INFO across shards: the first shard's text with memory and keyspace summed over all shards, plus a
// `# Shards` section with each shard's keys and used_memory (so per-shard balance is visible).

interface ShardStats {
  usedMemory: bigint;
  keys: bigint;
  expires: bigint;
}

const USED_MEMORY = /^used_memory:(\d+)$/m;
const DB0 = /^db0:keys=(\d+),expires=(\d+)/m;

function stats(text: string): ShardStats {
  const memory = USED_MEMORY.exec(text);
  const db0 = DB0.exec(text);
  return { usedMemory: BigInt(memory?.[1] ?? 0), keys: BigInt(db0?.[1] ?? 0), expires: BigInt(db0?.[2] ?? 0) };
}

/** Redis's bytesToHuman: B, K, M, G with two decimals. */
function human(bytes: bigint): string {
  const n = Number(bytes);
  const units = ["K", "M", "G", "T", "P"];
  if (n < 1024) return `${n}B`;
  let value = n;
  let unit = "";
  for (const u of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = u;
  }
  return `${value.toFixed(2)}${unit}`;
}

export function mergeInfo(texts: readonly string[]): string {
  const newline = texts[0]?.includes("\r\n") ? "\r\n" : "\n";
  const perShard = texts.map(stats);
  const total = perShard.reduce((a, b) => ({ usedMemory: a.usedMemory + b.usedMemory, keys: a.keys + b.keys, expires: a.expires + b.expires }));
  const hasMemory = texts.some((text) => USED_MEMORY.test(text));
  const hasKeyspace = texts.some((text) => /^# Keyspace$/m.test(text));

  const lines = (texts[0] ?? "").split(newline).filter((line) => !line.startsWith("db0:"));
  const out: string[] = [];
  for (const line of lines) {
    if (line.startsWith("used_memory:")) out.push(`used_memory:${total.usedMemory}`);
    else if (line.startsWith("used_memory_human:")) out.push(`used_memory_human:${human(total.usedMemory)}`);
    else out.push(line);
    // Redis lists db0 only when it has keys; the summed line replaces every shard's own.
    if (line === "# Keyspace" && total.keys > 0n) out.push(`db0:keys=${total.keys},expires=${total.expires},avg_ttl=0`);
  }
  while (out.length && out[out.length - 1] === "") out.pop();
  if (hasMemory || hasKeyspace) {
    out.push("", "# Shards");
    perShard.forEach((s, i) => out.push(`shard${i}:keys=${s.keys},expires=${s.expires},used_memory=${s.usedMemory}`));
  }
  return out.join(newline) + newline;
}
