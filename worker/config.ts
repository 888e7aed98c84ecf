// Gateway settings read from the environment (wrangler.toml [vars] or secrets), with their defaults.

export interface GatewayConfig {
  readonly shards: number;
  readonly maxRequestBytes: number;
  readonly maxKeyBytes: number;
}

function positiveInteger(value: string | undefined, fallback: number, name: string, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1 || n > max) throw new Error(`${name} must be an integer from 1 to ${max}, got '${value}'`);
  return n;
}

export function readConfig(env: Env): GatewayConfig {
  return {
    shards: positiveInteger(env.EDGESLOT_SHARDS, 4, "EDGESLOT_SHARDS", 16384),
    maxRequestBytes: positiveInteger(env.EDGESLOT_MAX_REQUEST_BYTES, 10 * 1024 * 1024, "EDGESLOT_MAX_REQUEST_BYTES"),
    maxKeyBytes: positiveInteger(env.EDGESLOT_MAX_KEY_BYTES, 32 * 1024, "EDGESLOT_MAX_KEY_BYTES"),
  };
}
