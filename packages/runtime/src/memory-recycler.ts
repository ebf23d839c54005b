import type { MemorySnapshot } from './memory-snapshot.ts';

// Spare memories kept per core module: one serves back-to-back calls, one more a nested call
// (a host callback that calls the same package). Each holds its full initial size resident.
const MAX_SPARES = 2;

/**
 * Memories for instances of one snapshotted core module. A memory taken back from a disposed instance is
 * overwritten with the whole image at once, so nothing of that instance survives into the next one; a
 * memory that grew is dropped (a memory cannot shrink back to the snapshot's size).
 */
export class MemoryRecycler {
  private readonly spares: WebAssembly.Memory[] = [];

  constructor(private readonly snapshot: Pick<MemorySnapshot, 'descriptor' | 'image' | 'written'>) {}

  /** A memory in the snapshot's initial state: a recycled one when there is one. */
  take(): WebAssembly.Memory {
    return this.spares.pop() ?? this.fresh();
  }

  /** Makes the first take() find a memory ready: for preparing a package ahead of its first call. */
  prepareOne(): void {
    if (this.spares.length === 0) this.spares.push(this.fresh());
  }

  private fresh(): WebAssembly.Memory {
    const memory = new WebAssembly.Memory(this.snapshot.descriptor);
    // A new memory is all zeros: copy only the pages that hold data, as the engine's own data segments would.
    const view = new Uint8Array(memory.buffer);
    for (const [start, end] of this.snapshot.written) view.set(this.snapshot.image.subarray(start, end), start);
    return memory;
  }

  /** Takes back the memory of an instance that will never run again (the caller guarantees it). */
  recycle(memory: WebAssembly.Memory): void {
    if (this.spares.length >= MAX_SPARES || memory.buffer.byteLength !== this.snapshot.image.byteLength) return;
    new Uint8Array(memory.buffer).set(this.snapshot.image);
    this.spares.push(memory);
  }
}
