// INCRBYFLOAT (placeholder until the long-double arithmetic lands).
import { error, REPLY } from "./out";
export function cmdIncrbyfloat(): void {
  error(REPLY, "ERR not yet");
}
