// A shard: a SQLite-backed Durable Object that executes RESP batches on the WebAssembly core.
import { DurableObject } from "cloudflare:workers";

export class Shard extends DurableObject {
  async execute(batch: ArrayBuffer): Promise<ArrayBuffer> {
    return batch;
  }
}
