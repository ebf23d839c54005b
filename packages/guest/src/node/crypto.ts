/**
 * node:crypto for the guest: randomness from the host's CSPRNG (the `random` grant; when it is denied every
 * function here throws, never returning predictable bytes) and hashing as pure compute (@noble/hashes).
 */
import { Buffer } from 'buffer';
import { fill } from 'isolate:guest/random';
import { hmac } from '@noble/hashes/hmac.js';
import { md5, ripemd160, sha1 } from '@noble/hashes/legacy.js';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { unavailableFunction } from '../denial.ts';

interface Updatable {
  update(bytes: Uint8Array): unknown;
  digest(): Uint8Array;
}
interface NobleHash {
  (message: Uint8Array): Uint8Array;
  create(): Updatable;
  outputLen: number;
  blockLen: number;
}
type BinaryLike = string | ArrayBufferView | ArrayBuffer;
type DigestEncoding = 'hex' | 'base64' | 'base64url' | 'latin1' | 'binary';

const HASHES: Record<string, NobleHash> = {
  md5,
  sha1,
  sha224,
  sha256,
  sha384,
  sha512,
  ripemd160,
  rmd160: ripemd160,
};

function hashNamed(algorithm: string): NobleHash {
  const hash = HASHES[algorithm.toLowerCase().replace(/-/g, '')];
  if (!hash) throw Object.assign(new Error(`Digest method not supported: ${algorithm}`), { code: 'ERR_CRYPTO_INVALID_DIGEST' });
  return hash;
}

function toBytes(data: BinaryLike, encoding?: BufferEncoding): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, encoding ?? 'utf8');
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function output(bytes: Uint8Array, encoding?: DigestEncoding): Buffer | string {
  const buffer = Buffer.from(bytes);
  return encoding ? buffer.toString(encoding) : buffer;
}

/** Hash and Hmac share Node's update/digest contract: update chains, digest may be called once. */
class Digest {
  private finished = false;
  constructor(private readonly state: Updatable) {}
  update(data: BinaryLike, encoding?: BufferEncoding): this {
    if (this.finished) throw Object.assign(new Error('Digest already called'), { code: 'ERR_CRYPTO_HASH_FINALIZED' });
    this.state.update(toBytes(data, encoding));
    return this;
  }
  digest(encoding?: DigestEncoding): Buffer | string {
    if (this.finished) throw Object.assign(new Error('Digest already called'), { code: 'ERR_CRYPTO_HASH_FINALIZED' });
    this.finished = true;
    return output(this.state.digest(), encoding);
  }
}

export class Hash extends Digest {}
export class Hmac extends Digest {}

export function createHash(algorithm: string): Hash {
  return new Hash(hashNamed(algorithm).create());
}

/** A key held by the guest. Only secret (symmetric) keys exist here: there is no asymmetric crypto in the guest. */
export class KeyObject {
  readonly #bytes: Uint8Array;
  readonly type = 'secret';
  constructor(type: string, bytes: Uint8Array) {
    if (type !== 'secret') throw Object.assign(new TypeError(`The argument 'type' is invalid. Received '${type}'`), { code: 'ERR_INVALID_ARG_VALUE' });
    this.#bytes = bytes;
  }
  get symmetricKeySize(): number {
    return this.#bytes.length;
  }
  export(options?: { format?: string }): Buffer | { kty: string; k: string } {
    if (options?.format === 'jwk') return { kty: 'oct', k: Buffer.from(this.#bytes).toString('base64url') };
    return Buffer.from(this.#bytes);
  }
  equals(other: KeyObject): boolean {
    return other instanceof KeyObject && timingSafeEqual(this.#bytes, other.export() as Buffer);
  }
}

/** crypto.createSecretKey(key[, encoding]): what jsonwebtoken turns an HMAC secret into. */
export function createSecretKey(key: BinaryLike, encoding?: BufferEncoding): KeyObject {
  return new KeyObject('secret', Uint8Array.from(toBytes(key, encoding)));
}

// Public and private keys need asymmetric crypto, which the guest does not have: they refuse when called (jwa
// and jsonwebtoken only test that these functions exist, then fall back to a secret key).
export const createPublicKey = unavailableFunction('unsupported', 'crypto.createPublicKey');
export const createPrivateKey = unavailableFunction('unsupported', 'crypto.createPrivateKey');

export function createHmac(algorithm: string, key: BinaryLike | KeyObject): Hmac {
  const bytes = key instanceof KeyObject ? (key.export() as Buffer) : toBytes(key);
  return new Hmac(hmac.create(hashNamed(algorithm) as typeof sha256, bytes));
}

/** crypto.hash(algorithm, data, encoding = 'hex') from Node 21.7. */
export function hash(algorithm: string, data: BinaryLike, encoding: DigestEncoding = 'hex'): Buffer | string {
  return output(hashNamed(algorithm)(toBytes(data)), encoding);
}

export function getHashes(): string[] {
  return Object.keys(HASHES);
}

export function pbkdf2Sync(password: BinaryLike, salt: BinaryLike, iterations: number, keylen: number, digest: string): Buffer {
  return Buffer.from(pbkdf2(hashNamed(digest) as typeof sha256, toBytes(password), toBytes(salt), { c: iterations, dkLen: keylen }));
}

// The host hands out at most 64 KiB per call.
const HOST_CHUNK = 65536;

export function randomFillSync<T extends ArrayBufferView>(target: T, offset = 0, size?: number): T {
  const view = new Uint8Array(target.buffer, target.byteOffset, target.byteLength);
  const end = size === undefined ? view.length : offset + size;
  for (let at = offset; at < end; at += HOST_CHUNK) view.set(fill(Math.min(HOST_CHUNK, end - at)), at);
  return target;
}

export function randomBytes(size: number, callback?: (error: Error | null, bytes?: Buffer) => void): Buffer | undefined {
  if (!callback) return randomFillSync(Buffer.alloc(size));
  let bytes: Buffer;
  try {
    bytes = randomFillSync(Buffer.alloc(size));
  } catch (error) {
    queueMicrotask(() => callback(error as Error));
    return undefined;
  }
  queueMicrotask(() => callback(null, bytes));
  return undefined;
}

/** A uniformly distributed integer in [min, max), by rejection sampling (no modulo bias). */
export function randomInt(min: number, max?: number): number {
  const [low, high] = max === undefined ? [0, min] : [min, max];
  const range = high - low;
  if (!Number.isSafeInteger(range) || range <= 0 || range > 2 ** 48) throw new RangeError(`randomInt: invalid range [${low}, ${high})`);
  const limit = Math.floor(2 ** 48 / range) * range;
  for (;;) {
    const b = fill(6);
    const value = b[0]! * 2 ** 40 + b[1]! * 2 ** 32 + ((b[2]! << 24) >>> 0) + (b[3]! << 16) + (b[4]! << 8) + b[5]!;
    if (value < limit) return low + (value % range);
  }
}

export function getRandomValues<T extends ArrayBufferView>(array: T): T {
  return globalThis.crypto.getRandomValues(array as unknown as Uint8Array) as unknown as T;
}

export function randomUUID(): string {
  return globalThis.crypto.randomUUID();
}

/** Compares in time independent of where the inputs differ. */
export function timingSafeEqual(a: ArrayBufferView, b: ArrayBufferView): boolean {
  const x = toBytes(a);
  const y = toBytes(b);
  if (x.length !== y.length) throw Object.assign(new RangeError('Input buffers must have the same byte length'), { code: 'ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH' });
  let difference = 0;
  for (let i = 0; i < x.length; i++) difference |= x[i]! ^ y[i]!;
  return difference === 0;
}

export const webcrypto = globalThis.crypto;
export const constants = {};

export default {
  createHash, createHmac, hash, getHashes, pbkdf2Sync, randomBytes, randomFillSync, randomInt, getRandomValues, randomUUID, timingSafeEqual,
  webcrypto, constants, Hash, Hmac, KeyObject, createSecretKey, createPublicKey, createPrivateKey,
};
