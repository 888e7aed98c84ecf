// The gateway Worker's entry: the HTTP app, the RPC entrypoints for service bindings, and the
// Durable-Object classes it binds.
import { app } from "./app";

export { Shard } from "../shards/shard";
export { TxDecision } from "../shards/transactions/decision";
export { ComputeJob } from "../shards/compute/job";
export { Coordinator } from "../shards/coordinator/coordinator";
export { EdgeslotReadOnlyRpc, EdgeslotRpc } from "./rpc";

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
