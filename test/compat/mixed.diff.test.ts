// Differential: every family's commands in one stream over the shared key pool, so each key changes type
// often and every command meets every other type (WRONGTYPE, TYPE, SCAN TYPE, COPY, DUMP) vs redis-server 7.0.
import { bitmapCommand, hllCommand } from "./bitmap-commands";
import { differentialSuite } from "./diff-suite";
import { hashCommand } from "./hash-commands";
import { keyspaceCommand } from "./keyspace-commands";
import { listCommand } from "./list-commands";
import { setCommand } from "./set-commands";
import { stringCommand } from "./string-commands";
import { zsetCommand } from "./zset-commands";

differentialSuite(
  "all types mixed",
  [
    [15, stringCommand],
    [15, hashCommand],
    [15, listCommand],
    [15, setCommand],
    [15, zsetCommand],
    [8, bitmapCommand],
    [4, hllCommand],
    [13, keyspaceCommand],
  ],
  { coreStreams: 4, coreLength: 5000, gatewayStreams: 2, gatewayLength: 600 },
);
