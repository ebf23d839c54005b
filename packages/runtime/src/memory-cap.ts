/**
 * Caps the linear memory a core wasm module may grow to, by writing a maximum into its memory
 * section. Growing past it then fails inside the guest (the engine reports out of memory and the
 * instance traps), whatever the guest does: the limit is enforced by the wasm engine itself.
 */
const PAGE = 64 * 1024;
const MEMORY_SECTION = 5;

export class MemoryCapError extends Error {
  readonly code = 'ERR_ISOLATE_MEMORY_CAP';
}

function readU32(bytes: Uint8Array, offset: number): [value: number, next: number] {
  let result = 0;
  let shift = 0;
  for (let i = offset; ; i++) {
    const byte = bytes[i];
    if (byte === undefined) throw new MemoryCapError('truncated wasm module');
    result |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result >>> 0, i + 1];
    shift += 7;
  }
}

function writeU32(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

/** Returns a copy of `module` whose defined memories may not grow beyond `megabytes`. */
export function capMemory(module: Uint8Array, megabytes: number): Uint8Array {
  const capPages = Math.floor((megabytes * 1024 * 1024) / PAGE);
  const parts: Uint8Array[] = [module.subarray(0, 8)];
  let offset = 8;
  while (offset < module.length) {
    const id = module[offset]!;
    const [size, payloadStart] = readU32(module, offset + 1);
    const payloadEnd = payloadStart + size;
    if (id !== MEMORY_SECTION) {
      parts.push(module.subarray(offset, payloadEnd));
    } else {
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
      parts.push(Uint8Array.from([id, ...writeU32(payload.length), ...payload]));
    }
    offset = payloadEnd;
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
