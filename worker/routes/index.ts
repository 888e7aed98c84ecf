// The gateway's routes.
export { adminAddShards, adminFailover, adminMoveSlots, adminRebalance, adminRemoveShard, adminTopology } from "./admin";
export { jsonCommand, pathCommand } from "./command";
export { cancelJob, jobProgress, startJob } from "./compute";
export { multiExec } from "./multi-exec";
export { pipeline } from "./pipeline";
export type { GatewayContext, GatewayEnv } from "./context";
