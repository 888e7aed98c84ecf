// The gateway's entrypoints as the test worker sees them: service bindings declared in
// vitest.config.ts, so every call crosses workerd's RPC boundary as a consumer Worker's would.
import { env } from "cloudflare:test";
import type { EdgeslotBinding } from "../../worker/rpc";

interface TestBindings {
  EDGESLOT: EdgeslotBinding;
  EDGESLOT_READONLY: EdgeslotBinding;
}

export const edgeslot = (env as unknown as TestBindings).EDGESLOT;
export const edgeslotReadOnly = (env as unknown as TestBindings).EDGESLOT_READONLY;
