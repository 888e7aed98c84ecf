// Differential: random streams of bitmap commands over the string key pool (plain strings, counters and
// bitmaps share keys; hashes for WRONGTYPE) and HyperLogLog streams on their own keys, vs redis-server 7.0.
import { bitmapCommand, hllCommand } from "./bitmap-commands";
import { differentialSuite } from "./diff-suite";
import { hashCommand } from "./hash-commands";
import { keyspaceCommand } from "./keyspace-commands";
import { stringCommand } from "./string-commands";

differentialSuite(
  "bitmaps",
  [
    [60, bitmapCommand],
    [25, stringCommand],
    [5, hashCommand],
    [10, keyspaceCommand],
  ],
  { coreStreams: 5, coreLength: 5000, gatewayStreams: 2, gatewayLength: 600 },
);

differentialSuite(
  "hyperloglog",
  [
    [60, hllCommand],
    [20, stringCommand],
    [5, hashCommand],
    [15, keyspaceCommand],
  ],
  { coreStreams: 5, coreLength: 5000, gatewayStreams: 2, gatewayLength: 500 },
);
