// The keys the slot bench hashes: a seeded mix of realistic key shapes, plus Redis's check values.

export { SLOT_CHECK_VALUES } from "../test/worker/routing/slot-check-values";

/** A small deterministic PRNG (mulberry32), so every run hashes the same keys. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * `count` keys shaped like what an application sends: redis-benchmark's 16-byte `key:…`, ids with
 * hash tags (rate limiters, user objects), long session ids, and a few non-ASCII names.
 */
export function sampleKeys(count: number): string[] {
  const random = seededRandom(2);
  const int = (n: number) => Math.floor(random() * n);
  const hex = (n: number) => Array.from({ length: n }, () => "0123456789abcdef"[int(16)]).join("");
  const shapes: (() => string)[] = [
    () => `key:${String(int(1_000_000)).padStart(12, "0")}`,
    () => `user:{${int(100_000)}}:profile`,
    () => `@upstash/ratelimit:{api:${int(10_000)}}:${int(30_000_000)}`,
    () => `session:${hex(32)}`,
    () => `cart:${int(1_000_000)}`,
    () => `ключ:${int(10_000)}:ürün`,
  ];
  return Array.from({ length: count }, (_, i) => shapes[i % 3 === 0 ? 0 : int(shapes.length)]());
}
