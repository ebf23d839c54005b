/**
 * A component's pre-initialised (Wizer) memory, taken out of its core module: the module imports its
 * memory instead, and the host keeps the initial contents as an image. A fresh instance can then run
 * in a recycled memory, reset to the image by one copy into pages that are already mapped, instead of
 * a new memory whose data segments fault in about a thousand fresh pages (measured: the bulk of a new
 * instance's cost).
 */
import { concat, readS32, readU32, section, sections, SECTION, WasmFormatError, writeU32 } from './wasm-binary.ts';

const PAGE = 64 * 1024;
const OS_PAGE = 4096;
const IMPORT_KIND = { function: 0, table: 1, memory: 2, global: 3, tag: 4 } as const;
const I32_CONST = 0x41;
const END = 0x0b;

/** Where the rewritten module imports its memory from. */
export const MEMORY_IMPORT = { module: 'isolate-deps', name: 'memory' } as const;

export interface MemorySnapshot {
  /** The core module with its memory imported from MEMORY_IMPORT and without data segments. */
  module: Uint8Array;
  descriptor: WebAssembly.MemoryDescriptor;
  /** The initial pages as the data segments leave them. */
  image: Uint8Array;
  /** [start, end) byte ranges of the OS pages the data segments write: all a brand-new memory needs copied. */
  written: [start: number, end: number][];
}

/**
 * Takes the memory out of `module`, or returns undefined for a module this does not apply to: one that
 * defines no memory or several, a shared or 64-bit memory, or data segments other than active ones at
 * constant offsets (then the module is used as it is).
 *
 * With `anySize`, the import accepts a memory of any size (no minimum, no maximum): the module then no
 * longer depends on its snapshot's size, and the memory the host creates carries the minimum and the cap.
 */
export function snapshotMemory(module: Uint8Array, { anySize = false } = {}): MemorySnapshot | undefined {
  const all = sections(module);
  const memory = all.filter((s) => s.id === SECTION.memory);
  if (memory.length !== 1) return undefined;
  const [count, limitsAt] = readU32(module, memory[0]!.payloadStart);
  const flags = module[limitsAt]!;
  if (count !== 1 || flags > 1) return undefined;
  const limits = module.subarray(limitsAt, memory[0]!.end);
  const [minimum, afterMin] = readU32(module, limitsAt + 1);
  const descriptor: WebAssembly.MemoryDescriptor = flags === 1 ? { initial: minimum, maximum: readU32(module, afterMin)[0] } : { initial: minimum };

  const imports = all.find((s) => s.id === SECTION.import);
  if (imports && importsMemory(module, imports.payloadStart)) return undefined;
  const data = all.find((s) => s.id === SECTION.data);
  const image = new Uint8Array(minimum * PAGE);
  const touched = new Uint8Array(image.length / OS_PAGE);
  if (data && !paintSegments(module, data.payloadStart, image, touched)) return undefined;

  const entry = [...name(MEMORY_IMPORT.module), ...name(MEMORY_IMPORT.name), IMPORT_KIND.memory, ...(anySize ? [0x00, 0x00] : limits)];
  const parts: Uint8Array[] = [module.subarray(0, 8)];
  let importAdded = false;
  const addImport = (existing?: { payloadStart: number; end: number }) => {
    if (!existing) return parts.push(section(SECTION.import, [1, ...entry]));
    const [n, at] = readU32(module, existing.payloadStart);
    return parts.push(section(SECTION.import, [...writeU32(n + 1), ...module.subarray(at, existing.end), ...entry]));
  };
  for (const s of all) {
    // The import section comes right after the type section (id 1), before function and memory ones.
    if (!importAdded && s.id > SECTION.import && s.id !== 0) {
      addImport();
      importAdded = true;
    }
    if (s.id === SECTION.import) {
      addImport(s);
      importAdded = true;
    } else if (s.id !== SECTION.memory && s.id !== SECTION.data && s.id !== SECTION.dataCount) {
      parts.push(module.subarray(s.start, s.end));
    }
  }
  return { module: concat(parts), descriptor, image, written: ranges(touched) };
}

function name(text: string): number[] {
  const bytes = new TextEncoder().encode(text);
  return [...writeU32(bytes.length), ...bytes];
}

function importsMemory(module: Uint8Array, payloadStart: number): boolean {
  let [count, at] = readU32(module, payloadStart);
  for (; count > 0; count--) {
    for (let field = 0; field < 2; field++) {
      const [length, next] = readU32(module, at);
      at = next + length;
    }
    const kind = module[at++];
    if (kind === IMPORT_KIND.memory) return true;
    if (kind === IMPORT_KIND.function) at = readU32(module, at)[1];
    else if (kind === IMPORT_KIND.table) at = skipLimits(module, at + 1);
    else if (kind === IMPORT_KIND.global) at += 2;
    else if (kind === IMPORT_KIND.tag) at = readU32(module, at + 1)[1];
    else throw new WasmFormatError(`unknown import kind ${kind}`);
  }
  return false;
}

function skipLimits(module: Uint8Array, at: number): number {
  const flags = module[at]!;
  at = readU32(module, at + 1)[1];
  return flags & 1 ? readU32(module, at)[1] : at;
}

/** Writes the active data segments into `image`; false when one is not active at a constant offset inside it. */
function paintSegments(module: Uint8Array, payloadStart: number, image: Uint8Array, touched: Uint8Array): boolean {
  let [count, at] = readU32(module, payloadStart);
  for (; count > 0; count--) {
    if (module[at] !== 0 || module[at + 1] !== I32_CONST) return false;
    const [offset, afterOffset] = readS32(module, at + 2);
    if (module[afterOffset] !== END) return false;
    const [length, bytesAt] = readU32(module, afterOffset + 1);
    if (offset < 0 || offset + length > image.length) return false;
    image.set(module.subarray(bytesAt, bytesAt + length), offset);
    if (length > 0) touched.fill(1, Math.floor(offset / OS_PAGE), Math.floor((offset + length - 1) / OS_PAGE) + 1);
    at = bytesAt + length;
  }
  return true;
}

/** Runs of touched OS pages as byte ranges. */
function ranges(touched: Uint8Array): [number, number][] {
  const found: [number, number][] = [];
  for (let page = 0; page < touched.length; page++) {
    if (touched[page] === 0) continue;
    const last = found[found.length - 1];
    if (last && last[1] === page * OS_PAGE) last[1] += OS_PAGE;
    else found.push([page * OS_PAGE, (page + 1) * OS_PAGE]);
  }
  return found;
}
