// The script cache: sha1 -> source. SCRIPT LOAD persists to the shard's SQLite; EVAL caches in
// memory only (as Redis, whose cache does not survive a restart at all).
export class ScriptCache {
  private readonly scripts = new Map<string, Uint8Array>();

  /** Without storage (a cross-shard transaction's scratch runner) the cache lives in memory only. */
  constructor(private readonly sql?: SqlStorage) {
    if (sql) for (const row of sql.exec<{ sha: string; body: ArrayBuffer }>("SELECT sha, body FROM scripts")) {
      this.scripts.set(row.sha, new Uint8Array(row.body));
    }
  }

  get(sha: string): Uint8Array | undefined {
    return this.scripts.get(sha);
  }

  has(sha: string): boolean {
    return this.scripts.has(sha);
  }

  remember(sha: string, body: Uint8Array): void {
    this.scripts.set(sha, body);
  }

  persist(sha: string, body: Uint8Array): void {
    this.scripts.set(sha, body);
    this.sql?.exec("INSERT OR REPLACE INTO scripts (sha, body) VALUES (?, ?)", sha, body.slice().buffer);
  }

  flush(): void {
    this.scripts.clear();
    this.sql?.exec("DELETE FROM scripts");
  }
}

/** Lowercase hex SHA1 of the script's bytes (sync: a script must not await). */
export function sha1hex(bytes: Uint8Array): string {
  const h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
  const bitLength = bytes.length * 8;
  const padded = new Uint8Array((((bytes.length + 8) >> 6) + 1) << 6);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(bitLength / 2 ** 32));
  view.setUint32(padded.length - 4, bitLength >>> 0);
  const w = new Uint32Array(80);
  for (let block = 0; block < padded.length; block += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(block + i * 4);
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16];
      w[i] = (x << 1) | (x >>> 31);
    }
    let [a, b, c, d, e] = h;
    for (let i = 0; i < 80; i++) {
      const f = i < 20 ? (b & c) | (~b & d) : i < 40 ? b ^ c ^ d : i < 60 ? (b & c) | (b & d) | (c & d) : b ^ c ^ d;
      const k = i < 20 ? 0x5a827999 : i < 40 ? 0x6ed9eba1 : i < 60 ? 0x8f1bbcdc : 0xca62c1d6;
      const t = (((a << 5) | (a >>> 27)) + f + e + k + w[i]) >>> 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    h[0] = (h[0] + a) >>> 0;
    h[1] = (h[1] + b) >>> 0;
    h[2] = (h[2] + c) >>> 0;
    h[3] = (h[3] + d) >>> 0;
    h[4] = (h[4] + e) >>> 0;
  }
  return h.map((x) => (x >>> 0).toString(16).padStart(8, "0")).join("");
}
