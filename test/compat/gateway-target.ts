// Sends command batches to the running gateway as one Upstash `/pipeline` or `/multi-exec` request (base64 or text replies).
import type { Reply } from "../../worker/wire/resp";
import { decodeEntry, parseJsonExact, type PipelineEntry, type ResponseEncoding } from "./upstash-json";

/** A `/multi-exec` answer: the per-command replies, or the one error that discarded the transaction. */
export type TransactionResult = { replies: Reply[] } | { discarded: string };

export class GatewayTarget {
  constructor(
    private readonly url: string,
    private readonly token: string,
    /** `base64` sends `Upstash-Encoding: base64` (what @upstash/redis does); `text` leaves it off. */
    private readonly encoding: ResponseEncoding = "base64",
  ) {}

  async transaction(commands: readonly (readonly string[])[]): Promise<TransactionResult> {
    const response = await this.post("/multi-exec", commands);
    const text = await response.text();
    const body = parseJsonExact(text);
    if (response.status === 200 && Array.isArray(body)) return { replies: (body as PipelineEntry[]).map((entry) => decodeEntry(entry, this.encoding)) };
    if (response.status === 400 && body && typeof body === "object" && "error" in body) return { discarded: String(body.error) };
    throw new Error(`/multi-exec answered HTTP ${response.status}: ${text.slice(0, 500)}`);
  }

  private post(path: string, commands: readonly (readonly string[])[]): Promise<Response> {
    return fetch(`${this.url}${path}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${this.token}`,
        "content-type": "application/json",
        ...(this.encoding === "base64" ? { "upstash-encoding": "base64" } : {}),
      },
      body: JSON.stringify(commands),
    });
  }

  /** Arguments are JS strings; the gateway (like redis via `Buffer.from(arg, "utf8")`) sees their UTF-8 bytes. */
  async send(commands: readonly (readonly string[])[]): Promise<Reply[]> {
    const response = await this.post("/pipeline", commands);
    const text = await response.text();
    if (response.status !== 200) throw new Error(`/pipeline answered HTTP ${response.status}: ${text.slice(0, 500)}`);
    const entries = parseJsonExact(text);
    if (!Array.isArray(entries) || entries.length !== commands.length) {
      throw new Error(`/pipeline returned ${Array.isArray(entries) ? entries.length : "a non-array"} entries for ${commands.length} commands: ${text.slice(0, 500)}`);
    }
    return (entries as PipelineEntry[]).map((entry) => decodeEntry(entry, this.encoding));
  }
}
