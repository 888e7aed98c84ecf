// Differential: random streams of list commands over the shared key pool (WRONGTYPE both ways) vs redis-server 7.0.
import { differentialSuite } from "./diff-suite";
import { hashCommand } from "./hash-commands";
import { keyspaceCommand } from "./keyspace-commands";
import { listCommand } from "./list-commands";
import { stringCommand } from "./string-commands";

differentialSuite(
  "lists",
  [
    [70, listCommand],
    [12, stringCommand],
    [8, hashCommand],
    [10, keyspaceCommand],
  ],
  { coreStreams: 5, coreLength: 5000, gatewayStreams: 2, gatewayLength: 600 },
);
