// Placeholder entry of the shard core; replaced by the keyspace engine.
export { keySlotAt } from "./crc16";
