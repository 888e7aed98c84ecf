// The core's heap: size-class free lists over a bump region, geometric memory.grow, exact byte accounting.
// Blocks carry no header: every caller knows the size it allocated (entries derive it from their lengths).

const SMALL_LIMIT: usize = 1024; // classes of 4-byte steps up to here, then 4 classes per power of two
const CLASS_COUNT = 352;
const freeHeads = memory.data(CLASS_COUNT * 4);

let heapTop: usize = 0;
let heapEnd: usize = 0;
/** Bytes held by live blocks (class-rounded): the core's `used_memory`. */
export let usedBytes: f64 = 0;
/** 0 = unlimited. Only `allocData` honours it, so deletes and bookkeeping never fail on the limit. */
export let maxMemory: f64 = 0;

export function setLimit(bytes: f64): void {
  maxMemory = bytes;
}

function initHeap(): void {
  // The stub runtime's bump allocator owns everything below its current offset (static arrays made
  // with `new` at start-up); the core's heap begins above it and the stub is never used again.
  const base = changetype<usize>(heap.alloc(16));
  heapTop = (base + 16 + 15) & ~15;
  heapEnd = (<usize>memory.size()) << 16;
}

/** The class index of a size (sizes > 0). */
// @ts-ignore: decorator
@inline function classOf(size: usize): i32 {
  if (size <= SMALL_LIMIT) return <i32>((size + 3) >> 2) - 1;
  const p = <i32>(31 - clz<u32>(<u32>(size - 1))); // 2^p < size <= 2^(p+1)
  const step = (<usize>1) << (p - 2);
  const sub = <i32>((size - 1 - ((<usize>1) << p)) / step); // 0..3
  return 256 + (p - 10) * 4 + sub;
}

/** The bytes a block of `size` really occupies. */
export function blockSize(size: usize): usize {
  if (size <= SMALL_LIMIT) return (size + 3) & ~3;
  const p = <i32>(31 - clz<u32>(<u32>(size - 1)));
  const step = (<usize>1) << (p - 2);
  return ((size - 1) / step + 1) * step;
}

function grow(need: usize): bool {
  const havePages = memory.size();
  const needPages = <i32>((need - heapEnd + 0xffff) >>> 16);
  // Grow by at least a quarter of what we have: page-at-a-time growth is slow and every grow
  // detaches the host's views. Fall back to the exact need when the runtime refuses more.
  let pages = max(needPages, havePages >> 2);
  if (memory.grow(pages) < 0) {
    pages = needPages;
    if (memory.grow(pages) < 0) return false;
  }
  heapEnd = (<usize>memory.size()) << 16;
  return true;
}

/** Allocates `size` bytes (not zeroed); 0 when linear memory cannot grow. Not subject to maxmemory. */
export function alloc(size: usize): usize {
  if (heapEnd == 0) initHeap();
  if (size == 0) size = 4;
  if (size > 0x7ff00000) return 0;
  const cls = classOf(size);
  const bs = blockSize(size);
  const head = freeHeads + ((<usize>cls) << 2);
  const free = <usize>load<u32>(head);
  if (free != 0) {
    store<u32>(head, load<u32>(free));
    usedBytes += <f64>bs;
    return free;
  }
  // Large blocks (tables, buffers, big values) start on 16 bytes so slots never straddle cache lines.
  const p = bs > SMALL_LIMIT ? (heapTop + 15) & ~15 : heapTop;
  if (p + bs > heapEnd || p + bs < p) {
    if (!grow(p + bs)) return 0;
  }
  heapTop = p + bs;
  usedBytes += <f64>bs;
  return p;
}

/** Allocates data that counts against maxmemory: 0 when the limit or linear memory refuses. */
export function allocData(size: usize): usize {
  if (maxMemory > 0 && usedBytes + <f64>blockSize(size) > maxMemory) return 0;
  return alloc(size);
}

/** Whether `size` more bytes of data would fit under maxmemory. */
export function fitsData(size: f64): bool {
  return !(maxMemory > 0 && usedBytes + size > maxMemory);
}

export function free(ptr: usize, size: usize): void {
  if (ptr == 0) return;
  if (size == 0) size = 4;
  const head = freeHeads + ((<usize>classOf(size)) << 2);
  store<u32>(ptr, load<u32>(head));
  store<u32>(head, <u32>ptr);
  usedBytes -= <f64>blockSize(size);
}

/**
 * memory.copy for the short keys and values of the hot path: V8 runs memory.copy out of line, which
 * costs more than a few 8-byte moves. Never overlapping here (fresh blocks, distinct buffers).
 */
// @ts-ignore: decorator
@inline export function copyBytes(dst: usize, src: usize, n: usize): void {
  if (n > 64) {
    memory.copy(dst, src, n);
    return;
  }
  let i: usize = 0;
  while (i + 8 <= n) {
    store<u64>(dst + i, load<u64>(src + i));
    i += 8;
  }
  while (i < n) {
    store<u8>(dst + i, load<u8>(src + i));
    i++;
  }
}
