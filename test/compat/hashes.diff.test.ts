// Differential: random streams of hash commands over the string key pool (WRONGTYPE both ways) vs redis-server 7.0.
import { differentialSuite } from "./diff-suite";
import { hashCommand } from "./hash-commands";
import { keyspaceCommand } from "./keyspace-commands";
import { stringCommand } from "./string-commands";

differentialSuite(
  "hashes",
  [
    [70, hashCommand],
    [20, stringCommand],
    [10, keyspaceCommand],
  ],
  { coreStreams: 4, coreLength: 5000, gatewayStreams: 2, gatewayLength: 600 },
);
