// Which commands a batch holds, from one walk over its RESP: the shard asks it of every batch, so
// no command is decoded and no string is made unless its name could be one of those looked for.

/** Every group's bit: what `find` answers for a batch that is not arrays of bulk strings, so the
 * callers' general paths (which decode it) decide. */
const ALL = -1;
/** Names longer than this are never looked for. */
const LONGEST = 31;

export class CommandNames {
  /** Per name length, a bit per lower-case first letter a-z of the names looked for. */
  private readonly firsts = new Uint32Array(LONGEST + 1);

  /** `groups`: lower-case names (a-z first); `find` answers bit g for a name of group g. */
  constructor(private readonly groups: readonly ReadonlySet<string>[]) {
    for (const group of groups) {
      for (const name of group) {
        const letter = name.charCodeAt(0) - 0x61;
        if (name.length > LONGEST || letter < 0 || letter > 25) throw new RangeError(`cannot look for ${JSON.stringify(name)}`);
        this.firsts[name.length]! |= 1 << letter;
      }
    }
  }

  /** The batch's command count, and a bit per group one of its commands is named from. Written as
   * plain loops over locals: a closure over the position made the walk cost a fifth of a SET batch. */
  find(batch: Uint8Array): { count: number; groups: number } {
    const end = batch.length;
    let count = 0;
    let groups = 0;
    let at = 0;
    while (at < end) {
      if (batch[at] !== 0x2a) return { count, groups: ALL };
      let args = 0;
      for (at++; at < end && batch[at] !== 0x0d; at++) {
        const digit = batch[at]! - 0x30;
        if (digit < 0 || digit > 9) return { count, groups: ALL };
        args = args * 10 + digit;
      }
      at += 2;
      if (args < 1 || at > end) return { count, groups: ALL };
      for (let arg = 0; arg < args; arg++) {
        if (batch[at] !== 0x24) return { count, groups: ALL };
        let length = 0;
        for (at++; at < end && batch[at] !== 0x0d; at++) {
          const digit = batch[at]! - 0x30;
          if (digit < 0 || digit > 9) return { count, groups: ALL };
          length = length * 10 + digit;
        }
        at += 2;
        if (at + length + 2 > end) return { count, groups: ALL };
        if (arg === 0 && length <= LONGEST) {
          const letter = (batch[at]! | 0x20) - 0x61;
          if (letter >= 0 && letter <= 25 && this.firsts[length]! & (1 << letter)) groups |= this.groupsOf(batch.subarray(at, at + length));
        }
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
