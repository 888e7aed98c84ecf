// The C libraries Redis 7.0 gives scripts (cjson, bit, struct, cmsgpack), rebuilt on fengari.
import { installBit } from "./bit";
import { installCjson } from "./cjson";
import { installCmsgpack } from "./cmsgpack";
import type { LuaState } from "./c-api";
import { installStruct } from "./struct";

/** The globals these libraries add; the runtime makes them read-only like the standard ones. */
export const LIBRARY_NAMES = ["cjson", "bit", "struct", "cmsgpack"] as const;

/** Installs the libraries as globals; `resetForRun` restores their settings before each script. */
export function installLibraries(L: LuaState): { resetForRun(): void } {
  const cjson = installCjson(L);
  installBit(L);
  installStruct(L);
  installCmsgpack(L);
  return { resetForRun: () => cjson.reset() };
}
