// Sends command batches to the running gateway as one Upstash `/pipeline` request (base64 replies).
import type { Reply } from "../../worker/wire/resp";
import { decodeEntry, parseJsonExact, type PipelineEntry } from "./upstash-json";

export class GatewayTarget {
  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  /** Arguments are JS strings; the gateway (like redis via `Buffer.from(arg, "utf8")`) sees their UTF-8 bytes. */
  async send(commands: readonly (readonly string[])[]): Promise<Reply[]> {
    const response = await fetch(`${this.url}/pipeline`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${this.token}`,
        "content-type": "application/json",
        "upstash-encoding": "base64",
      },
      body: JSON.stringify(commands),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`/pipeline answered HTTP ${response.status}: ${text.slice(0, 500)}`);
    const entries = parseJsonExact(text);
    if (!Array.isArray(entries) || entries.length !== commands.length) {
      throw new Error(`/pipeline returned ${Array.isArray(entries) ? entries.length : "a non-array"} entries for ${commands.length} commands: ${text.slice(0, 500)}`);
    }
    return (entries as PipelineEntry[]).map(decodeEntry);
  }
}
