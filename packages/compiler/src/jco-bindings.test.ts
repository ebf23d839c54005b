import { describe, expect, it } from 'vitest';
import { patchBindings } from './jco-bindings.ts';

// As jco 1.35 writes it in instantiate().
const GENERATED = `let realloc0Async;
try {
  realloc0Async = WebAssembly.promising(exports1.cabi_realloc);
} catch(err) {
  realloc0Async = exports1.cabi_realloc;
}
return realloc0Async;`;

const run = (source: string, webAssembly: object) => new Function('WebAssembly', 'exports1', source)(webAssembly, { cabi_realloc: 'realloc' }) as unknown;

describe('jco bindings', () => {
  it('tests for JSPI instead of catching the TypeError of a missing WebAssembly.promising, with the same result', () => {
    const patched = patchBindings(GENERATED);
    expect(patched).not.toBe(GENERATED);
    expect(run(patched, {})).toBe(run(GENERATED, {}));
    const jspi = { promising: (fn: string) => `promising(${fn})` };
    expect(run(patched, jspi)).toBe('promising(realloc)');
    expect(run(patched, jspi)).toBe(run(GENERATED, jspi));
  });
});
