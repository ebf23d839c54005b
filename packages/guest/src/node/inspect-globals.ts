/**
 * node-inspect-extracted copies the methods of a few globals when it loads, Atomics among them; the engine
 * inside a component has no Atomics (no shared memory). An empty stand-in is present only while that module
 * loads (this module is imported just before it); util.ts removes it right after, so packages that test for
 * Atomics still see none.
 */
const globals = globalThis as unknown as Record<string, unknown>;
const standIn = globals.Atomics === undefined;
if (standIn) globals.Atomics = Object.create(null);

export function removeStandIns(): void {
  if (standIn) delete globals.Atomics;
}
