/**
 * The locale-sensitive methods of Date, Number, BigInt and String, and String.prototype.normalize, which the
 * engine lacks or implements without locale data: each asks the host's, with Node's `name` and `length`.
 */
import { BUILTIN_METHODS } from '@isolate-deps/boundary';
import { ask, localeList, numberArg, optionsFrom } from './host-intl.ts';

const FORMS = ['NFC', 'NFD', 'NFKC', 'NFKD'];
const ASCII = /^[\x00-\x7f]*$/;

function define(target: object, name: string, length: number, fn: (this: unknown, ...args: unknown[]) => unknown): void {
  Object.defineProperty(fn, 'name', { value: name, configurable: true });
  Object.defineProperty(fn, 'length', { value: length, configurable: true });
  Object.defineProperty(target, name, { value: fn, writable: true, configurable: true });
}

function builtin(name: string, locales: unknown, options: unknown, args: unknown[]): unknown {
  return ask({ builtin: name, locales: localeList(locales), options: optionsFrom(options, BUILTIN_METHODS[name]!.options), args });
}

function thisString(value: unknown, method: string): string {
  if (value === undefined || value === null) throw new TypeError(`String.prototype.${method} called on null or undefined`);
  return String(value);
}

export function installLocaleMethods(): void {
  const getTime = Date.prototype.getTime;
  for (const method of ['toLocaleString', 'toLocaleDateString', 'toLocaleTimeString']) {
    define(Date.prototype, method, 0, function (this: unknown, locales?: unknown, options?: unknown) {
      const time = getTime.call(this as Date);
      return Number.isNaN(time) ? 'Invalid Date' : builtin(`Date.${method}`, locales, options, [time]);
    });
  }
  const numberValue = Number.prototype.valueOf;
  define(Number.prototype, 'toLocaleString', 0, function (this: unknown, locales?: unknown, options?: unknown) {
    return builtin('Number.toLocaleString', locales, options, [numberArg(numberValue.call(this))]);
  });
  const bigintValue = BigInt.prototype.valueOf;
  define(BigInt.prototype, 'toLocaleString', 0, function (this: unknown, locales?: unknown, options?: unknown) {
    return builtin('BigInt.toLocaleString', locales, options, [{ bigint: String(bigintValue.call(this)) }]);
  });
  define(String.prototype, 'localeCompare', 1, function (this: unknown, that?: unknown, locales?: unknown, options?: unknown) {
    const [a, b] = [thisString(this, 'localeCompare'), String(that)];
    if (a === b && locales === undefined && options === undefined) return 0;
    return builtin('String.localeCompare', locales, options, [a, b]);
  });
  define(String.prototype, 'toLocaleUpperCase', 0, function (this: unknown, locales?: unknown) {
    return builtin('String.toLocaleUpperCase', locales, undefined, [thisString(this, 'toLocaleUpperCase')]);
  });
  define(String.prototype, 'toLocaleLowerCase', 0, function (this: unknown, locales?: unknown) {
    return builtin('String.toLocaleLowerCase', locales, undefined, [thisString(this, 'toLocaleLowerCase')]);
  });
  define(String.prototype, 'normalize', 0, function (this: unknown, form?: unknown) {
    const text = thisString(this, 'normalize');
    const name = form === undefined ? 'NFC' : String(form);
    if (!FORMS.includes(name)) throw new RangeError('The normalization form should be one of NFC, NFD, NFKC, NFKD.');
    // ASCII text is the same in every form: no host call for the common case.
    return ASCII.test(text) ? text : builtin('String.normalize', undefined, undefined, [text, name]);
  });
}
