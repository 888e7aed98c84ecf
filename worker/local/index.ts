// Gateway-local commands (answered without a shard).
export type { LocalContext } from "./context";
export { runLocal, type LocalHandler } from "./handlers";
export { infoClusterSection } from "./cluster";
