/**
 * Adjustments to the JS bindings jco generates (guest.mjs), applied once when a component is built.
 * Bump BINDINGS_REVISION whenever they change: it is part of the component cache key.
 */
export const BINDINGS_REVISION = '2';

// jco 1.35 feature-tests JSPI three times in every instantiate(): `try { x = WebAssembly.promising(f) }
// catch { x = f }`. Without JSPI (Node 20) each attempt throws a TypeError whose message V8 builds by
// re-parsing the whole 150 kB instantiate() function: about 1 ms of every new instance. Testing for the
// function first gives the same result without the throw.
const PROMISING_CALL = /WebAssembly\.promising\(([\w$.]+)\)/g;

// jco's _debugLog, called about ten times in every call, reads process.env.JCO_DEBUG each time: about 2.4 µs of
// a 24 µs trivial call here. Set, it would print every call's arguments (the package's data) to the console.
// A constant no-op costs nothing once V8 inlines it.
const DEBUG_LOG = /const _debugLog = \(\.\.\.args\) => \{\s*if \(!globalThis\?\.process\?\.env\?\.JCO_DEBUG\) \{\s*return;?\s*\}\s*console\.debug\(\.\.\.args\);\s*\};/g;

/** The bindings with the adjustments above; code that does not match is left as it is. */
export function patchBindings(source: string): string {
  return source
    .replace(PROMISING_CALL, (_call, fn: string) => `(typeof WebAssembly.promising === 'function' ? WebAssembly.promising(${fn}) : ${fn})`)
    .replace(DEBUG_LOG, 'const _debugLog = () => {};');
}
