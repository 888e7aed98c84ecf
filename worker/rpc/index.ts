// The gateway's service-binding entrypoints and the types their callers see.
export { type Argument, type CallOptions, EdgeslotReadOnlyRpc, EdgeslotRpc, type Refused } from "./entrypoint";
export type { Result, Value } from "../wire/values";
