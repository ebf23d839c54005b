import { describe, expect, it } from 'vitest';
import { MemoryRecycler } from './memory-recycler.ts';

const PAGE = 65536;
// Two written ranges in a two-page memory, given both ways: as the whole image and packed one after the other.
const written: [number, number][] = [
  [16, 20],
  [PAGE + 100, PAGE + 103],
];
const image = new Uint8Array(2 * PAGE);
image.set([1, 2, 3, 4], 16);
image.set([7, 8, 9], PAGE + 100);
const packed = new Uint8Array([1, 2, 3, 4, 7, 8, 9]);

describe('MemoryRecycler', () => {
  for (const [name, contents] of [
    ['a whole image', { descriptor: { initial: 2 }, written, image }],
    ['packed ranges', { descriptor: { initial: 2 }, written, packed }],
  ] as const) {
    it(`gives memories in the initial state from ${name}, and a recycled one with nothing of its last instance`, () => {
      const recycler = new MemoryRecycler(contents);
      const memory = recycler.take();
      expect(new Uint8Array(memory.buffer)).toEqual(image);
      // An instance writes everywhere, inside and outside the written ranges.
      new Uint8Array(memory.buffer).fill(0xee);
      recycler.recycle(memory);
      const again = recycler.take();
      expect(again).toBe(memory);
      expect(new Uint8Array(again.buffer)).toEqual(image);
    });
  }

  it('prepares one memory ahead, which the first take() returns', () => {
    const recycler = new MemoryRecycler({ descriptor: { initial: 2 }, written, packed });
    recycler.prepareOne();
    const first = recycler.take();
    expect(new Uint8Array(first.buffer)).toEqual(image);
    expect(recycler.take()).not.toBe(first);
  });

  it('drops a memory that grew instead of recycling it', () => {
    const recycler = new MemoryRecycler({ descriptor: { initial: 2 }, written, packed });
    const memory = recycler.take();
    memory.grow(1);
    recycler.recycle(memory);
    expect(recycler.take()).not.toBe(memory);
  });

  it('with a reload, drops its ranges once the first memory is written, reads them again for a replacement, and then keeps them', () => {
    let reloads = 0;
    const recycler = new MemoryRecycler({ descriptor: { initial: 2 }, written, packed: packed.slice() }, () => {
      reloads++;
      return { descriptor: { initial: 2 }, written, packed: packed.slice() };
    });
    recycler.prepareOne();
    expect(reloads).toBe(0);
    const first = recycler.take();
    expect(new Uint8Array(first.buffer)).toEqual(image);
    // A replacement (the first instance failed): the image is read again, and the new memory holds it whole.
    const second = recycler.take();
    expect(reloads).toBe(1);
    expect(second).not.toBe(first);
    expect(new Uint8Array(second.buffer)).toEqual(image);
    // A package that failed once may fail again: its ranges are kept from then on.
    expect(new Uint8Array(recycler.take().buffer)).toEqual(image);
    expect(reloads).toBe(1);
  });

  it('refuses a reloaded image of another size instead of writing it into a memory of the first size', () => {
    const recycler = new MemoryRecycler({ descriptor: { initial: 2 }, written, packed }, () => ({ descriptor: { initial: 3 }, written, packed }));
    recycler.take();
    expect(() => recycler.take()).toThrow(/no longer has its first size \(3 pages, not 2\)/);
  });
});
