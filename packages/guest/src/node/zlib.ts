/**
 * node:zlib over pako 2 (zlib's deflate and inflate ported to JavaScript by the nodeca team): the sync,
 * callback and stream APIs for deflate, inflate, gzip, gunzip, raw and unzip. Brotli has no port here and
 * refuses when used. Compressed bytes may differ from Node's (Node's zlib is Chromium's, with other match
 * heuristics); what they decompress to is the same, and each side reads the other's output.
 */
import { Buffer } from 'buffer';
import { Deflate as PakoDeflate, Inflate as PakoInflate } from 'pako';
import { unavailableFunction } from '../denial.ts';
import Stream from './stream.ts';
import { constants } from './zlib-constants.ts';

type Input = string | ArrayBuffer | ArrayBufferView;
type Options = { level?: number; windowBits?: number; memLevel?: number; strategy?: number; dictionary?: Input; chunkSize?: number; info?: boolean };
type Mode = 'deflate' | 'inflate' | 'gzip' | 'gunzip' | 'deflateRaw' | 'inflateRaw' | 'unzip';
type Engine = { push(data: Uint8Array, finish: boolean): boolean; onData(chunk: Uint8Array): void; err: number; msg: string };

const CODES: Record<number, string> = { 2: 'Z_NEED_DICT', [-2]: 'Z_STREAM_ERROR', [-3]: 'Z_DATA_ERROR', [-4]: 'Z_MEM_ERROR', [-5]: 'Z_BUF_ERROR', [-6]: 'Z_VERSION_ERROR' };
const codes = Object.freeze({ Z_OK: 0, Z_STREAM_END: 1, Z_NEED_DICT: 2, Z_ERRNO: -1, Z_STREAM_ERROR: -2, Z_DATA_ERROR: -3, Z_MEM_ERROR: -4, Z_BUF_ERROR: -5, Z_VERSION_ERROR: -6, ...Object.fromEntries(Object.entries(CODES).map(([n, c]) => [n, c])), 0: 'Z_OK', 1: 'Z_STREAM_END', [-1]: 'Z_ERRNO' });

function bytes(input: Input): Uint8Array {
  if (typeof input === 'string') return Buffer.from(input);
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw Object.assign(new TypeError('The "buffer" argument must be of type string or an instance of Buffer, TypedArray, DataView, or ArrayBuffer.'), { code: 'ERR_INVALID_ARG_TYPE' });
}

function engineFor(mode: Mode, options: Options = {}): Engine {
  const dictionary = options.dictionary === undefined ? undefined : bytes(options.dictionary);
  const common = { chunkSize: options.chunkSize ?? 16 * 1024, ...(dictionary ? { dictionary } : {}) };
  if (mode === 'deflate' || mode === 'gzip' || mode === 'deflateRaw') {
    return new PakoDeflate({ ...common, level: options.level ?? -1, windowBits: options.windowBits ?? 15, memLevel: options.memLevel ?? 8, strategy: options.strategy ?? 0, gzip: mode === 'gzip', raw: mode === 'deflateRaw' }) as unknown as Engine;
  }
  // pako detects a zlib or gzip header by itself (windowBits + 32), as Node's unzip does.
  const windowBits = mode === 'inflateRaw' ? -(options.windowBits ?? 15) : (options.windowBits ?? 15) + (mode === 'unzip' || mode === 'gunzip' ? 32 : 0);
  return new PakoInflate({ ...common, windowBits }) as unknown as Engine;
}

function zlibError(engine: Engine): Error {
  const code = CODES[engine.err] ?? 'Z_DATA_ERROR';
  return Object.assign(new Error(engine.msg || 'zlib error'), { errno: engine.err, code });
}

function runSync(mode: Mode, input: Input, options?: Options): Buffer {
  const engine = engineFor(mode, options);
  const chunks: Uint8Array[] = [];
  engine.onData = (chunk) => chunks.push(chunk);
  engine.push(bytes(input), true);
  if (engine.err) throw zlibError(engine);
  if (mode !== 'deflate' && mode !== 'gzip' && mode !== 'deflateRaw' && chunks.length === 0 && bytes(input).length === 0) {
    throw Object.assign(new Error('unexpected end of file'), { errno: -5, code: 'Z_BUF_ERROR' });
  }
  return Buffer.concat(chunks.map((chunk) => Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
}

type Callback = (error: Error | null, result?: Buffer) => void;
function runAsync(mode: Mode, input: Input, optionsOrCallback: Options | Callback | undefined, callback?: Callback): void {
  const done = (typeof optionsOrCallback === 'function' ? optionsOrCallback : callback)!;
  if (typeof done !== 'function') throw Object.assign(new TypeError('The "callback" argument must be of type function'), { code: 'ERR_INVALID_ARG_TYPE' });
  const options = typeof optionsOrCallback === 'object' ? optionsOrCallback : undefined;
  setTimeout(() => {
    let result: Buffer;
    try {
      result = runSync(mode, input, options);
    } catch (error) {
      done(error as Error);
      return;
    }
    done(null, result);
  }, 0);
}

/** The stream form: a Transform whose output is the engine's. */
class Zlib extends Stream.Transform {
  readonly #engine: Engine;
  bytesWritten = 0;
  constructor(mode: Mode, options?: Options) {
    super();
    this.#engine = engineFor(mode, options);
    this.#engine.onData = (chunk) => this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  override _transform(chunk: unknown, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const data = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : bytes(chunk as Input);
    this.bytesWritten += data.length;
    this.#engine.push(data, false);
    callback(this.#engine.err ? zlibError(this.#engine) : null);
  }
  override _flush(callback: (error?: Error | null) => void): void {
    this.#engine.push(new Uint8Array(0), true);
    callback(this.#engine.err ? zlibError(this.#engine) : null);
  }
  close(callback?: () => void): void {
    if (callback) queueMicrotask(callback);
    this.destroy();
  }
}

export class Deflate extends Zlib { constructor(options?: Options) { super('deflate', options); } }
export class Inflate extends Zlib { constructor(options?: Options) { super('inflate', options); } }
export class Gzip extends Zlib { constructor(options?: Options) { super('gzip', options); } }
export class Gunzip extends Zlib { constructor(options?: Options) { super('gunzip', options); } }
export class DeflateRaw extends Zlib { constructor(options?: Options) { super('deflateRaw', options); } }
export class InflateRaw extends Zlib { constructor(options?: Options) { super('inflateRaw', options); } }
export class Unzip extends Zlib { constructor(options?: Options) { super('unzip', options); } }

export const deflateSync = (input: Input, options?: Options) => runSync('deflate', input, options);
export const inflateSync = (input: Input, options?: Options) => runSync('inflate', input, options);
export const gzipSync = (input: Input, options?: Options) => runSync('gzip', input, options);
export const gunzipSync = (input: Input, options?: Options) => runSync('gunzip', input, options);
export const deflateRawSync = (input: Input, options?: Options) => runSync('deflateRaw', input, options);
export const inflateRawSync = (input: Input, options?: Options) => runSync('inflateRaw', input, options);
export const unzipSync = (input: Input, options?: Options) => runSync('unzip', input, options);
export const deflate = (input: Input, options?: Options | Callback, callback?: Callback) => runAsync('deflate', input, options, callback);
export const inflate = (input: Input, options?: Options | Callback, callback?: Callback) => runAsync('inflate', input, options, callback);
export const gzip = (input: Input, options?: Options | Callback, callback?: Callback) => runAsync('gzip', input, options, callback);
export const gunzip = (input: Input, options?: Options | Callback, callback?: Callback) => runAsync('gunzip', input, options, callback);
export const deflateRaw = (input: Input, options?: Options | Callback, callback?: Callback) => runAsync('deflateRaw', input, options, callback);
export const inflateRaw = (input: Input, options?: Options | Callback, callback?: Callback) => runAsync('inflateRaw', input, options, callback);
export const unzip = (input: Input, options?: Options | Callback, callback?: Callback) => runAsync('unzip', input, options, callback);
export const createDeflate = (options?: Options) => new Deflate(options);
export const createInflate = (options?: Options) => new Inflate(options);
export const createGzip = (options?: Options) => new Gzip(options);
export const createGunzip = (options?: Options) => new Gunzip(options);
export const createDeflateRaw = (options?: Options) => new DeflateRaw(options);
export const createInflateRaw = (options?: Options) => new InflateRaw(options);
export const createUnzip = (options?: Options) => new Unzip(options);

function crc32(data: Input, value = 0): number {
  let crc = ~value >>> 0;
  for (const byte of bytes(data)) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

// Named and sized as Node's, so only a call tells them apart.
const brotli = (name: string, length: number) =>
  Object.defineProperties(unavailableFunction('unsupported', `zlib.${name} (brotli)`), { name: { value: name }, length: { value: length } });
export const BrotliCompress = brotli('BrotliCompress', 1);
export const BrotliDecompress = brotli('BrotliDecompress', 1);
export const brotliCompress = brotli('brotliCompress', 3);
export const brotliCompressSync = brotli('brotliCompressSync', 2);
export const brotliDecompress = brotli('brotliDecompress', 3);
export const brotliDecompressSync = brotli('brotliDecompressSync', 2);
export const createBrotliCompress = brotli('createBrotliCompress', 1);
export const createBrotliDecompress = brotli('createBrotliDecompress', 1);

// The legacy top-level names (Z_NO_FLUSH, DEFLATE, ZLIB_VERNUM...) Node still defines, non-enumerable as there.
const zlib = {
  crc32, Deflate, Inflate, Gzip, Gunzip, DeflateRaw, InflateRaw, Unzip, BrotliCompress, BrotliDecompress, deflate, deflateSync, gzip, gzipSync, deflateRaw,
  deflateRawSync, unzip, unzipSync, inflate, inflateSync, gunzip, gunzipSync, inflateRaw, inflateRawSync, brotliCompress, brotliCompressSync, brotliDecompress,
  brotliDecompressSync, createDeflate, createInflate, createDeflateRaw, createInflateRaw, createGzip, createGunzip, createUnzip, createBrotliCompress,
  createBrotliDecompress, constants, codes,
};
const legacy = Object.entries(constants).filter(([key]) => key.startsWith('Z_') || ['ZLIB_VERNUM', 'DEFLATE', 'INFLATE', 'GZIP', 'GUNZIP', 'DEFLATERAW', 'INFLATERAW', 'UNZIP'].includes(key));
for (const [key, value] of legacy) Object.defineProperty(zlib, key, { value, enumerable: false, writable: false });

export { crc32, constants, codes };
export default zlib;
