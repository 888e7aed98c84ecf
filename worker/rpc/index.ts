// The gateway's service-binding entrypoints and the types their callers see.
export { EdgeslotReadOnlyRpc, EdgeslotRpc } from "./entrypoint";
export type { Argument, CallOptions, EdgeslotBinding, Refused, Result, Value } from "./types";
