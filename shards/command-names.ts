// Which commands a batch holds, from one walk over its RESP: the shard asks it of every batch, so
// no command is decoded and no string is made unless its name could be one of those looked for.

/** Every group's bit: what `find` answers for a batch that is not arrays of bulk strings, so the
 * callers' general paths (which decode it) decide. */
const ALL = -1;

export class CommandNames {
  /** `length << 8 | first byte`, lower case, of every name looked for. */
  private readonly shapes = new Set<number>();

  /** `groups`: lower-case names; `find` answers bit g for a name of group g. */
  constructor(private readonly groups: readonly ReadonlySet<string>[]) {
    for (const group of groups) for (const name of group) this.shapes.add((name.length << 8) | name.charCodeAt(0));
  }

  /** The batch's command count, and a bit per group one of its commands is named from. */
  find(batch: Uint8Array): { count: number; groups: number } {
    let count = 0;
    let groups = 0;
    let at = 0;
    // `prefix` then digits then CRLF, else -1.
    const header = (prefix: number): number => {
      if (batch[at] !== prefix) return -1;
      let n = 0;
      for (at++; at < batch.length && batch[at] !== 0x0d; at++) {
        const digit = batch[at]! - 0x30;
        if (digit < 0 || digit > 9) return -1;
        n = n * 10 + digit;
      }
      at += 2;
      return at <= batch.length ? n : -1;
    };
    while (at < batch.length) {
      const args = header(0x2a);
      if (args < 1) return { count, groups: ALL };
      for (let arg = 0; arg < args; arg++) {
        const length = header(0x24);
        if (length < 0 || at + length + 2 > batch.length) return { count, groups: ALL };
        if (arg === 0 && this.shapes.has((length << 8) | (batch[at]! | 0x20))) groups |= this.groupsOf(batch.subarray(at, at + length));
        at += length + 2;
      }
      count++;
    }
    return { count, groups };
  }

  private groupsOf(name: Uint8Array): number {
    const text = String.fromCharCode(...name).toLowerCase();
    let bits = 0;
    this.groups.forEach((group, g) => {
      if (group.has(text)) bits |= 1 << g;
    });
    return bits;
  }
}
