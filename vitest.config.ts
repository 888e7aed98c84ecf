// Two projects: tests inside workerd (gateway over HTTP, shards, WASM in the runtime) and tests in
// Node that need things outside workerd (a real redis-server, a spawned gateway, @upstash/redis).
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            // A small, fixed checkpoint threshold (no growth with the data) makes every test exercise
            // compaction, not only the log.
            miniflare: {
              // EDGESLOT_TEST_FAULTS opens the coordinator's fault hook (shards/transactions/README.md).
              bindings: { EDGESLOT_CHECKPOINT_BYTES: "65536", EDGESLOT_CHECKPOINT_GROWTH: "0", EDGESLOT_TEST_FAULTS: "1" },
              // The gateway's RPC entrypoints bound to the test worker as a consumer would bind them
              // (the plugin points bindings to the wrangler.toml name at the worker under test).
              serviceBindings: {
                EDGESLOT: { name: "edgeslot", entrypoint: "EdgeslotRpc" },
                EDGESLOT_READONLY: { name: "edgeslot", entrypoint: "EdgeslotReadOnlyRpc" },
              },
            },
          }),
        ],
        test: {
          name: "workers",
          include: ["test/**/*.test.ts"],
          exclude: ["test/compat/**", "test/node/**"],
          // The node project starts real gateways through `npm start`, which rebuilds wasm/build:
          // run it after this project has loaded those files, never beside it.
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: "node",
          sequence: { groupOrder: 1 },
          include: ["test/compat/**/*.test.ts", "test/node/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 180_000,
          pool: "forks",
          fileParallelism: false,
        },
      },
    ],
  },
});
