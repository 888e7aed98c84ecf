// Canonical forms of cjson and cmsgpack output with object/map entries sorted, for the one listed
// difference in how Lua tables iterate (differences.ts, "script-table-iteration-order"). Everything
// else (number text, escapes, integer and float encodings) stays byte for byte.

const bin = (bytes: Uint8Array, from: number, to: number) => Buffer.from(bytes.subarray(from, to)).toString("latin1");

/** cjson output with every object's members sorted by their key's text; null if it is not JSON. */
export function canonicalJson(bytes: Uint8Array): string | null {
  let at = 0;
  const value = (): string => {
    const c = bytes[at];
    if (c === 0x7b || c === 0x5b) {
      const close = c === 0x7b ? 0x7d : 0x5d;
      at++;
      const members: string[] = [];
      while (bytes[at] !== close) {
        if (members.length) {
          if (bytes[at] !== 0x2c) throw new Error("comma");
          at++;
        }
        if (c === 0x7b) {
          const key = string();
          if (bytes[at++] !== 0x3a) throw new Error("colon");
          members.push(`${key}:${value()}`);
        } else members.push(value());
        if (at >= bytes.length) throw new Error("end");
      }
      at++;
      return c === 0x7b ? `{${members.sort().join(",")}}` : `[${members.join(",")}]`;
    }
    if (c === 0x22) return string();
    const start = at;
    while (at < bytes.length && /[-+.\w]/.test(String.fromCharCode(bytes[at]!))) at++;
    if (at === start) throw new Error("token");
    return bin(bytes, start, at);
  };
  const string = (): string => {
    const start = at++;
    while (at < bytes.length && bytes[at] !== 0x22) at += bytes[at] === 0x5c ? 2 : 1;
    if (at >= bytes.length) throw new Error("string");
    at++;
    return bin(bytes, start, at);
  };
  try {
    const out = value();
    return at === bytes.length ? out : null;
  } catch {
    return null;
  }
}

/** A cmsgpack stream with every map's entries sorted by their encoded key; null if it does not parse. */
export function canonicalMsgpack(bytes: Uint8Array): string | null {
  let at = 0;
  const take = (n: number) => {
    if (at + n > bytes.length) throw new Error("short");
    const out = bin(bytes, at, at + n);
    at += n;
    return out;
  };
  const uint = (n: number) => {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + bytes[at + i]!;
    return v;
  };
  const container = (head: string, count: number, isMap: boolean) => {
    const items: string[] = [];
    for (let i = 0; i < count; i++) items.push(isMap ? value() + value() : value());
    return head + (isMap ? items.sort() : items).join("");
  };
  const value = (): string => {
    if (at >= bytes.length) throw new Error("short");
    const type = bytes[at]!;
    if (type <= 0x7f || type >= 0xe0 || (type >= 0xc0 && type <= 0xc3)) return take(1);
    if (type >= 0xa0 && type <= 0xbf) return take(1 + (type & 0x1f));
    if (type >= 0x90 && type <= 0x9f) return container(take(1), type & 0xf, false);
    if (type >= 0x80 && type <= 0x8f) return container(take(1), type & 0xf, true);
    const fixed: Record<number, number> = { 0xcc: 2, 0xcd: 3, 0xce: 5, 0xcf: 9, 0xd0: 2, 0xd1: 3, 0xd2: 5, 0xd3: 9, 0xca: 5, 0xcb: 9 };
    if (fixed[type]) return take(fixed[type]);
    const lengthBytes: Record<number, number> = { 0xd9: 1, 0xda: 2, 0xdb: 4, 0xdc: 2, 0xdd: 4, 0xde: 2, 0xdf: 4 };
    const n = lengthBytes[type];
    if (!n) throw new Error("type");
    at++;
    const count = uint(n);
    const head = bin(bytes, at - 1, at + n);
    at += n;
    if (type <= 0xdb) return head + take(count);
    return container(head, count, type >= 0xde);
  };
  try {
    const parts: string[] = [];
    while (at < bytes.length) parts.push(value());
    return parts.join("");
  } catch {
    return null;
  }
}
