// Bindings and variables the gateway reads (see wrangler.toml).
interface Env {
  SHARD: DurableObjectNamespace<import("../shards/shard").Shard>;
  EDGESLOT_SHARDS?: string;
  EDGESLOT_TOKEN?: string;
  EDGESLOT_READONLY_TOKEN?: string;
}
declare namespace Cloudflare { interface Env extends globalThis.Env {} }
