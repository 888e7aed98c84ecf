// Differential: random streams of sorted-set commands over the shared key pool (WRONGTYPE both ways) vs redis-server 7.0.
import { differentialSuite } from "./diff-suite";
import { hashCommand } from "./hash-commands";
import { keyspaceCommand } from "./keyspace-commands";
import { stringCommand } from "./string-commands";
import { zsetCommand } from "./zset-commands";

differentialSuite(
  "sorted sets",
  [
    [75, zsetCommand],
    [10, stringCommand],
    [5, hashCommand],
    [10, keyspaceCommand],
  ],
  { coreStreams: 6, coreLength: 5000, gatewayStreams: 2, gatewayLength: 600 },
);
