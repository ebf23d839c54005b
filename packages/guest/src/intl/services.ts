/**
 * Intl's constructors with Node's shapes (name, length, prototype methods and getters, toStringTag, brand
 * checks). An instance holds its locales and options as read at construction; the host builds the real
 * formatter once (which checks them, so a bad locale throws here as in Node) and keeps it for later calls.
 */
import { SERVICES } from '@isolate-deps/boundary';
import { ask, localeList, numberArg, numericArg, optionsFrom, send, timeArg, type Locales, type Options } from './host-intl.ts';
import { segmentsOf } from './segments.ts';

interface State {
  service: string;
  locales: Locales;
  options: Options;
  /** resolvedOptions() as JSON: each call returns a fresh object, as in Node. */
  resolved: string;
  /** The request JSON up to the method: each call appends its method and arguments. */
  prefix: string;
  bound: Map<string, unknown>;
}

const states = new WeakMap<object, State>();

function stateOf(receiver: unknown, service: string, member: string): State {
  const state = typeof receiver === 'object' && receiver !== null ? states.get(receiver) : undefined;
  if (!state || state.service !== service) throw new TypeError(`Method Intl.${service}.prototype.${member} called on incompatible receiver ${describe(receiver)}`);
  return state;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) return `#<${(value as object).constructor?.name ?? 'Object'}>`;
  return String(value);
}

function callHost<T>(state: State, method: string, args: unknown[]): T {
  return send<T>(`${state.prefix}${JSON.stringify(method)},"args":${JSON.stringify(args)}}`);
}

type Method = (state: State, ...args: unknown[]) => unknown;
/** A prototype method, or with `bound` a getter that returns it bound to the instance (`format`, `compare`), the same one each time. */
type Member = [length: number, method: Method, bound?: 'bound'];

interface ServiceShape {
  /** DateTimeFormat, NumberFormat and Collator may be called without `new` (ECMA-402's legacy constructors). */
  callable?: boolean;
  length?: number;
  /** In Node's order (after `resolvedOptions`). */
  members: Record<string, Member>;
}

function defineFunction<F extends (...args: never[]) => unknown>(fn: F, name: string, length: number): F {
  Object.defineProperty(fn, 'name', { value: name, configurable: true });
  Object.defineProperty(fn, 'length', { value: length, configurable: true });
  return fn;
}

function defineService(name: string, shape: ServiceShape): unknown {
  const optionNames = SERVICES[name]!.options;
  function IntlService(this: object, locales?: unknown, options?: unknown): object {
    if (!new.target && !shape.callable) throw new TypeError(`Constructor Intl.${name} requires 'new'`);
    const instance = new.target ? this : (Object.create(IntlService.prototype) as object);
    const state = { service: name, locales: localeList(locales), options: optionsFrom(options, optionNames), bound: new Map() } as unknown as State;
    state.prefix = `${JSON.stringify({ service: name, locales: state.locales, options: state.options }).slice(0, -1)},"method":`;
    state.resolved = JSON.stringify(callHost(state, 'resolvedOptions', []));
    states.set(instance, state);
    return instance;
  }
  defineFunction(IntlService, name, shape.length ?? 0);
  const proto = IntlService.prototype as object;
  const members: Record<string, Member> = { resolvedOptions: [0, (state) => JSON.parse(state.resolved)], ...shape.members };
  for (const [member, [length, method, bound]] of Object.entries(members)) {
    if (bound) {
      const getter = function (this: unknown) {
        const state = stateOf(this, name, member);
        let fn = state.bound.get(member);
        if (!fn) state.bound.set(member, (fn = defineFunction((...args: unknown[]) => method(state, ...args), '', length)));
        return fn;
      };
      Object.defineProperty(proto, member, { get: defineFunction(getter, `get ${member}`, 0), configurable: true });
      continue;
    }
    const fn = defineFunction(function (this: unknown, ...args: unknown[]) {
      return method(stateOf(this, name, member), ...args);
    }, member, length);
    Object.defineProperty(proto, member, { value: fn, writable: true, configurable: true });
  }
  Object.defineProperty(proto, Symbol.toStringTag, { value: `Intl.${name}`, configurable: true });
  const supportedLocalesOf = defineFunction(function supportedLocalesOf(locales: unknown, options?: unknown) {
    return ask({ service: name, method: 'supportedLocalesOf', locales: localeList(locales), options: optionsFrom(options, ['localeMatcher']) });
  }, 'supportedLocalesOf', 1);
  Object.defineProperty(IntlService, 'supportedLocalesOf', { value: supportedLocalesOf, writable: true, configurable: true });
  return IntlService;
}

function bothDates(start: unknown, end: unknown): unknown[] {
  if (start === undefined || end === undefined) throw new TypeError('Invalid time value');
  return [timeArg(start), timeArg(end)];
}

function stringList(list: unknown): string[] {
  if (list === undefined) return [];
  const strings: string[] = [];
  for (const item of list as Iterable<unknown>) {
    if (typeof item !== 'string') throw new TypeError(`Iterable yielded ${typeof item === 'symbol' ? item.toString() : String(item)} which is not a string`);
    strings.push(item);
  }
  return strings;
}

/** The constructors, by name, as Intl holds them. */
export const INTL_SERVICES: Record<string, unknown> = {
  DateTimeFormat: defineService('DateTimeFormat', {
    callable: true,
    members: {
      formatToParts: [1, (s, date) => callHost(s, 'formatToParts', [timeArg(date)])],
      format: [1, (s, date) => callHost(s, 'format', [timeArg(date)]), 'bound'],
      formatRange: [2, (s, start, end) => callHost(s, 'formatRange', bothDates(start, end))],
      formatRangeToParts: [2, (s, start, end) => callHost(s, 'formatRangeToParts', bothDates(start, end))],
    },
  }),
  NumberFormat: defineService('NumberFormat', {
    callable: true,
    members: {
      formatToParts: [1, (s, value) => callHost(s, 'formatToParts', [numericArg(value)])],
      format: [1, (s, value) => callHost(s, 'format', [numericArg(value)]), 'bound'],
      formatRange: [2, (s, start, end) => callHost(s, 'formatRange', [numericArg(start), numericArg(end)])],
      formatRangeToParts: [2, (s, start, end) => callHost(s, 'formatRangeToParts', [numericArg(start), numericArg(end)])],
    },
  }),
  Collator: defineService('Collator', {
    callable: true,
    members: {
      compare: [2, (s, a, b) => {
        const [x, y] = [String(a), String(b)];
        // Equal strings are equal under every collation: sorting skips a host call for each duplicate.
        return x === y ? 0 : callHost(s, 'compare', [x, y]);
      }, 'bound'],
    },
  }),
  PluralRules: defineService('PluralRules', {
    members: {
      select: [1, (s, n) => callHost(s, 'select', [numberArg(Number(n))])],
      selectRange: [2, (s, a, b) => callHost(s, 'selectRange', [numberArg(Number(a)), numberArg(Number(b))])],
    },
  }),
  RelativeTimeFormat: defineService('RelativeTimeFormat', {
    members: {
      format: [2, (s, value, unit) => callHost(s, 'format', [numberArg(Number(value)), String(unit)])],
      formatToParts: [2, (s, value, unit) => callHost(s, 'formatToParts', [numberArg(Number(value)), String(unit)])],
    },
  }),
  ListFormat: defineService('ListFormat', {
    members: {
      format: [1, (s, list) => callHost(s, 'format', [stringList(list)])],
      formatToParts: [1, (s, list) => callHost(s, 'formatToParts', [stringList(list)])],
    },
  }),
  DisplayNames: defineService('DisplayNames', {
    length: 2,
    members: { of: [1, (s, code) => callHost(s, 'of', [String(code)])] },
  }),
  Segmenter: defineService('Segmenter', {
    members: {
      segment: [1, (s, input) => {
        const text = String(input);
        return segmentsOf(text, callHost(s, 'segment', [text]));
      }],
    },
  }),
};
