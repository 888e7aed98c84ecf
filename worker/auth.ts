// Bearer-token access: the full token, the read-only token, or refusal. Comparison is constant-time
// in the token's content, and the gateway fails closed when no token is configured.

export type Access = "full" | "readonly";

export type AuthOutcome = { readonly access: Access } | { readonly refused: string };

const encoder = new TextEncoder();

/** Compares every byte of the longer input whatever differs, so timing does not reveal a prefix. */
function sameToken(given: string, expected: string): boolean {
  const a = encoder.encode(given);
  const b = encoder.encode(expected);
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

export const NO_TOKEN_CONFIGURED =
  "ERR no access token is configured, so every request is refused: set EDGESLOT_TOKEN " +
  "(`wrangler secret put EDGESLOT_TOKEN`, or [vars] in wrangler.toml for local development)";

/** The token from `Authorization: Bearer …`, else from `?_token=` (Upstash's compatibility form). */
export function requestToken(request: Request): string | undefined {
  const header = request.headers.get("authorization");
  const bearer = header && /^Bearer\s+(.+)$/i.exec(header.trim());
  if (bearer) return bearer[1]!;
  return new URL(request.url).searchParams.get("_token") ?? undefined;
}

export function authorize(request: Request, env: Env): AuthOutcome {
  const full = env.EDGESLOT_TOKEN || undefined;
  const readonly = env.EDGESLOT_READONLY_TOKEN || undefined;
  if (!full && !readonly) return { refused: NO_TOKEN_CONFIGURED };
  const token = requestToken(request);
  if (token === undefined) return { refused: "NOAUTH Authentication required." };
  // Check both so the time taken does not say which token matched.
  const isFull = full !== undefined && sameToken(token, full);
  const isReadonly = readonly !== undefined && sameToken(token, readonly);
  if (isFull) return { access: "full" };
  if (isReadonly) return { access: "readonly" };
  return { refused: "WRONGPASS invalid username-password pair or user is disabled." };
}
