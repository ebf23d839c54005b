/**
 * node:fs for the guest, over the host's isolate:guest/fs interface. The host applies the policy's
 * read and write globs to every call; refusals and missing files come back as Node-shaped errors.
 */
import { Buffer } from 'buffer';
import * as host from 'isolate:guest/fs';
import { hostError, isDenial, LOG_ONLY } from '../denial.ts';
import stream from './stream.ts';

type Encoding = BufferEncoding | null | undefined;
type PathLike = string | URL | Buffer;

function toPath(path: PathLike): string {
  if (typeof path === 'string') return path;
  if (path instanceof URL) return decodeURIComponent(path.pathname);
  return path.toString();
}

function encodingOf(options: unknown): Encoding {
  if (typeof options === 'string') return options as BufferEncoding;
  return (options as { encoding?: Encoding } | undefined)?.encoding ?? null;
}

/** Runs a host call; under "onViolation": "log" a refusal becomes `logValue()` (a missing file, a dropped write). */
function viaHost<T>(operation: () => T, logValue?: () => T): T {
  try {
    return operation();
  } catch (error) {
    const mapped = hostError(error);
    if (LOG_ONLY && logValue && isDenial(mapped)) return logValue();
    throw mapped;
  }
}

/** What a refused read looks like under "onViolation": "log": the file is simply not there. */
function missing(syscall: string, path: string): never {
  throw Object.assign(new Error(`ENOENT: no such file or directory, ${syscall} '${path}'`), { code: 'ENOENT', errno: -2, syscall, path });
}

class Stats {
  dev = 0; ino = 0; mode = 0; nlink = 1; uid = 0; gid = 0; size = 0;
  atimeMs = 0; mtimeMs = 0; ctimeMs = 0; birthtimeMs = 0;
  private kind = 'file';
  constructor(record: Record<string, unknown>) {
    Object.assign(this, record);
  }
  get atime(): Date { return new Date(this.atimeMs); }
  get mtime(): Date { return new Date(this.mtimeMs); }
  get ctime(): Date { return new Date(this.ctimeMs); }
  get birthtime(): Date { return new Date(this.birthtimeMs); }
  isFile(): boolean { return this.kind === 'file'; }
  isDirectory(): boolean { return this.kind === 'directory'; }
  isSymbolicLink(): boolean { return this.kind === 'symlink'; }
  isFIFO(): boolean { return false; }
  isSocket(): boolean { return false; }
  isBlockDevice(): boolean { return false; }
  isCharacterDevice(): boolean { return false; }
}

export function readFileSync(path: PathLike, options?: unknown): string | Buffer {
  const bytes = viaHost(() => host.readFile(toPath(path)), () => missing('open', toPath(path)));
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const encoding = encodingOf(options);
  return encoding ? buffer.toString(encoding) : buffer;
}

function toBytes(data: unknown, options: unknown): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, encodingOf(options) ?? 'utf8');
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(String(data));
}

export function writeFileSync(path: PathLike, data: unknown, options?: unknown): void {
  const append = (options as { flag?: string } | undefined)?.flag?.startsWith('a') ?? false;
  viaHost(() => host.writeFile(toPath(path), toBytes(data, options), append), () => undefined);
}

export function appendFileSync(path: PathLike, data: unknown, options?: unknown): void {
  viaHost(() => host.writeFile(toPath(path), toBytes(data, options), true), () => undefined);
}

export function statSync(path: PathLike, options?: { throwIfNoEntry?: boolean }): Stats | undefined {
  try {
    return new Stats(JSON.parse(viaHost(() => host.stat(toPath(path)), () => missing('stat', toPath(path)))));
  } catch (error) {
    if (options?.throwIfNoEntry === false && (error as { code?: string }).code === 'ENOENT') return undefined;
    throw error;
  }
}
export const lstatSync = statSync;

export function existsSync(path: PathLike): boolean {
  try {
    viaHost(() => host.stat(toPath(path)));
    return true;
  } catch {
    return false;
  }
}

export function readdirSync(path: PathLike, options?: { withFileTypes?: boolean }): unknown[] {
  const names = viaHost(() => host.readdir(toPath(path)), () => missing('scandir', toPath(path)));
  if (!options?.withFileTypes) return names;
  const base = toPath(path).replace(/\/$/, '');
  return names.map((name) => Object.assign(statSync(`${base}/${name}`) as Stats, { name, parentPath: base, path: base }));
}

export function mkdirSync(path: PathLike, options?: { recursive?: boolean } | number): undefined {
  viaHost(() => host.mkdir(toPath(path), typeof options === 'object' && options.recursive === true), () => undefined);
  return undefined;
}

export function rmSync(path: PathLike, options?: { recursive?: boolean; force?: boolean }): void {
  try {
    viaHost(() => host.rm(toPath(path), options?.recursive === true), () => undefined);
  } catch (error) {
    if (options?.force && (error as { code?: string }).code === 'ENOENT') return;
    throw error;
  }
}
export const unlinkSync = (path: PathLike): void => rmSync(path);
export const rmdirSync = (path: PathLike, options?: { recursive?: boolean }): void => rmSync(path, options);

/** Copies through the guest (read, then write): both paths are checked against the grant. */
export function copyFileSync(source: PathLike, destination: PathLike): void {
  writeFileSync(destination, readFileSync(source));
}

/** No rename on the host interface: copy, then remove (not atomic); both paths need fs.write. */
export function renameSync(from: PathLike, to: PathLike): void {
  const data = readFileSync(from);
  writeFileSync(to, data);
  rmSync(from);
}

export function mkdtempSync(prefix: string): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const suffix = Array.from(globalThis.crypto.getRandomValues(new Uint8Array(6)), (b) => alphabet[b % alphabet.length]).join('');
  mkdirSync(`${prefix}${suffix}`);
  return `${prefix}${suffix}`;
}

export function realpathSync(path: PathLike): string {
  statSync(path);
  return toPath(path);
}
realpathSync.native = realpathSync;

export function accessSync(path: PathLike): void {
  statSync(path);
}

const sync = { readFileSync, writeFileSync, appendFileSync, statSync, lstatSync, existsSync, readdirSync, mkdirSync, rmSync, unlinkSync, rmdirSync, realpathSync, accessSync, copyFileSync, renameSync, mkdtempSync };

type Callback = (error: unknown, value?: unknown) => void;

/** Node's callback form of a sync function: the callback runs on a later tick, as in Node. */
function callbackForm(fn: (...args: any[]) => unknown) {
  return (...args: unknown[]) => {
    const callback = args.pop() as Callback;
    let result: unknown;
    try {
      result = fn(...args);
    } catch (error) {
      queueMicrotask(() => callback(error));
      return;
    }
    queueMicrotask(() => callback(null, result));
  };
}

function promiseForm(fn: (...args: any[]) => unknown) {
  return async (...args: unknown[]) => fn(...args);
}

export const readFile = callbackForm(readFileSync);
export const writeFile = callbackForm(writeFileSync);
export const appendFile = callbackForm(appendFileSync);
export const stat = callbackForm(statSync);
export const lstat = callbackForm(lstatSync);
export const readdir = callbackForm(readdirSync);
export const mkdir = callbackForm(mkdirSync);
export const rm = callbackForm(rmSync);
export const unlink = callbackForm(unlinkSync);
export const realpath = callbackForm(realpathSync);
export const access = callbackForm(accessSync);
export const copyFile = callbackForm(copyFileSync);
export const rename = callbackForm(renameSync);
export const mkdtemp = callbackForm(mkdtempSync);
export function exists(path: PathLike, callback: (exists: boolean) => void): void {
  const result = existsSync(path);
  queueMicrotask(() => callback(result));
}

export const promises = {
  readFile: promiseForm(readFileSync),
  writeFile: promiseForm(writeFileSync),
  appendFile: promiseForm(appendFileSync),
  stat: promiseForm(statSync),
  lstat: promiseForm(lstatSync),
  readdir: promiseForm(readdirSync),
  mkdir: promiseForm(mkdirSync),
  rm: promiseForm(rmSync),
  unlink: promiseForm(unlinkSync),
  realpath: promiseForm(realpathSync),
  access: promiseForm(accessSync),
  copyFile: promiseForm(copyFileSync),
  rename: promiseForm(renameSync),
  mkdtemp: promiseForm(mkdtempSync),
};

/** The classes of the streams below, for `instanceof` (the destroy package checks `stream instanceof fs.ReadStream`). */
export class ReadStream extends stream.Readable {
  path = '';
}
export class WriteStream extends stream.Writable {
  path = '';
}

/** Reads the file on the first read (the host hands whole files over), then streams it in chunks. */
export function createReadStream(path: PathLike, options?: BufferEncoding | { encoding?: BufferEncoding; start?: number; end?: number; highWaterMark?: number }) {
  const settings = typeof options === 'string' ? { encoding: options } : options ?? {};
  const chunkSize = settings.highWaterMark ?? 64 * 1024;
  let data: Buffer | undefined;
  let offset = 0;
  const readable = new ReadStream({
    encoding: settings.encoding,
    read() {
      try {
        data ??= (readFileSync(path) as Buffer).subarray(settings.start ?? 0, settings.end === undefined ? undefined : settings.end + 1);
      } catch (error) {
        this.destroy(error as Error);
        return;
      }
      const chunk = data.subarray(offset, offset + chunkSize);
      offset += chunk.length;
      this.push(chunk.length > 0 ? chunk : null);
    },
  });
  return Object.assign(readable, { path: toPath(path) });
}

/** Each write goes to the host as an append; the file is truncated (or created) first unless flags say append. */
export function createWriteStream(path: PathLike, options?: BufferEncoding | { flags?: string; encoding?: BufferEncoding }) {
  const settings = typeof options === 'string' ? { encoding: options } : options ?? {};
  let opened = false;
  const writable = new WriteStream({
    write(chunk: Buffer, _encoding, callback) {
      try {
        if (!opened && !settings.flags?.startsWith('a')) writeFileSync(path, '');
        opened = true;
        appendFileSync(path, chunk);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
  return Object.assign(writable, { path: toPath(path) });
}

export const constants = { F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1, O_RDONLY: 0, O_WRONLY: 1, O_RDWR: 2 };

export default { ...sync, ReadStream, WriteStream, createReadStream, createWriteStream, readFile, writeFile, appendFile, stat, lstat, readdir, mkdir, rm, unlink, realpath, access, copyFile, rename, mkdtemp, exists, promises, constants };
