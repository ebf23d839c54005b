/**
 * Caps the linear memory a core wasm module may grow to, by writing a maximum into its memory
 * section. Growing past it then fails inside the guest (the engine reports out of memory and the
 * instance traps), whatever the guest does: the limit is enforced by the wasm engine itself.
 */
import { concat, readU32, section, sections, SECTION, writeU32 } from './wasm-binary.ts';

const PAGE = 64 * 1024;

export class MemoryCapError extends Error {
  readonly code = 'ERR_ISOLATE_MEMORY_CAP';
}

/** Returns a copy of `module` whose defined memories may not grow beyond `megabytes`. */
export function capMemory(module: Uint8Array, megabytes: number): Uint8Array {
  const capPages = Math.floor((megabytes * 1024 * 1024) / PAGE);
  const parts: Uint8Array[] = [module.subarray(0, 8)];
  for (const { id, start, payloadStart, end } of sections(module)) {
    if (id !== SECTION.memory) {
      parts.push(module.subarray(start, end));
      continue;
    }
    let [count, at] = readU32(module, payloadStart);
    const payload: number[] = writeU32(count);
    for (; count > 0; count--) {
      const flags = module[at++]!;
      if (flags > 1) throw new MemoryCapError('shared or 64-bit memories are not supported by limits.memoryMb');
      let min: number;
      [min, at] = readU32(module, at);
      let max = capPages;
      if (flags === 1) {
        let declared: number;
        [declared, at] = readU32(module, at);
        max = Math.min(declared, capPages);
      }
      if (min > max) throw new MemoryCapError(`limits.memoryMb (${megabytes}) is below the component's initial memory (${Math.ceil((min * PAGE) / 1048576)} MB)`);
      payload.push(1, ...writeU32(min), ...writeU32(max));
    }
    parts.push(section(SECTION.memory, payload));
  }
  return concat(parts);
}
