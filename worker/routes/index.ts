// The gateway's routes.
export { jsonCommand, pathCommand } from "./command";
export { multiExec } from "./multi-exec";
export { pipeline } from "./pipeline";
export type { GatewayContext, GatewayEnv } from "./context";
