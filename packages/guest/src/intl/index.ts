/**
 * Intl for the guest, over the host's (isolate:guest/intl): the engine is built without ICU, and a polyfill
 * with locale and time zone data would add megabytes to every component and run far slower (docs/intl.md).
 * Installing calls nothing on the host (this runs at build time, inside Wizer): each operation asks when used.
 */
import { ask, localeList } from './host-intl.ts';
import { installLocaleMethods } from './builtins.ts';
import { Locale } from './locale.ts';
import { INTL_SERVICES } from './services.ts';

function intlFunction(name: string, length: number, fn: (value?: unknown) => unknown): PropertyDescriptor {
  Object.defineProperty(fn, 'name', { value: name, configurable: true });
  Object.defineProperty(fn, 'length', { value: length, configurable: true });
  return { value: fn, writable: true, configurable: true };
}

const NODE_ORDER = ['DateTimeFormat', 'NumberFormat', 'Collator', 'PluralRules', 'RelativeTimeFormat', 'ListFormat', 'Locale', 'DisplayNames', 'Segmenter'];

const Intl = Object.create(Object.prototype, {
  getCanonicalLocales: intlFunction('getCanonicalLocales', 1, (locales) => ask({ builtin: 'Intl.getCanonicalLocales', locales: localeList(locales), args: [] })),
  supportedValuesOf: intlFunction('supportedValuesOf', 1, (key) => ask({ builtin: 'Intl.supportedValuesOf', args: [String(key)] })),
  ...Object.fromEntries(NODE_ORDER.map((name) => [name, { value: name === 'Locale' ? Locale : INTL_SERVICES[name], writable: true, configurable: true }])),
  [Symbol.toStringTag]: { value: 'Intl', configurable: true },
}) as object;

Object.defineProperty(globalThis, 'Intl', { value: Intl, writable: true, configurable: true });
installLocaleMethods();
