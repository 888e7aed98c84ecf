// A seeded PRNG for the differential streams: the same seed always replays the same commands.

/** The seed for this run: EDGESLOT_DIFF_SEED replays a failure, otherwise a fresh one. */
export function streamSeed(): number {
  const fixed = process.env.EDGESLOT_DIFF_SEED;
  if (fixed !== undefined && fixed !== "") {
    const seed = Number(fixed);
    if (!Number.isInteger(seed)) throw new Error(`EDGESLOT_DIFF_SEED must be an integer, got ${fixed}`);
    return seed >>> 0;
  }
  return (Math.random() * 2 ** 32) >>> 0;
}

/** mulberry32: tiny, fast, and good enough to drive test inputs. */
export class Random {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Picks by weight: `[[weight, value], …]`. */
  weighted<T>(table: readonly (readonly [number, T])[]): T {
    const total = table.reduce((sum, [weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [weight, value] of table) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return table[table.length - 1]![1];
  }

  /** A binary string (one char per byte, 0–255) of the given length. */
  bytes(length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) out += String.fromCharCode(this.int(0, 255));
    return out;
  }
}
