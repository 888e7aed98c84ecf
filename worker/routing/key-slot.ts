// Key → hash slot through the gateway's WebAssembly module (CRC16-XMODEM with hash tags, as Redis).
import slotModule from "../../wasm/build/slot.wasm";

interface SlotExports {
  memory: WebAssembly.Memory;
  scratch(size: number): number;
  keySlot(len: number): number;
}

// One instance per isolate: instantiation is synchronous (workerd forbids compiling at run time).
let slotExports: SlotExports | undefined;

/** The Redis Cluster slot (0..16383) of a key given as bytes. */
export function keySlot(key: Uint8Array): number {
  slotExports ??= new WebAssembly.Instance(slotModule, {}).exports as unknown as SlotExports;
  const ptr = slotExports.scratch(key.length);
  // Take the view after scratch(): growing memory detaches earlier views.
  new Uint8Array(slotExports.memory.buffer, ptr, key.length).set(key);
  return slotExports.keySlot(key.length);
}
