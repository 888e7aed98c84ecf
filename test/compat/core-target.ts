// The WASM core driven directly from Node: RESP batches in, RESP replies out, with the wall clock as its clock.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Core } from "../../wasm/host";
import { decodeReplies, encodeCommands, type Reply } from "../../worker/wire/resp";
import { renderCommand } from "./compare";

const CORE_WASM = resolve(import.meta.dirname, "../../wasm/build/core.wasm");
let compiled: WebAssembly.Module | undefined;

/** The built core module (`npm run build`), compiled once per test file. */
export function coreModule(): WebAssembly.Module {
  // workers-types declares Module abstract (workerd forbids compiling at run time); Node compiles fine.
  const NodeModule = WebAssembly.Module as unknown as new (bytes: Uint8Array) => WebAssembly.Module;
  compiled ??= new NodeModule(readFileSync(CORE_WASM));
  return compiled;
}

type Command = readonly (string | Uint8Array)[];

function toBytes(command: Command): Uint8Array[] {
  return command.map((arg) => (typeof arg === "string" ? new Uint8Array(Buffer.from(arg, "latin1")) : arg));
}

/**
 * A core fed whole batches. Arguments are binary strings (one char per byte), so `\xff` reaches it as
 * one byte. When the core traps, the commands it has run are replayed one by one on a fresh core to
 * name the command that trapped, and the target carries on with an empty core.
 */
export class CoreTarget {
  private core = new Core(coreModule());
  private journal: Command[] = [];

  async send(commands: readonly Command[]): Promise<Reply[]> {
    const batch = encodeCommands(commands.map(toBytes));
    try {
      const { replies, count } = this.core.execute(batch, Date.now());
      if (count !== commands.length) throw new Error(`core executed ${count} of ${commands.length} commands`);
      this.journal.push(...commands);
      return decodeReplies(replies);
    } catch (error) {
      const culprit = this.findTrappingCommand([...this.journal, ...commands]);
      this.core = new Core(coreModule());
      this.journal = [];
      throw new Error(`${error instanceof Error ? error.message : String(error)}; ${culprit}`);
    }
  }

  private findTrappingCommand(history: Command[]): string {
    const core = new Core(coreModule());
    for (let i = 0; i < history.length; i++) {
      try {
        core.execute(encodeCommands([toBytes(history[i]!)]), Date.now());
      } catch (error) {
        const before = history.slice(Math.max(0, i - 15), i).map((c) => renderCommand(c.map(String)));
        return `replayed alone it traps at: ${renderCommand(history[i]!.map(String))} (${String(error)})\n    after: ${before.join("\n           ")}`;
      }
    }
    return "replayed one command at a time it does not trap (a batch-boundary bug)";
  }
}
