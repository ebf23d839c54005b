/**
 * A core module shipped as its two parts (docs/engine-sharing.md): the engine, one file per distinct engine
 * in `engines/<id>.wasm` next to the component folders, and per package `<file>.image` with its memory
 * snapshot. Packages of one world then add only their image to the output (about 2 MB compressed instead of
 * a 14–18 MB core module).
 *
 * Image file: u32 (little-endian) length of a JSON header, the header, then the brotli-compressed bytes of
 * the written ranges in order.
 */
import path from 'node:path';
import { brotliCompressSync, brotliDecompress, brotliDecompressSync, constants, type BrotliOptions } from 'node:zlib';
import { engineIdOf } from './engine-id.ts';
import type { MemoryContents } from './memory-recycler.ts';
import { snapshotMemory } from './memory-snapshot.ts';
import { readTransient, readTransientAgain, readTransientAsync, TRANSIENT_BYTES } from './transient-buffer.ts';

export const ENGINES_DIR = 'engines';
export const IMAGE_SUFFIX = '.image';
const PAGE = 64 * 1024;

interface ImageHeader {
  engine: string;
  /** Initial size in wasm pages. */
  initial: number;
  written: [start: number, end: number][];
}

export interface PackedCore {
  engineId: string;
  /** The engine: the module with its memory imported and no data (the same bytes for every package of its world). */
  engine: Uint8Array;
  image: Uint8Array;
}

/** Splits a core module the compiler named an engine for; undefined for any other. */
export function packCore(module: Uint8Array): PackedCore | undefined {
  const engineId = engineIdOf(module);
  const snapshot = engineId === undefined ? undefined : snapshotMemory(module, { anySize: true });
  if (!engineId || !snapshot) return undefined;
  const header: ImageHeader = { engine: engineId, initial: snapshot.descriptor.initial, written: snapshot.written };
  const written = Buffer.concat(snapshot.written.map(([start, end]) => snapshot.image.subarray(start, end)));
  const compressed = brotliCompressSync(written, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: written.length } });
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  return { engineId, engine: snapshot.module, image: Buffer.concat([length, json, compressed]) };
}

/** The engine file for `engineId`, relative to a component folder. */
export function engineFile(dir: string, engineId: string): string {
  return path.join(dir, '..', ENGINES_DIR, `${engineId}.wasm`);
}

type UnpackedImage = MemoryContents & {
  engineId: string;
  /**
   * The same contents again, read and decompressed from the same file: nothing of the image is kept meanwhile
   * (its compressed bytes would be 2 to 4 MB per package). Throws if the file was replaced or changed since.
   */
  unpackAgain(): MemoryContents;
};

/** The memory contents of a packed image, with the memory cap of `memoryMb` (as capMemory would set it). */
export function unpackImage(dir: string, file: string, memoryMb: number | undefined): UnpackedImage {
  const imageFile = path.join(dir, file + IMAGE_SUFFIX);
  const { bytes, identity } = readTransient(imageFile);
  const { header, body } = readHeader(bytes);
  return unpacked(imageFile, identity, header, brotliDecompressSync(body, decompressOptions(header)), memoryMb);
}

/**
 * unpackImage with the file read and the image decompressed on libuv's thread pool (40 to 90 ms of brotli
 * per package here), for preparing a package ahead of its first call.
 */
export async function unpackImageAsync(dir: string, file: string, memoryMb: number | undefined): Promise<UnpackedImage> {
  const imageFile = path.join(dir, file + IMAGE_SUFFIX);
  const { bytes, identity } = await readTransientAsync(imageFile);
  const { header, body } = readHeader(bytes);
  return unpacked(imageFile, identity, header, await brotliDecompressAsync(body, decompressOptions(header)), memoryMb);
}

function unpacked(imageFile: string, identity: string, header: ImageHeader, packed: Uint8Array, memoryMb: number | undefined): UnpackedImage {
  const unpackAgain = (): MemoryContents => contentsOf(header, brotliDecompressSync(readHeader(readTransientAgain(imageFile, identity)).body, decompressOptions(header)), memoryMb);
  return { ...contentsOf(header, packed, memoryMb), unpackAgain };
}

/**
 * The whole image in one output buffer, larger than the header says it is (a buffer filled exactly makes zlib
 * allocate another), and transient (transient-buffer.ts). With zlib's default 16 KB chunks, the chunks and
 * the buffer they are then joined into held twice the image at once.
 */
function decompressOptions(header: ImageHeader): BrotliOptions {
  return { chunkSize: Math.max(TRANSIENT_BYTES, writtenLength(header) + 1) };
}

function writtenLength(header: ImageHeader): number {
  return header.written.reduce((sum, [start, end]) => sum + end - start, 0);
}

function contentsOf(header: ImageHeader, packed: Uint8Array, memoryMb: number | undefined): MemoryContents & { engineId: string } {
  const length = writtenLength(header);
  if (packed.byteLength !== length || header.written.some(([start, end]) => !(start < end && end <= header.initial * PAGE))) {
    throw new Error(`isolate-deps: a packed memory image's ranges do not match its ${packed.byteLength} bytes`);
  }
  const capPages = memoryMb === undefined ? undefined : Math.floor((memoryMb * 1024 * 1024) / PAGE);
  if (capPages !== undefined && capPages < header.initial) {
    throw new Error(`isolate-deps: limits.memoryMb (${memoryMb}) is below the component's initial memory (${Math.ceil((header.initial * PAGE) / 1048576)} MB)`);
  }
  const descriptor: WebAssembly.MemoryDescriptor = capPages === undefined ? { initial: header.initial } : { initial: header.initial, maximum: capPages };
  return { engineId: header.engine, descriptor, written: header.written, packed };
}

const ENGINE_ID = /^[0-9a-f]{64}$/;

function readHeader(file: Uint8Array): { header: ImageHeader; body: Uint8Array } {
  const length = Buffer.from(file.buffer, file.byteOffset, file.byteLength).readUInt32LE(0);
  const header = JSON.parse(new TextDecoder().decode(file.subarray(4, 4 + length))) as ImageHeader;
  // The id names a file: nothing but a hex digest may reach the path.
  if (!ENGINE_ID.test(String(header.engine))) throw new Error(`isolate-deps: a packed memory image names an invalid engine id ${JSON.stringify(String(header.engine).slice(0, 80))}`);
  return { header, body: file.subarray(4 + length) };
}

// Not util.promisify at load: the browser runtime bundles this module with Node built-ins as stand-ins that throw when called.
function brotliDecompressAsync(body: Uint8Array, options: BrotliOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => brotliDecompress(body, options, (error, result) => (error ? reject(error) : resolve(result))));
}
