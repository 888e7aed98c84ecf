// A tiny RESP-over-TCP client for redis-server: sends a batch of commands pipelined, returns raw replies.
import { connect, type Socket } from "node:net";
import { encodeCommands, ReplyReader, type Reply } from "../../worker/wire/resp";

export type Command = readonly (string | Uint8Array)[];

/** One connection; batches are serialised so replies never interleave. */
export class RespClient {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly socket: Socket) {}

  static connect(port: number, host = "127.0.0.1"): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => {
        socket.off("error", reject);
        resolve(new RespClient(socket));
      });
      socket.setNoDelay(true);
      socket.once("error", reject);
    });
  }

  /** Sends every command in one write and resolves with their replies, in order. */
  send(commands: readonly Command[]): Promise<Reply[]> {
    const run = this.queue.then(() => this.exchange(commands));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async call(...command: Command): Promise<Reply> {
    const [reply] = await this.send([command]);
    return reply!;
  }

  close(): void {
    this.socket.destroy();
  }

  private exchange(commands: readonly Command[]): Promise<Reply[]> {
    if (commands.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const cleanup = () => {
        this.socket.off("data", onData);
        this.socket.off("error", onError);
        this.socket.off("close", onClose);
      };
      const onError = (error: Error) => {
        cleanup();
        reject(error);
      };
      const onClose = () => {
        cleanup();
        reject(new Error("redis connection closed before every reply arrived"));
      };
      const onData = (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        // ReplyReader needs complete replies: re-parse the accumulated bytes until all are there.
        const replies = parseComplete(Buffer.concat(chunks, size), commands.length);
        if (replies) {
          cleanup();
          resolve(replies);
        }
      };
      this.socket.on("data", onData);
      this.socket.on("error", onError);
      this.socket.on("close", onClose);
      this.socket.write(encodeCommands(commands));
    });
  }
}

/** Returns `count` replies if the buffer holds them all, else null (more bytes are on the way). */
function parseComplete(bytes: Uint8Array, count: number): Reply[] | null {
  let pos = 0;
  for (let i = 0; i < count; i++) {
    pos = skipReply(bytes, pos);
    if (pos < 0) return null;
  }
  const reader = new ReplyReader(bytes);
  return Array.from({ length: count }, () => reader.next());
}

/** Walks one reply's framing; returns the offset after it, or -1 when the buffer ends first. */
function skipReply(bytes: Uint8Array, pos: number): number {
  if (pos >= bytes.length) return -1;
  const type = bytes[pos]!;
  const end = bytes.indexOf(13, pos);
  if (end < 0 || end + 1 >= bytes.length) return -1;
  const after = end + 2;
  if (type !== 0x24 && type !== 0x2a) return after;
  const len = Number(new TextDecoder().decode(bytes.subarray(pos + 1, end)));
  if (len < 0) return after;
  if (type === 0x24) return after + len + 2 <= bytes.length ? after + len + 2 : -1;
  let next = after;
  for (let i = 0; i < len && next >= 0; i++) next = skipReply(bytes, next);
  return next;
}
