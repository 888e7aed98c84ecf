// Path-style commands (`GET /set/k/v/EX/100`): percent-decoded path segments, then query-string
// arguments (without `_token`), then a POST/PUT body as the last argument. Decoding keeps bytes.
import type { Command } from "../routing/command";
import { BadRequest } from "./request";

const encoder = new TextEncoder();

/** Percent-decoding to bytes: `%FF` is a byte, not invalid UTF-8 (keys and values are binary). */
function percentDecode(text: string, plusIsSpace: boolean): Uint8Array {
  const raw = encoder.encode(plusIsSpace ? text.replace(/\+/g, " ") : text);
  const out = new Uint8Array(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i]!;
    if (byte === 0x25 /* % */) {
      const hex = String.fromCharCode(raw[i + 1] ?? 0, raw[i + 2] ?? 0);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new BadRequest(`ERR malformed percent-encoding in the request path or query: '${text}'`);
      out[n++] = parseInt(hex, 16);
      i += 2;
    } else out[n++] = byte;
  }
  return out.subarray(0, n);
}

export function parsePathCommand(url: URL, body: Uint8Array | undefined): Command {
  const segments = url.pathname.split("/").slice(1);
  if (segments.length > 1 && segments[segments.length - 1] === "") segments.pop();
  const args = segments.map((segment) => percentDecode(segment, false));
  for (const pair of url.search.slice(1).split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = eq < 0 ? pair : pair.slice(0, eq);
    if (name === "_token") continue;
    args.push(percentDecode(name, true));
    if (eq >= 0 && eq < pair.length - 1) args.push(percentDecode(pair.slice(eq + 1), true));
  }
  if (body && body.length > 0) args.push(body);
  if (args.length === 0 || (args.length === 1 && args[0]!.length === 0)) {
    throw new BadRequest("ERR empty command: put the command in the path (/set/key/value) or POST a JSON array to /");
  }
  return args;
}
