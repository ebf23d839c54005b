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

  it('makes _debugLog a no-op that never reads process.env, not even with JCO_DEBUG set', () => {
    // As jco 1.35 writes it.
    const generated = `const _debugLog = (...args) => {
    if (!globalThis?.process?.env?.JCO_DEBUG) { return; }
    console.debug(...args);
  };
  return _debugLog;`;
    const patched = patchBindings(generated);
    expect(patched).toContain('const _debugLog = () => {};');
    const reads: string[] = [];
    const env = new Proxy({ JCO_DEBUG: '1' }, { get: (target, key) => (reads.push(String(key)), Reflect.get(target, key)) });
    const log = (source: string) => new Function('globalThis', 'console', source)({ process: { env } }, { debug: () => reads.push('printed') }) as (...args: unknown[]) => void;
    log(patched)('[call] args', { secret: 'x' });
    expect(reads).toEqual([]);
    log(generated)('[call] args', { secret: 'x' }); // the unpatched one does read it, and prints
    expect(reads).toEqual(['JCO_DEBUG', 'printed']);
  });
});
