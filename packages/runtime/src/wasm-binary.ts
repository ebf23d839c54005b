/** The few pieces of the WebAssembly binary format the runtime rewrites (LEB128 and sections). */
export class WasmFormatError extends Error {
  readonly code = 'ERR_ISOLATE_WASM_FORMAT';
}

export const SECTION = { import: 2, memory: 5, data: 11, dataCount: 12 } as const;

/** An unsigned LEB128 number at `offset`, and the offset after it. */
export function readU32(bytes: Uint8Array, offset: number): [value: number, next: number] {
  return readLeb128(bytes, offset, false);
}

/** A signed LEB128 32-bit number at `offset`, and the offset after it. */
export function readS32(bytes: Uint8Array, offset: number): [value: number, next: number] {
  return readLeb128(bytes, offset, true);
}

function readLeb128(bytes: Uint8Array, offset: number, signed: boolean): [value: number, next: number] {
  let result = 0;
  let shift = 0;
  for (let i = offset; ; i++) {
    const byte = bytes[i];
    if (byte === undefined) throw new WasmFormatError('truncated wasm module');
    result |= (byte & 0x7f) << shift;
    shift += 7;
    if ((byte & 0x80) !== 0) continue;
    // A signed number's last byte carries its sign in bit 6: extend it over the bits not read.
    if (signed) return [shift < 32 && (byte & 0x40) !== 0 ? result | (~0 << shift) : result, i + 1];
    return [result >>> 0, i + 1];
  }
}

export function writeU32(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

export interface Section {
  id: number;
  /** The whole section, header included. */
  start: number;
  payloadStart: number;
  end: number;
}

/** The module's sections in order. */
export function sections(module: Uint8Array): Section[] {
  const found: Section[] = [];
  let offset = 8;
  while (offset < module.length) {
    const id = module[offset]!;
    const [size, payloadStart] = readU32(module, offset + 1);
    found.push({ id, start: offset, payloadStart, end: payloadStart + size });
    offset = payloadStart + size;
  }
  return found;
}

/** A section with the given payload. */
export function section(id: number, payload: ArrayLike<number>): Uint8Array {
  const header = [id, ...writeU32(payload.length)];
  const out = new Uint8Array(header.length + payload.length);
  out.set(header);
  out.set(payload, header.length);
  return out;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
