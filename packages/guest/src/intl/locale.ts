/**
 * Intl.Locale with Node's shape: the host parses the tag and answers every getter at once (`describe`), so an
 * instance is plain data afterwards; maximize() and minimize() ask again and build a new Locale from the tag.
 */
import { LOCALE_FIELDS, SERVICES } from '@isolate-deps/boundary';
import { ask, LOCALE_INSTANCES, optionsFrom, type Options } from './host-intl.ts';

const data = new WeakMap<object, Record<string, unknown>>();

function dataOf(receiver: unknown, member: string): Record<string, unknown> {
  const fields = typeof receiver === 'object' && receiver !== null ? data.get(receiver) : undefined;
  if (!fields) throw new TypeError(`Method Intl.Locale.prototype.${member} called on incompatible receiver ${String(receiver)}`);
  return fields;
}

function named<F extends (...args: never[]) => unknown>(fn: F, name: string, length: number): F {
  Object.defineProperty(fn, 'name', { value: name, configurable: true });
  Object.defineProperty(fn, 'length', { value: length, configurable: true });
  return fn;
}

function tagOf(tag: unknown): string {
  if (typeof tag !== 'string' && (typeof tag !== 'object' || tag === null)) throw new TypeError("First argument to Intl.Locale constructor can't be empty or missing");
  return String(tag);
}

function Locale(this: object, tag?: unknown, options?: unknown): object {
  if (!new.target) throw new TypeError("Constructor Intl.Locale requires 'new'");
  const request = (method: string, read: Options) => ask<Record<string, unknown>>({ service: 'Locale', method, locales: [tagOf(tag)], options: read, args: [] });
  data.set(this, request('describe', optionsFrom(options, SERVICES.Locale!.options)));
  LOCALE_INSTANCES.add(this);
  return this;
}
named(Locale, 'Locale', 1);

const proto = Locale.prototype as object;
const fromTag = (tag: string) => Reflect.construct(Locale, [tag]) as object;
const methods: Record<string, (fields: Record<string, unknown>) => unknown> = {
  toString: (fields: Record<string, unknown>) => fields.tag,
  maximize: (fields: Record<string, unknown>) => fromTag(ask<string>({ service: 'Locale', method: 'maximize', locales: [fields.tag as string], options: {}, args: [] })),
  minimize: (fields: Record<string, unknown>) => fromTag(ask<string>({ service: 'Locale', method: 'minimize', locales: [fields.tag as string], options: {}, args: [] })),
};
for (const [name, method] of Object.entries(methods)) {
  const fn = named(function (this: unknown) {
    return method(dataOf(this, name));
  }, name, 0);
  Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true });
}
for (const field of LOCALE_FIELDS) {
  const getter = named(function (this: unknown) {
    const value = dataOf(this, field)[field];
    // Lists and records are fresh each time, as Node's getters return them.
    return typeof value === 'object' && value !== null ? JSON.parse(JSON.stringify(value)) : value;
  }, `get ${field}`, 0);
  Object.defineProperty(proto, field, { get: getter, configurable: true });
}
Object.defineProperty(proto, Symbol.toStringTag, { value: 'Intl.Locale', configurable: true });

export { Locale };
