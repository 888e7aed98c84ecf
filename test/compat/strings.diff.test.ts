// Differential: random streams of string commands (with some keyspace ones mixed in) vs redis-server 7.0.
import { differentialSuite } from "./diff-suite";
import { keyspaceCommand } from "./keyspace-commands";
import { stringCommand } from "./string-commands";

differentialSuite(
  "strings",
  [
    [85, stringCommand],
    [15, keyspaceCommand],
  ],
  { coreStreams: 6, coreLength: 5000, gatewayStreams: 2, gatewayLength: 600 },
);
