import type { MemorySnapshot } from './memory-snapshot.ts';

// Spare memories kept per core module: one serves back-to-back calls, one more a nested call
// (a host callback that calls the same package). Each holds its full initial size resident.
const MAX_SPARES = 2;

/** A memory's initial contents as the bytes of each written range (the rest is zeros). */
export interface MemoryContents {
  descriptor: WebAssembly.MemoryDescriptor;
  /** [start, end) byte ranges, in order. */
  written: [start: number, end: number][];
  /** Either the whole initial memory (`image`), or only the written ranges' bytes one after the other (`packed`). */
  image?: Uint8Array;
  packed?: Uint8Array;
}

/**
 * Memories for instances of one snapshotted core module. A memory taken back from a disposed instance is
 * cleared and written again as a new one is, so nothing of that instance survives into the next one; a
 * memory that grew is dropped (a memory cannot shrink back to the snapshot's size). Only the written ranges
 * are kept: a packed image's bytes as they were decompressed, with no full-size copy (which cost about 9 MB
 * of RSS per package).
 */
export class MemoryRecycler {
  private readonly spares: WebAssembly.Memory[] = [];
  private readonly ranges: [start: number, bytes: Uint8Array][];
  private readonly byteLength: number;
  private readonly descriptor: WebAssembly.MemoryDescriptor;

  constructor(contents: MemoryContents | Pick<MemorySnapshot, 'descriptor' | 'image' | 'written'>) {
    this.byteLength = contents.descriptor.initial * 65536;
    const packed = 'packed' in contents ? contents.packed : undefined;
    let at = 0;
    this.ranges = contents.written.map(([start, end]) => {
      const bytes = packed ? packed.subarray(at, at + end - start) : contents.image!.subarray(start, end);
      at += end - start;
      return [start, bytes];
    });
    this.descriptor = contents.descriptor;
  }

  /** A memory in the snapshot's initial state: a recycled one when there is one. */
  take(): WebAssembly.Memory {
    return this.spares.pop() ?? this.fresh();
  }

  /** Makes the first take() find a memory ready: for preparing a package ahead of its first call. */
  prepareOne(): void {
    if (this.spares.length === 0) this.spares.push(this.fresh());
  }

  private fresh(): WebAssembly.Memory {
    const memory = new WebAssembly.Memory(this.descriptor);
    // A new memory is all zeros: copy only the pages that hold data, as the engine's own data segments would.
    this.write(new Uint8Array(memory.buffer));
    return memory;
  }

  /** Takes back the memory of an instance that will never run again (the caller guarantees it). */
  recycle(memory: WebAssembly.Memory): void {
    if (this.spares.length >= MAX_SPARES || memory.buffer.byteLength !== this.byteLength) return;
    const view = new Uint8Array(memory.buffer);
    view.fill(0);
    this.write(view);
    this.spares.push(memory);
  }

  private write(view: Uint8Array): void {
    for (const [start, bytes] of this.ranges) view.set(bytes, start);
  }
}
