// What a shard answers when its core or its storage fails mid-batch: one error per command, so the
// gateway's reply accounting holds, and nothing acknowledged.
import { encodeReply, ReplyError } from "../worker/wire/resp";

export function failedBatchReplies(batch: Uint8Array, reason: string): Uint8Array {
  const error = encodeReply(new ReplyError(`ERR shard failure: ${reason.replace(/[\r\n]+/g, " ")}`));
  const count = Math.max(1, countCommands(batch));
  const out = new Uint8Array(error.length * count);
  for (let i = 0; i < count; i++) out.set(error, i * error.length);
  return out;
}

/** Counts the RESP arrays in a batch by their headers, without decoding arguments. */
export function countCommands(batch: Uint8Array): number {
  let pos = 0;
  let count = 0;
  const readNumber = (): number => {
    const end = batch.indexOf(13, pos);
    if (end < 0) return -1;
    const value = Number(new TextDecoder().decode(batch.subarray(pos + 1, end)));
    pos = end + 2;
    return Number.isInteger(value) ? value : -1;
  };
  while (pos < batch.length && batch[pos] === 0x2a /* * */) {
    const args = readNumber();
    if (args < 0) break;
    for (let i = 0; i < args && pos < batch.length; i++) {
      const len = readNumber();
      if (len < 0) return count + 1;
      pos += len + 2;
    }
    count++;
  }
  return count;
}
