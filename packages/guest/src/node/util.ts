/**
 * node:util for the guest. inspect and format are Node's own code (node-inspect-extracted, Node's
 * lib/internal/util/inspect.js ported for the web), so `%o`, `%O`, `%j` and inspect print what Node prints.
 */
import { removeStandIns } from './inspect-globals.ts';
import * as extracted from 'node-inspect-extracted';
import { deepEqual } from './deep-equal.ts';
import types from './util-types.ts';

removeStandIns();
// The published build is minified: give the functions Node's names back (packages print and compare them).
for (const name of ['inspect', 'format', 'formatWithOptions', 'stripVTControlCharacters'] as const) Object.defineProperty(extracted[name], 'name', { value: name });
export const { inspect, format, formatWithOptions, stripVTControlCharacters } = extracted;

export function inherits(child: { prototype: object; super_?: unknown }, parent: { prototype: object }): void {
  if (child === undefined || child === null) throw new TypeError('The "ctor" argument must be of type function');
  if (parent === undefined || parent === null) throw new TypeError('The "superCtor" argument must be of type function');
  if (parent.prototype === undefined) throw new TypeError('The "superCtor.prototype" property must be of type object');
  Object.defineProperty(child, 'super_', { value: parent, writable: true, configurable: true });
  Object.setPrototypeOf(child.prototype, parent.prototype);
}

const kCustomPromisify = Symbol.for('nodejs.util.promisify.custom');

export function promisify(original: (...args: any[]) => void): (...args: unknown[]) => Promise<unknown> {
  if (typeof original !== 'function') throw new TypeError('The "original" argument must be of type function');
  const custom = (original as unknown as Record<symbol, unknown>)[kCustomPromisify];
  if (typeof custom === 'function') return custom as (...args: unknown[]) => Promise<unknown>;
  function fn(this: unknown, ...args: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => original.call(this, ...args, (error: unknown, value: unknown) => (error ? reject(error) : resolve(value))));
  }
  Object.setPrototypeOf(fn, Object.getPrototypeOf(original));
  Object.defineProperty(fn, kCustomPromisify, { value: fn, configurable: true });
  return Object.defineProperties(fn, Object.getOwnPropertyDescriptors(original));
}
promisify.custom = kCustomPromisify;

export function callbackify(original: (...args: unknown[]) => Promise<unknown>): (...args: unknown[]) => void {
  if (typeof original !== 'function') throw new TypeError('The "original" argument must be of type function');
  return function (this: unknown, ...args: unknown[]): void {
    const callback = args.pop() as (error: unknown, value?: unknown) => void;
    if (typeof callback !== 'function') throw new TypeError('The last argument must be of type function');
    original.apply(this, args).then(
      (value) => queueMicrotask(() => callback(null, value)),
      (reason) => queueMicrotask(() => callback(reason || Object.assign(new Error('Promise was rejected with a falsy value'), { reason }))),
    );
  };
}

export function deprecate<F extends (...args: any[]) => unknown>(fn: F, message: string, code?: string): F {
  let warned = false;
  return function (this: unknown, ...args: unknown[]) {
    if (!warned) {
      warned = true;
      (globalThis as unknown as { process?: { emitWarning?: (m: string, t: string, c?: string) => void } }).process?.emitWarning?.(message, 'DeprecationWarning', code);
    }
    return new.target ? Reflect.construct(fn, args, new.target) : fn.apply(this, args);
  } as F;
}

/** A package's debug log: NODE_DEBUG is never set inside a component, so it is always off. */
export function debuglog(_section: string): ((...args: unknown[]) => void) & { enabled: boolean } {
  return Object.assign(() => {}, { enabled: false });
}
export const debug = debuglog;

export { types };
export const isDeepStrictEqual = (a: unknown, b: unknown): boolean => deepEqual(a, b, true);
export const TextEncoder = globalThis.TextEncoder;
export const TextDecoder = globalThis.TextDecoder;
export const toUSVString = (value: unknown): string => String(value).replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
export function _extend(target: Record<string, unknown>, source: unknown): Record<string, unknown> {
  if (source === null || typeof source !== 'object') return target;
  return Object.assign(target, source);
}
export const aborted = (signal: AbortSignal, _resource: unknown): Promise<void> =>
  new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));

// The legacy type checks Node still exports (deprecated, but older packages call them).
export const isArray = Array.isArray;
export const isBoolean = (v: unknown): boolean => typeof v === 'boolean';
export const isBuffer = (v: unknown): boolean => (globalThis as unknown as { Buffer: { isBuffer(v: unknown): boolean } }).Buffer.isBuffer(v);
export const isDate = (v: unknown): boolean => v instanceof Date;
export const isError = (v: unknown): boolean => v instanceof Error;
export const isFunction = (v: unknown): boolean => typeof v === 'function';
export const isNull = (v: unknown): boolean => v === null;
export const isNullOrUndefined = (v: unknown): boolean => v === null || v === undefined;
export const isNumber = (v: unknown): boolean => typeof v === 'number';
export const isObject = (v: unknown): boolean => v !== null && typeof v === 'object';
export const isPrimitive = (v: unknown): boolean => v === null || (typeof v !== 'object' && typeof v !== 'function');
export const isRegExp = (v: unknown): boolean => v instanceof RegExp;
export const isString = (v: unknown): boolean => typeof v === 'string';
export const isSymbol = (v: unknown): boolean => typeof v === 'symbol';
export const isUndefined = (v: unknown): boolean => v === undefined;
export const log = (...args: unknown[]): void => console.log('%s - %s', new Date().toString(), format(...args));

export default {
  inspect, format, formatWithOptions, stripVTControlCharacters, inherits, promisify, callbackify, deprecate, debuglog, debug, types, isDeepStrictEqual,
  TextEncoder, TextDecoder, toUSVString, _extend, aborted, isArray, isBoolean, isBuffer, isDate, isError, isFunction, isNull, isNullOrUndefined, isNumber,
  isObject, isPrimitive, isRegExp, isString, isSymbol, isUndefined, log,
};
