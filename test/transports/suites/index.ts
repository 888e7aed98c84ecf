// Every behaviour suite that must hold over each transport, so HTTP and the binding cannot drift.
import type { Client } from "../transport";
import { bitmapsSuite } from "./bitmaps";
import { hashesSuite } from "./hashes";
import { keyspaceSuite } from "./keyspace";
import { listsSuite } from "./lists";
import { mapReduceSuite } from "./mapreduce";
import { multiExecSuite } from "./multi-exec";
import { pipelineSuite } from "./pipeline";
import { readOnlySuite } from "./read-only";
import { scriptingSuite } from "./scripting";
import { scriptingFlagsSuite } from "./scripting-flags";
import { scriptingLibrariesSuite } from "./scripting-libraries";
import { scriptingSandboxSuite } from "./scripting-sandbox";
import { sortedSetsSuite } from "./sorted-sets";
import { setsSuite } from "./sets";
import { stringsSuite } from "./strings";

export function behaviourSuites(full: Client, reader: Client): void {
  stringsSuite(full);
  hashesSuite(full, reader);
  listsSuite(full, reader);
  sortedSetsSuite(full, reader);
  setsSuite(full, reader);
  bitmapsSuite(full, reader);
  keyspaceSuite(full);
  pipelineSuite(full);
  multiExecSuite(full);
  readOnlySuite(full, reader);
  scriptingSuite(full, reader);
  scriptingFlagsSuite(full);
  scriptingLibrariesSuite(full);
  scriptingSandboxSuite(full);
  mapReduceSuite(full, reader);
}
