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
 *
 * With `reload`, the ranges are dropped once the first memory has been written (6 to 14 MB per package, as
 * much as the instance's own memory): a package whose one instance lives on needs them again only to replace
 * it after a failure, and then `reload` gives them again (a packed image is read and decompressed again: 40 to
 * 150 ms, against about 10 ms with the ranges kept). A package that failed once may fail again: from then on
 * its ranges are kept.
 */
export class MemoryRecycler {
  private readonly spares: WebAssembly.Memory[] = [];
  private ranges: Ranges | undefined;
  private reloaded = false;
  private readonly byteLength: number;
  private readonly descriptor: WebAssembly.MemoryDescriptor;

  constructor(
    contents: MemoryContents | Pick<MemorySnapshot, 'descriptor' | 'image' | 'written'>,
    private readonly reload?: () => MemoryContents,
  ) {
    this.byteLength = contents.descriptor.initial * 65536;
    this.ranges = rangesOf(contents);
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
    if (this.reload && !this.reloaded) this.ranges = undefined;
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
    this.ranges ??= this.readAgain();
    for (const [start, bytes] of this.ranges) view.set(bytes, start);
  }

  private readAgain(): Ranges {
    this.reloaded = true;
    const contents = this.reload!();
    // The same image or nothing: a memory of another layout would not match the engine's instance it goes to.
    if (contents.descriptor.initial !== this.descriptor.initial || contents.descriptor.maximum !== this.descriptor.maximum) {
      throw new Error(`isolate-deps: a memory image read again no longer has its first size (${contents.descriptor.initial} pages, not ${this.descriptor.initial})`);
    }
    return rangesOf(contents);
  }
}

type Ranges = [start: number, bytes: Uint8Array][];

function rangesOf(contents: MemoryContents | Pick<MemorySnapshot, 'descriptor' | 'image' | 'written'>): Ranges {
  const packed = 'packed' in contents ? contents.packed : undefined;
  let at = 0;
  return contents.written.map(([start, end]) => {
    const bytes = packed ? packed.subarray(at, at + end - start) : contents.image!.subarray(start, end);
    at += end - start;
    return [start, bytes];
  });
}
