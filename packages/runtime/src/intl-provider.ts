import { BUILTIN_METHODS, LOCALE_FIELDS, SERVICES, type ArgumentKind } from '@isolate-deps/boundary';

/**
 * isolate:guest/intl: the guest engine has no Intl, so it asks the host's. The interface is pure (data in,
 * a string out) and always imported: it reaches nothing but Intl itself, over primitive values. Every request
 * is checked against intl-protocol.ts in @isolate-deps/boundary (services, methods, option names, argument
 * types) and size limits before Intl sees it, and every failure comes back as data. The one piece of host
 * information Intl would reveal, the host's time zone, is never used: a formatter without a `timeZone` formats
 * in UTC, as the guest's Date does.
 */

/** Characters in one request: normalize() of a long text fits, a flood does not. */
export const INTL_REQUEST_LIMIT = 1 << 20;
const LOCALES_LIMIT = 32;
const STRING_OPTION_LIMIT = 256;
const LIST_LIMIT = 10_000;
/** Host formatters kept per instance: a guest that creates more only makes the host construct them again. */
const FORMATTER_CACHE_SIZE = 64;
const ERROR_NAMES = new Set(['RangeError', 'TypeError']);

type Reply = { ok: unknown } | { error: { name: string; message: string } };
type Options = Record<string, string | number | boolean | null>;
/** A host Intl object (a formatter, collator, segmenter, ...) called by method name. */
type HostService = Record<string, (...args: unknown[]) => unknown>;

class BadRequest extends TypeError {}

export type IntlProvider = {
  /** One request as JSON; the reply is `{"ok": value}` or `{"error": {"name", "message"}}` as JSON. */
  call(request: string): string;
};

export function createIntlProvider(): IntlProvider {
  const formatters = new Map<string, HostService>();

  /** The host formatter for these locales and options, constructed once and kept while it is in use. */
  function formatter(service: string, locales: string[] | undefined, options: Options): HostService {
    const key = `${service}\u0000${JSON.stringify(locales)}\u0000${JSON.stringify(options)}`;
    let cached = formatters.get(key);
    if (cached) formatters.delete(key);
    else {
      const Constructor = (Intl as unknown as Record<string, new (l?: string[], o?: Options) => HostService>)[service]!;
      cached = new Constructor(locales, options);
      if (formatters.size >= FORMATTER_CACHE_SIZE) formatters.delete(formatters.keys().next().value!);
    }
    formatters.set(key, cached);
    return cached;
  }

  function answer(request: unknown): unknown {
    if (!isRecord(request)) throw new BadRequest('a request is a JSON object');
    const locales = decodeLocales(request.locales);
    if (typeof request.service === 'string') {
      const service = own(SERVICES, request.service);
      if (!service) throw new BadRequest(`unknown Intl service ${quote(request.service)}`);
      const method = String(request.method);
      if (request.service === 'Locale') return answerLocale(locales, decodeOptions(request.options, service.options, false), method);
      if (method === 'supportedLocalesOf') {
        const options = decodeOptions(request.options, ['localeMatcher'], false);
        return (Intl as unknown as Record<string, { supportedLocalesOf: (l?: string[], o?: Options) => string[] }>)[request.service]!.supportedLocalesOf(locales, options);
      }
      const options = decodeOptions(request.options, service.options, request.service === 'DateTimeFormat');
      const target = formatter(request.service, locales, options);
      if (method === 'resolvedOptions') return target.resolvedOptions!();
      const kinds = own(service.methods, method);
      if (!kinds) throw new BadRequest(`Intl.${request.service} has no method ${quote(method)}`);
      const args = decodeArgs(request.args, kinds);
      if (method === 'segment') return segmentLengths(target, args[0] as string);
      return target[method]!(...args);
    }
    if (typeof request.builtin === 'string') {
      const builtin = own(BUILTIN_METHODS, request.builtin);
      if (!builtin) throw new BadRequest(`unknown built-in ${quote(request.builtin)}`);
      const options = decodeOptions(request.options, builtin.options, request.builtin.startsWith('Date.'));
      return callBuiltin(request.builtin, locales, options, decodeArgs(request.args, builtin.args));
    }
    throw new BadRequest('a request names a service or a built-in');
  }

  return {
    call(request: string): string {
      let reply: Reply;
      try {
        if (typeof request !== 'string') throw new BadRequest('a request is a string');
        if (request.length > INTL_REQUEST_LIMIT) throw new RangeError(`isolate-deps: an Intl request is at most ${INTL_REQUEST_LIMIT} characters`);
        reply = { ok: answer(JSON.parse(request)) };
      } catch (error) {
        reply = { error: errorData(error) };
      }
      return JSON.stringify(reply);
    },
  };
}

/** Intl.Locale: no formatter to keep, and every answer is data (its getters at once, or the tag of a maximized or minimized locale). */
function answerLocale(locales: string[] | undefined, options: Options, method: string): unknown {
  if (locales?.length !== 1) throw new BadRequest('a Locale is made from one tag');
  const locale = new Intl.Locale(locales[0]!, options) as unknown as Record<string, unknown> & Intl.Locale;
  if (method === 'maximize') return locale.maximize().toString();
  if (method === 'minimize') return locale.minimize().toString();
  if (method !== 'describe') throw new BadRequest(`Intl.Locale has no method ${quote(method)}`);
  return { tag: locale.toString(), ...Object.fromEntries(LOCALE_FIELDS.map((field) => [field, locale[field]])) };
}

function callBuiltin(name: string, locales: string[] | undefined, options: Options, args: unknown[]): unknown {
  const [value, other] = args;
  switch (name) {
    case 'Date.toLocaleString':
      return new Date(value as number).toLocaleString(locales, options);
    case 'Date.toLocaleDateString':
      return new Date(value as number).toLocaleDateString(locales, options);
    case 'Date.toLocaleTimeString':
      return new Date(value as number).toLocaleTimeString(locales, options);
    case 'Number.toLocaleString':
    case 'BigInt.toLocaleString':
      return (value as number | bigint).toLocaleString(locales, options);
    case 'String.localeCompare':
      return (value as string).localeCompare(other as string, locales, options);
    case 'String.toLocaleUpperCase':
      return (value as string).toLocaleUpperCase(locales);
    case 'String.toLocaleLowerCase':
      return (value as string).toLocaleLowerCase(locales);
    case 'String.normalize':
      return (value as string).normalize(other as string);
    case 'Intl.getCanonicalLocales':
      return Intl.getCanonicalLocales(locales);
    default: // Intl.supportedValuesOf
      return (Intl as unknown as { supportedValuesOf: (key: string) => string[] }).supportedValuesOf(value as string);
  }
}

/** Characters V8 segments at once: its segment iterator costs time quadratic in the length of the string it walks. */
const SEGMENT_WINDOW = 1024;
/** Segments of context kept before a window, so rules that look back (flags, words) decide as they would on the whole text. */
const SEGMENT_CONTEXT = 4;

/**
 * A segmentation as the length of each segment, and for words whether each is word-like: the guest slices its
 * own string. The text is walked in windows that restart a few segments back, so a long text costs linear time.
 */
function segmentLengths(segmenter: HostService, input: string): { lengths: number[]; wordLike?: boolean[] } {
  const starts: number[] = [];
  const wordLike: boolean[] = [];
  let done = 0;
  let window = SEGMENT_WINDOW;
  while (done < input.length) {
    const from = starts.length > SEGMENT_CONTEXT ? starts[starts.length - SEGMENT_CONTEXT]! : 0;
    const to = Math.min(input.length, done + window);
    const found: { index: number; isWordLike?: boolean }[] = [];
    for (const part of segmenter.segment!(input.slice(from, to)) as Iterable<{ index: number; isWordLike?: boolean }>) found.push({ index: from + part.index, isWordLike: part.isWordLike });
    // The last segment of a window may continue past it: it is decided again by the next window.
    const settled = to === input.length ? found : found.slice(0, -1);
    const fresh = settled.filter((part) => part.index >= done);
    if (fresh.length === 0) {
      window *= 2; // a segment longer than the window
      continue;
    }
    // Segments before `done` were settled by an earlier window; the first fresh one starts at `done`.
    for (const part of fresh) {
      starts.push(part.index);
      if (part.isWordLike !== undefined) wordLike.push(part.isWordLike);
    }
    done = to === input.length ? input.length : found.at(-1)!.index;
    window = SEGMENT_WINDOW;
  }
  const lengths = starts.map((start, i) => (starts[i + 1] ?? input.length) - start);
  return wordLike.length > 0 ? { lengths, wordLike } : { lengths };
}

function decodeLocales(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length > LOCALES_LIMIT) throw new BadRequest(`locales are a list of at most ${LOCALES_LIMIT} strings`);
  for (const locale of value) if (typeof locale !== 'string' || locale.length > STRING_OPTION_LIMIT) throw new BadRequest(`a locale is a string of at most ${STRING_OPTION_LIMIT} characters`);
  return value as string[];
}

/** Options by name from the allowlist, as primitives (Intl converts them as it would the guest's own values). */
function decodeOptions(value: unknown, allowed: readonly string[], defaultTimeZone: boolean): Options {
  const options: Options = Object.create(null) as Options;
  if (value !== undefined && value !== null) {
    if (!isRecord(value)) throw new BadRequest('options are a JSON object');
    for (const [name, option] of Object.entries(value)) {
      if (!allowed.includes(name)) throw new BadRequest(`unknown option ${quote(name)}`);
      const valid = option === null || typeof option === 'boolean' || typeof option === 'number' || (typeof option === 'string' && option.length <= STRING_OPTION_LIMIT);
      if (!valid) throw new BadRequest(`option ${quote(name)} is a boolean, a number or a string of at most ${STRING_OPTION_LIMIT} characters`);
      options[name] = option as Options[string];
    }
  }
  // The host's zone says where it is: the guest sees UTC unless it names a zone.
  if (defaultTimeZone && options.timeZone === undefined) options.timeZone = 'UTC';
  return options;
}

function decodeArgs(value: unknown, kinds: readonly ArgumentKind[]): unknown[] {
  if (!Array.isArray(value) || value.length !== kinds.length) throw new BadRequest(`expected ${kinds.length} arguments`);
  return kinds.map((kind, index) => decodeArgument(value[index], kind));
}

/** Numbers JSON cannot carry (NaN, ±Infinity, -0) arrive as those strings; a BigInt or a decimal string as a tagged object. */
function decodeArgument(value: unknown, kind: ArgumentKind): unknown {
  if (kind === 'string') {
    if (typeof value !== 'string') throw new BadRequest('expected a string');
    return value;
  }
  if (kind === 'strings') {
    if (!Array.isArray(value) || value.length > LIST_LIMIT || !value.every((item) => typeof item === 'string')) throw new BadRequest(`expected a list of at most ${LIST_LIMIT} strings`);
    return value;
  }
  if (kind === 'numeric' && isRecord(value)) {
    if (typeof value.bigint === 'string' && /^-?\d{1,1000}$/.test(value.bigint)) return BigInt(value.bigint);
    if (typeof value.decimal === 'string' && value.decimal.length <= 1000) return value.decimal;
    throw new BadRequest('expected a number, {"bigint"} or {"decimal"}');
  }
  if (typeof value === 'number') return value;
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity' || value === '-0') return Number(value);
  throw new BadRequest('expected a number');
}

function errorData(error: unknown): { name: string; message: string } {
  const name = error instanceof BadRequest ? 'TypeError' : error instanceof Error && ERROR_NAMES.has(error.name) ? error.name : 'Error';
  const message = error instanceof BadRequest ? `isolate-deps: bad Intl request: ${error.message}` : error instanceof Error ? error.message : 'Intl failed';
  return { name, message: message.slice(0, 1000) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function own<T>(table: Record<string, T>, name: string): T | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

function quote(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
}
