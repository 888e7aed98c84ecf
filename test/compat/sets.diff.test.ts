// Differential: random streams of set commands over the shared key pool (WRONGTYPE both ways, intsets converting
// to hash tables) vs redis-server 7.0.
import { differentialSuite } from "./diff-suite";
import { hashCommand } from "./hash-commands";
import { keyspaceCommand } from "./keyspace-commands";
import { setCommand } from "./set-commands";
import { stringCommand } from "./string-commands";

differentialSuite(
  "sets",
  [
    [70, setCommand],
    [12, stringCommand],
    [6, hashCommand],
    [12, keyspaceCommand],
  ],
  { coreStreams: 6, coreLength: 5000, gatewayStreams: 2, gatewayLength: 600 },
);
