/** The commonly used part of node:util, implemented for the guest. */
import { deepEqual } from './deep-equal.ts';

export function inspect(value: unknown, _options?: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'function') return `[Function: ${value.name || '(anonymous)'}]`;
  if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol' || value === undefined) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
inspect.custom = Symbol.for('nodejs.util.inspect.custom');

export function format(...args: unknown[]): string {
  const first = args[0];
  if (typeof first !== 'string') return args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' ');
  let index = 1;
  const text = first.replace(/%[sdifjoO%]/g, (token) => {
    if (token === '%%') return '%';
    if (index >= args.length) return token;
    const arg = args[index++];
    switch (token) {
      case '%s':
        return typeof arg === 'string' ? arg : inspect(arg);
      case '%d':
      case '%i':
        return String(token === '%i' ? Math.trunc(Number(arg)) : Number(arg));
      case '%f':
        return String(Number(arg));
      default:
        return inspect(arg);
    }
  });
  const rest = args.slice(index).map((a) => (typeof a === 'string' ? a : inspect(a)));
  return [text, ...rest].join(' ');
}

export function inherits(child: { prototype: object; super_?: unknown }, parent: { prototype: object }): void {
  Object.setPrototypeOf(child.prototype, parent.prototype);
  Object.setPrototypeOf(child, parent);
  child.super_ = parent;
}

export function promisify<T>(fn: (...args: any[]) => void): (...args: unknown[]) => Promise<T> {
  return (...args) => new Promise((resolve, reject) => fn(...args, (error: unknown, value: T) => (error ? reject(error) : resolve(value))));
}

export function deprecate<F extends (...args: any[]) => unknown>(fn: F, _message: string): F {
  return fn;
}

export function debuglog(): (...args: unknown[]) => void {
  return () => {};
}

export const types = {
  isDate: (v: unknown) => v instanceof Date,
  isRegExp: (v: unknown) => v instanceof RegExp,
  isPromise: (v: unknown) => v instanceof Promise,
  isMap: (v: unknown) => v instanceof Map,
  isSet: (v: unknown) => v instanceof Set,
  isTypedArray: (v: unknown) => ArrayBuffer.isView(v) && !(v instanceof DataView),
  isUint8Array: (v: unknown) => v instanceof Uint8Array,
  isNativeError: (v: unknown) => v instanceof Error,
};

export const isArray = Array.isArray;
export const isDeepStrictEqual = (a: unknown, b: unknown): boolean => deepEqual(a, b, true);
export const TextEncoder = globalThis.TextEncoder;
export const TextDecoder = globalThis.TextDecoder;

export default { inspect, format, inherits, promisify, deprecate, debuglog, types, isArray, isDeepStrictEqual, TextEncoder, TextDecoder };
