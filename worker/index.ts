// The gateway Worker's entry: the HTTP app and the Durable-Object classes it binds.
import { app } from "./app";

export { Shard } from "../shards/shard";

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
