import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { IMAGE_SUFFIX, unpackImage, unpackImageAsync } from './packed-core.ts';

const OS_PAGE = 4096;
const ENGINE = 'ab'.repeat(32);

/** An image file of a two-page memory with two written OS pages, filled with `fill`. */
function imageFile(dir: string, fill: number): void {
  const header = Buffer.from(JSON.stringify({ engine: ENGINE, initial: 2, written: [[0, OS_PAGE], [65536, 65536 + OS_PAGE]] }));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  writeFileSync(path.join(dir, 'guest.core.wasm' + IMAGE_SUFFIX), Buffer.concat([length, header, brotliCompressSync(Buffer.alloc(2 * OS_PAGE, fill))]));
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('packed memory images', () => {
  for (const [name, unpack] of [['read at once', async (dir: string) => unpackImage(dir, 'guest.core.wasm', 64)], ['read ahead', (dir: string) => unpackImageAsync(dir, 'guest.core.wasm', 64)]] as const) {
    it(`gives the written ranges and the cap, and the same contents again from the same file (${name})`, async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'isolate-deps-image-'));
      dirs.push(dir);
      imageFile(dir, 7);
      const image = await unpack(dir);
      expect(image.engineId).toBe(ENGINE);
      expect(image.descriptor).toEqual({ initial: 2, maximum: 1024 });
      expect(image.written).toEqual([[0, OS_PAGE], [65536, 65536 + OS_PAGE]]);
      expect(Buffer.from(image.packed!)).toEqual(Buffer.alloc(2 * OS_PAGE, 7));
      const again = image.unpackAgain();
      expect(again.descriptor).toEqual(image.descriptor);
      expect(Buffer.from(again.packed!)).toEqual(Buffer.alloc(2 * OS_PAGE, 7));
    });
  }

  it('refuses to read an image again once another file took its place', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'isolate-deps-image-'));
    dirs.push(dir);
    imageFile(dir, 7);
    const image = unpackImage(dir, 'guest.core.wasm', undefined);
    // A deploy over the running app: a new file moved over the old one.
    const next = mkdtempSync(path.join(tmpdir(), 'isolate-deps-image-'));
    dirs.push(next);
    imageFile(next, 9);
    renameSync(path.join(next, 'guest.core.wasm' + IMAGE_SUFFIX), path.join(dir, 'guest.core.wasm' + IMAGE_SUFFIX));
    expect(() => image.unpackAgain()).toThrow(/was replaced or changed since this process loaded it/);
  });
});
