import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTransient, readTransientAsync, TRANSIENT_BYTES } from './transient-buffer.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'isolate-deps-transient-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('transient reads', () => {
  for (const [name, size] of [['a small file', 1000], ['a file larger than the minimum buffer', TRANSIENT_BYTES + 5000]] as const) {
    it(`read ${name} whole, in a buffer of at least ${TRANSIENT_BYTES} bytes, on either path`, async () => {
      const file = path.join(dir, `f${size}`);
      const content = Buffer.alloc(size);
      for (let i = 0; i < size; i += 4096) content[i] = (i / 4096) % 251;
      writeFileSync(file, content);
      for (const read of [readTransient(file), await readTransientAsync(file)]) {
        expect(read.bytes.equals(content)).toBe(true);
        expect(read.bytes.buffer.byteLength).toBeGreaterThanOrEqual(TRANSIENT_BYTES);
      }
    });
  }

  it('tell a file apart from one written over it', () => {
    const file = path.join(dir, 'g');
    writeFileSync(file, 'one');
    const first = readTransient(file).identity;
    expect(readTransient(file).identity).toBe(first);
    writeFileSync(file, 'two, longer');
    expect(readTransient(file).identity).not.toBe(first);
  });
});
