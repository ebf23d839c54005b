import { describe, expect, it } from 'vitest';
import { MemoryRecycler } from './memory-recycler.ts';
import { MEMORY_IMPORT, snapshotMemory } from './memory-snapshot.ts';

const PAGE = 64 * 1024;
const text = (s: string) => [s.length, ...new TextEncoder().encode(s)];
const sectionOf = (id: number, payload: number[]) => [id, payload.length, ...payload];

/** A one-page module with "abc" at 16 and "xy" at 16384; peek() reads the byte at 16. */
function module(memory = [0x01, 0x00, 0x01]): Uint8Array {
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...sectionOf(1, [0x01, 0x60, 0x00, 0x01, 0x7f]),
    ...sectionOf(3, [0x01, 0x00]),
    ...sectionOf(5, memory),
    ...sectionOf(7, [0x02, ...text('memory'), 0x02, 0x00, ...text('peek'), 0x00, 0x00]),
    ...sectionOf(10, [0x01, 0x07, 0x00, 0x41, 0x10, 0x2d, 0x00, 0x00, 0x0b]),
    ...sectionOf(11, [0x02, 0x00, 0x41, 0x10, 0x0b, ...text('abc'), 0x00, 0x41, 0x80, 0x80, 0x01, 0x0b, ...text('xy')]),
  ]);
}

function instantiate(bytes: Uint8Array, memory: WebAssembly.Memory) {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), { [MEMORY_IMPORT.module]: { [MEMORY_IMPORT.name]: memory } }).exports as { peek: () => number; memory: WebAssembly.Memory };
}

describe('memory snapshots', () => {
  it('moves the initial memory out of the module: the same bytes, in a memory the module imports', () => {
    const original = new WebAssembly.Instance(new WebAssembly.Module(module() as Uint8Array<ArrayBuffer>)).exports as { memory: WebAssembly.Memory };
    const snapshot = snapshotMemory(module())!;
    expect(snapshot.descriptor).toEqual({ initial: 1 });
    expect(WebAssembly.Module.imports(new WebAssembly.Module(snapshot.module as Uint8Array<ArrayBuffer>))).toEqual([{ module: MEMORY_IMPORT.module, name: MEMORY_IMPORT.name, kind: 'memory' }]);
    const memory = new MemoryRecycler(snapshot).take();
    const guest = instantiate(snapshot.module, memory);
    expect(guest.memory).toBe(memory);
    expect(guest.peek()).toBe(0x61);
    expect(new Uint8Array(memory.buffer)).toEqual(new Uint8Array(original.memory.buffer));
  });

  it('keeps a memory maximum (a memoryMb cap) in the import', () => {
    const snapshot = snapshotMemory(module([0x01, 0x01, 0x01, 0x04]))!;
    expect(snapshot.descriptor).toEqual({ initial: 1, maximum: 4 });
    const memory = new MemoryRecycler(snapshot).take();
    expect(() => memory.grow(4)).toThrow(RangeError);
  });

  it('leaves modules alone that define no memory', () => {
    const bytes = module();
    const noMemory = Uint8Array.from([...bytes.subarray(0, 8), ...sectionOf(1, [0x01, 0x60, 0x00, 0x01, 0x7f])]);
    expect(snapshotMemory(noMemory)).toBeUndefined();
  });
});

describe('memory recycling', () => {
  it('gives back a recycled memory reset to the snapshot: nothing a previous instance wrote survives', () => {
    const snapshot = snapshotMemory(module())!;
    const recycler = new MemoryRecycler(snapshot);
    const first = recycler.take();
    const view = new Uint8Array(first.buffer);
    view.fill(0xee, 0, 100);
    view.fill(0xee, PAGE - 100);
    recycler.recycle(first);
    const second = recycler.take();
    expect(second).toBe(first);
    expect(new Uint8Array(second.buffer)).toEqual(snapshot.image);
  });

  it('drops a memory that grew', () => {
    const recycler = new MemoryRecycler(snapshotMemory(module())!);
    const grown = recycler.take();
    grown.grow(1);
    recycler.recycle(grown);
    expect(recycler.take()).not.toBe(grown);
  });
});
