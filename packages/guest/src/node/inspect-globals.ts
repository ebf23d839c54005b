/**
 * node-inspect-extracted copies the methods of the engine's globals when it loads (Node's "primordials"). The
 * engine inside a component lacks two of them: Atomics (no shared memory) and String.prototype.normalize (no
 * Unicode normalization data). Stand-ins are present only while that module loads (this module is imported
 * just before it) and util.ts removes them right after, so packages still see the engine as it is. inspect
 * uses normalize only to measure display width when grouping array items; NFC leaves text already in NFC
 * (nearly all text) unchanged, which is what the stand-in returns.
 */
const globals = globalThis as unknown as Record<string, unknown>;
const strings = String.prototype as unknown as Record<string, unknown>;
const noAtomics = globals.Atomics === undefined;
const noNormalize = typeof strings.normalize !== 'function';
if (noAtomics) globals.Atomics = Object.create(null);
if (noNormalize) strings.normalize = function normalize(this: unknown): string {
  return String(this);
};

export function removeStandIns(): void {
  if (noAtomics) delete globals.Atomics;
  if (noNormalize) delete strings.normalize;
}
