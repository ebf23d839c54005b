/**
 * The guest's side of isolate:guest/intl: the engine has no Intl, so each locale-sensitive operation is one
 * request to the host's (see @isolate-deps/boundary's intl-protocol.ts). Values are converted here the way
 * Intl converts them, so a package's getters and valueOf run in the guest, and only primitives cross.
 */
import { call } from 'isolate:guest/intl';

export type Locales = string[] | null;
export type Options = Record<string, string | number | boolean | null>;

export interface Request {
  service?: string;
  builtin?: string;
  method?: string;
  locales?: Locales;
  options?: Options;
  args?: unknown[];
}

const ERRORS: Record<string, ErrorConstructor> = { RangeError, TypeError };

/** Intl.Locale instances (registered by locale.ts): one stands for a single locale, as a string does. */
export const LOCALE_INSTANCES = new WeakSet<object>();

/** Sends one request; a host failure becomes the guest error Node would throw (RangeError, TypeError). */
export function ask<T>(request: Request): T {
  return send<T>(JSON.stringify(request));
}

/** Sends a request already in JSON (a formatter keeps its own prefix, so a call adds only the method and arguments). */
export function send<T>(requestJson: string): T {
  const reply = JSON.parse(call(requestJson)) as { ok?: T; error?: { name: string; message: string } };
  if (reply.error) throw new (ERRORS[reply.error.name] ?? Error)(reply.error.message);
  return reply.ok as T;
}

/** Intl's CanonicalizeLocaleList, up to the point where the host's Intl takes over (a string, or a list of strings and Locales). */
export function localeList(locales: unknown): Locales {
  if (locales === undefined) return null;
  if (typeof locales === 'string') return [locales];
  if (typeof locales === 'object' && locales !== null && LOCALE_INSTANCES.has(locales)) return [String(locales)];
  if (locales === null) throw new TypeError('Cannot convert undefined or null to object');
  const list: string[] = [];
  for (const locale of Array.from(Object(locales) as ArrayLike<unknown>)) {
    if (typeof locale !== 'string' && (typeof locale !== 'object' || locale === null)) throw new TypeError('Language ID should be string or object.');
    list.push(String(locale));
  }
  return list;
}

/** Reads the named options once, as Intl does: each is read (getters run) and passed on as a primitive. */
export function optionsFrom(options: unknown, names: readonly string[]): Options {
  const read: Options = {};
  if (options === undefined) return read;
  if (options === null) throw new TypeError('Cannot convert undefined or null to object');
  const source = Object(options) as Record<string, unknown>;
  for (const name of names) {
    const value = source[name];
    if (value === undefined) continue;
    if (value === null || typeof value === 'boolean' || typeof value === 'string') read[name] = value;
    else if (typeof value === 'number') read[name] = Number.isFinite(value) ? value : String(value);
    else read[name] = String(value);
  }
  return read;
}

/** A number as JSON can carry it: NaN, ±Infinity and -0 as their names. */
export function numberArg(value: number): number | string {
  if (Object.is(value, -0)) return '-0';
  return Number.isFinite(value) ? value : String(value);
}

/** Intl.NumberFormat's argument: a BigInt and a decimal string keep their exact value. */
export function numericArg(value: unknown): unknown {
  if (typeof value === 'bigint') return { bigint: String(value) };
  if (typeof value === 'string') return { decimal: value };
  return numberArg(Number(value));
}

/** A date argument: the current time when absent, else its time value. */
export function timeArg(value: unknown): number | string {
  return numberArg(value === undefined ? Date.now() : Number(value));
}
