import { describe, expect, it } from 'vitest';
import { engineIdOf } from '@isolate-deps/runtime';
import { freezeBuildClock, withEngineId } from './engine-identity.ts';

const text = (s: string) => [s.length, ...new TextEncoder().encode(s)];
const sectionOf = (id: number, payload: number[]) => [id, payload.length, ...payload];
const sleb9 = (value: bigint) => {
  const out: number[] = [];
  for (let i = 0; i < 9; i++) {
    out.push(Number(value & 0x7fn) | (i < 8 ? 0x80 : 0));
    value >>= 7n;
  }
  return out;
};

/** A module like a component's core module: one memory, a data segment (the snapshot) and a clock constant in the code. */
function module(data: string, clockNs: bigint, extraCode: number[] = []): Uint8Array {
  const body = [0x00, 0x42, ...sleb9(clockNs), 0x1a, ...extraCode, 0x0b]; // i64.const <clock>; drop
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...sectionOf(1, [0x01, 0x60, 0x00, 0x00]),
    ...sectionOf(3, [0x01, 0x00]),
    ...sectionOf(5, [0x01, 0x00, 0x01]),
    ...sectionOf(7, [0x01, ...text('memory'), 0x02, 0x00]),
    ...sectionOf(10, [0x01, body.length, ...body]),
    ...sectionOf(11, [0x01, 0x00, 0x41, 0x10, 0x0b, ...text(data)]),
  ]);
}

const now = Date.UTC(2026, 10, 30);
const ns = (ms: number) => BigInt(ms) * 1_000_000n;

describe('engine identity', () => {
  it('freezes a clock constant taken during the build, and nothing outside that window', () => {
    const built = module('abc', ns(now + 500));
    expect(freezeBuildClock(built, now, now + 1000)).toBe(1);
    expect(built).toEqual(module('abc', 1_767_225_600_000_000_000n));
    const other = module('abc', ns(now - 86_400_000));
    expect(freezeBuildClock(other, now, now + 1000)).toBe(0);
  });

  it('gives packages that differ only in their snapshot and build time the same engine id, and a different engine another', () => {
    const first = module('the yaml snapshot', ns(now + 10));
    const second = module('a much longer snapshot of another package', ns(now + 20));
    freezeBuildClock(first, now, now + 100);
    freezeBuildClock(second, now, now + 100);
    const a = engineIdOf(withEngineId(first));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(engineIdOf(withEngineId(second))).toBe(a);
    const otherCode = module('abc', ns(now + 10), [0x01]); // one more instruction (nop)
    freezeBuildClock(otherCode, now, now + 100);
    expect(engineIdOf(withEngineId(otherCode))).not.toBe(a);
    // The id is a custom section: the module still compiles.
    expect(() => new WebAssembly.Module(withEngineId(first) as Uint8Array<ArrayBuffer>)).not.toThrow();
  });

  it('leaves a module without a memory snapshot without an id', () => {
    const noMemory = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    expect(engineIdOf(withEngineId(noMemory))).toBeUndefined();
  });
});
