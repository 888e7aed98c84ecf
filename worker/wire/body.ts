// Reads a request body under the size limit, counting streamed bytes (Content-Length may be absent
// or wrong), so an oversized body is refused without buffering all of it.

import { concatBytes } from "./bytes";

export class BodyTooLarge extends Error {
  constructor() {
    super("ERR max request size exceeded");
  }
}

export async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) throw new BodyTooLarge();
  if (!request.body) return new Uint8Array(0);
  // Over HTTP a declared length is the body's length, so a body declared under the limit is read in
  // one call rather than chunk by chunk; a Request built in a Worker may declare any length, hence
  // the check after.
  if (request.headers.has("content-length")) {
    const body = new Uint8Array(await request.arrayBuffer());
    if (body.length > limit) throw new BodyTooLarge();
    return body;
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new BodyTooLarge();
    }
    chunks.push(value);
  }
  return concatBytes(chunks);
}
