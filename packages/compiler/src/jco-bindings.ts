/**
 * Adjustments to the JS bindings jco generates (guest.mjs), applied once when a component is built.
 * Bump BINDINGS_REVISION whenever they change: it is part of the component cache key.
 */
export const BINDINGS_REVISION = '1';

// jco 1.35 feature-tests JSPI three times in every instantiate(): `try { x = WebAssembly.promising(f) }
// catch { x = f }`. Without JSPI (Node 20) each attempt throws a TypeError whose message V8 builds by
// re-parsing the whole 150 kB instantiate() function: about 1 ms of every new instance. Testing for the
// function first gives the same result without the throw.
const PROMISING_CALL = /WebAssembly\.promising\(([\w$.]+)\)/g;

/** The bindings with the adjustments above; code that does not match is left as it is. */
export function patchBindings(source: string): string {
  return source.replace(PROMISING_CALL, (_call, fn: string) => `(typeof WebAssembly.promising === 'function' ? WebAssembly.promising(${fn}) : ${fn})`);
}
