import { createHash } from 'node:crypto';
import { concat, sections } from '@isolate-deps/runtime';

/**
 * componentize-js's splicer makes two passes over the 10 MB engine in each build (it splices the world's bindings
 * into it, and after Wizer it stubs out the WASI imports), and each makes its wasm memory grow to about 480 MB,
 * which a process never gives back. They, and the component tooling after them, take most of a build's time, yet
 * only Wizer's snapshot of the package depends on the package. So a world is prepared once (both passes, in a
 * process of their own), its first build is kept as a template, and the builds of that world that follow run
 * Wizer only and put their snapshot into the template.
 */
export interface WorldTemplate {
  /** The world: see worldKey. */
  key: string;
  /** The splicer's result for the world, Wizer's input. */
  bindings?: SpliceResult;
  /** stubWasi's result for Wizer's input (bindings.wasm), with the build clock frozen. */
  stubbedInput?: Uint8Array;
  /** The first build, and the shape of its initialised module (see shapeOf). */
  built?: { shape: string; files: Record<string, Uint8Array>; imports: string[]; componentBytes: number };
}

/** What spliceBindings returns: the engine with the world's bindings, and what componentize-js hands Wizer about them. */
export interface SpliceResult {
  wasm: Uint8Array;
  jsBindings: string;
  exports: unknown[];
  imports: unknown[];
}

const MEMORY_SECTION = 5;
const EXPORT_SECTION = 7;
const DATA_SECTION = 11;
const DATA_COUNT_SECTION = 12;
// What Wizer changes (it drops the initialisation function's export and writes the snapshot), and stubWasi copies through.
const WIZER_SECTIONS = new Set([MEMORY_SECTION, EXPORT_SECTION, DATA_SECTION, DATA_COUNT_SECTION]);
// What differs between initialised modules of one world (the initial size and the snapshot): see shapeOf.
const SNAPSHOT_SECTIONS = new Set([MEMORY_SECTION, DATA_SECTION]);

/** What a world's template depends on besides the toolchain (fixed for a process): its WIT, world name and features. */
export function worldKey(...inputs: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex');
}

/**
 * Initialised modules of one world differ in their memory section (the initial size) and data section (the
 * snapshot), and all the steps after Wizer copy those two through unchanged. Modules with the same other sections
 * (the same shape) so give the same files, but for those two sections of the core module.
 */
export function shapeOf(initialised: Uint8Array): string {
  const hash = createHash('sha256');
  for (const s of sections(initialised)) hash.update(SNAPSHOT_SECTIONS.has(s.id) ? Uint8Array.of(s.id) : initialised.subarray(s.start, s.end));
  return hash.digest('hex');
}

/** `core` (a template's core module) with the memory and data sections of `initialised`. */
export function withSnapshotOf(core: Uint8Array, initialised: Uint8Array): Uint8Array {
  return withSectionsOf(core, initialised, SNAPSHOT_SECTIONS)!;
}

/** `module` with its sections of the ids in `ids` taken from `from`; undefined if `from` lacks one of them. */
function withSectionsOf(module: Uint8Array, from: Uint8Array, ids: ReadonlySet<number>): Uint8Array | undefined {
  const own = new Map(sections(from).map((s) => [s.id, from.subarray(s.start, s.end)]));
  const parts = sections(module).map((s) => (ids.has(s.id) ? own.get(s.id) : module.subarray(s.start, s.end)));
  return parts.every((part) => part !== undefined) ? concat([module.subarray(0, 8), ...parts]) : undefined;
}

/**
 * stubWasi's result for Wizer's module `initialised`, made from its result for Wizer's input: that result with the
 * sections Wizer changed taken from `initialised`. Undefined if Wizer changed any other section.
 */
export function stubbedLike(input: Uint8Array, stubbedInput: Uint8Array, initialised: Uint8Array): Uint8Array | undefined {
  const before = sections(input);
  const after = sections(initialised);
  if (before.length !== after.length) return undefined;
  for (const [i, s] of before.entries()) {
    const t = after[i]!;
    if (s.id !== t.id) return undefined;
    if (!WIZER_SECTIONS.has(s.id) && Buffer.compare(input.subarray(s.start, s.end), initialised.subarray(t.start, t.end)) !== 0) return undefined;
  }
  return withSectionsOf(stubbedInput, initialised, WIZER_SECTIONS);
}
