// RESP2, the internal language: commands in (arrays of bulk strings), replies out, bytes kept as bytes.

/** A status reply (`+OK`). Kept apart from bulk strings: encodings treat them differently. */
export class Status {
  constructor(readonly text: string) {}
}

/** An error reply (`-ERR …`), carried as a value inside pipelines and transactions. */
export class ReplyError {
  constructor(readonly message: string) {}
}

/** Integers are numbers while exact, bigint beyond 2^53 (Redis integers are 64-bit). */
export type Reply = Uint8Array | number | bigint | null | Status | ReplyError | Reply[];

const encoder = new TextEncoder();

/** Encodes commands (each an array of string or byte arguments) as one RESP batch. */
export function encodeCommands(commands: readonly (readonly (string | Uint8Array)[])[]): Uint8Array {
  // Sized first, then written in place: a script's every redis.call comes through here, and a
  // TextEncoder call per header cost more than the command itself.
  let size = 0;
  const args = commands.map((command) => {
    size += 3 + decimalLength(command.length);
    return command.map((arg) => {
      const bytes = typeof arg === "string" ? encoder.encode(arg) : arg;
      size += 5 + decimalLength(bytes.length) + bytes.length;
      return bytes;
    });
  });
  const out = new Uint8Array(size);
  let pos = 0;
  const header = (prefix: number, n: number) => {
    out[pos++] = prefix;
    const digits = decimalLength(n);
    for (let i = digits - 1; i >= 0; i--, n = Math.floor(n / 10)) out[pos + i] = 0x30 + (n % 10);
    pos += digits;
    out[pos++] = 0x0d;
    out[pos++] = 0x0a;
  };
  for (const command of args) {
    header(0x2a, command.length);
    for (const bytes of command) {
      header(0x24, bytes.length);
      out.set(bytes, pos);
      pos += bytes.length;
      out[pos++] = 0x0d;
      out[pos++] = 0x0a;
    }
  }
  return out;
}

/**
 * Each command's RESP as its request carried it (transcode.ts records it while parsing): a batch of
 * such commands is copied into place, not encoded again.
 */
const CARRIED = Symbol("the command's RESP as its request carried it");
type Carrying = readonly Uint8Array[] & { [CARRIED]?: Uint8Array };

export function carryEncoding(command: readonly Uint8Array[], resp: Uint8Array): void {
  // A property, not a WeakMap entry: a WeakMap.set per command cost more than parsing it (bench/
  // "transcode", request parse: 2.2 M/s without, 0.9 M/s with). A copy of the array drops it.
  (command as Carrying)[CARRIED] = resp;
}

/**
 * `encodeCommands` as a buffer of its own, for an RPC: commands whose RESP the request carried are
 * copied, and a run of them that sits whole in one buffer (a pipeline whose commands all go to one
 * shard) is that buffer itself. Any other command makes the whole batch encoded as usual.
 */
export function batchBuffer(commands: readonly (readonly Uint8Array[])[]): ArrayBuffer {
  const parts: Uint8Array[] = new Array(commands.length);
  let size = 0;
  let contiguous = true;
  for (let i = 0; i < commands.length; i++) {
    const resp = (commands[i] as Carrying)[CARRIED];
    if (resp === undefined) return encodeCommands(commands).buffer as ArrayBuffer;
    const previous = parts[i - 1];
    if (previous && (resp.buffer !== previous.buffer || resp.byteOffset !== previous.byteOffset + previous.length)) contiguous = false;
    parts[i] = resp;
    size += resp.length;
  }
  const first = parts[0];
  if (first && contiguous) {
    const whole = first.byteOffset === 0 && size === first.buffer.byteLength;
    return (whole ? first.buffer : first.buffer.slice(first.byteOffset, first.byteOffset + size)) as ArrayBuffer;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out.buffer;
}

function decimalLength(n: number): number {
  let digits = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    digits++;
  }
  return digits;
}

/** Streams replies out of a RESP buffer, one `next()` per reply. */
export class ReplyReader {
  private pos = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  next(): Reply {
    const type = this.bytes[this.pos++];
    // Lengths are read straight from the bytes: most replies are bulks and arrays.
    if (type === 0x24 /* $ */) {
      const len = this.length();
      if (len < 0) return null;
      const value = this.bytes.slice(this.pos, this.pos + len);
      this.pos += len + 2;
      return value;
    }
    if (type === 0x2a /* * */) {
      const len = this.length();
      if (len < 0) return null;
      const items: Reply[] = new Array(len);
      for (let i = 0; i < len; i++) items[i] = this.next();
      return items;
    }
    const line = this.line();
    switch (type) {
      case 0x2b /* + */:
        return new Status(latin(line));
      case 0x2d /* - */:
        return new ReplyError(new TextDecoder().decode(line));
      case 0x3a /* : */:
        return toInteger(latin(line));
      default:
        throw new Error(`malformed RESP: type byte ${type} at ${this.pos - 1}`);
    }
  }

  /** A length line (`-1` for nil): digits up to CRLF. */
  private length(): number {
    const negative = this.bytes[this.pos] === 0x2d;
    if (negative) this.pos++;
    let n = 0;
    for (;;) {
      if (this.pos >= this.bytes.length) throw new Error("malformed RESP: unterminated line");
      const c = this.bytes[this.pos++];
      if (c === 13) break;
      if (c < 0x30 || c > 0x39) throw new Error(`malformed RESP: length byte ${c} at ${this.pos - 1}`);
      n = n * 10 + (c - 0x30);
    }
    this.pos++;
    return negative ? -n : n;
  }

  private line(): Uint8Array {
    const end = this.bytes.indexOf(13, this.pos);
    if (end < 0) throw new Error("malformed RESP: unterminated line");
    const line = this.bytes.subarray(this.pos, end);
    this.pos = end + 2;
    return line;
  }
}

/** Decodes every reply in a buffer. */
export function decodeReplies(bytes: Uint8Array): Reply[] {
  const reader = new ReplyReader(bytes);
  const replies: Reply[] = [];
  while (!reader.done) replies.push(reader.next());
  return replies;
}

/** Encodes replies back to RESP (used by tests, fan-out merges and the Lua bridge). */
export function encodeReply(reply: Reply, out: number[] = []): number[] {
  const text = (s: string) => {
    for (const b of encoder.encode(s)) out.push(b);
  };
  if (reply === null) text("$-1\r\n");
  else if (reply instanceof Uint8Array) {
    text(`$${reply.length}\r\n`);
    for (const b of reply) out.push(b);
    text("\r\n");
  } else if (typeof reply === "number" || typeof reply === "bigint") {
    // An integral number past 2^53 prints in JS's shortest form (-8795248597300000000): its exact digits instead.
    text(`:${typeof reply === "number" && Number.isInteger(reply) && !Number.isSafeInteger(reply) ? BigInt(reply) : reply}\r\n`);
  } else if (reply instanceof Status) text(`+${reply.text}\r\n`);
  else if (reply instanceof ReplyError) text(`-${reply.message}\r\n`);
  else {
    text(`*${reply.length}\r\n`);
    for (const item of reply) encodeReply(item, out);
  }
  return out;
}

function latin(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

function toInteger(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}
