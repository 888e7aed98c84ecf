// The gateway Worker's entry: the HTTP app and the Durable-Object classes it binds.
export { Shard } from "../shards/shard";
export default {
  async fetch(): Promise<Response> {
    return new Response("edgeslot");
  },
} satisfies ExportedHandler;
