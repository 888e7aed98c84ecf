// Differential: random streams of keyspace commands (expiry, rename, KEYS, SCAN, …) vs redis-server 7.0.
import { differentialSuite } from "./diff-suite";
import { keyspaceCommand } from "./keyspace-commands";
import { stringCommand } from "./string-commands";

differentialSuite(
  "keyspace",
  [
    [70, keyspaceCommand],
    [30, stringCommand],
  ],
  { coreStreams: 6, coreLength: 5000, gatewayStreams: 2, gatewayLength: 600, crashes: 2 },
);
