// The gateway's WebAssembly module: key → slot over bytes the host writes into one scratch region.
import { keySlotAt } from "./crc16";

const scratchPtr: usize = (<usize>memory.size()) << 16; // above every start-up allocation (the stub heap holds the CRC table)

/** Makes room for `size` bytes at the scratch region and returns its address. */
export function scratch(size: i32): usize {
  const need = scratchPtr + <usize>size;
  const have = (<usize>memory.size()) << 16;
  if (need > have) {
    const pages = <i32>((need - have + 0xffff) >>> 16);
    // Grow geometrically: growing a page at a time is slow and detaches host views each time.
    if (memory.grow(max(pages, memory.size())) < 0 && memory.grow(pages) < 0) unreachable();
  }
  return scratchPtr;
}

/** The Redis Cluster slot of the `len`-byte key in the scratch region. */
export function keySlot(len: i32): i32 {
  return keySlotAt(scratchPtr, len);
}
