/** node:assert for the guest: the functions packages and their self-checks use, with Node's AssertionError shape. */
import { deepEqual } from './deep-equal.ts';
import { inspect } from './util.ts';

export class AssertionError extends Error {
  readonly code = 'ERR_ASSERTION';
  readonly generatedMessage: boolean;
  readonly actual: unknown;
  readonly expected: unknown;
  readonly operator: string;
  constructor(options: { message?: string | Error; actual?: unknown; expected?: unknown; operator?: string }) {
    const generated = options.message === undefined;
    super(generated ? `${inspect(options.actual)} ${options.operator ?? '=='} ${inspect(options.expected)}` : String(options.message));
    this.name = 'AssertionError';
    this.generatedMessage = generated;
    this.actual = options.actual;
    this.expected = options.expected;
    this.operator = options.operator ?? '==';
  }
}

function check(passed: boolean, actual: unknown, expected: unknown, operator: string, message?: string | Error): void {
  if (passed) return;
  if (message instanceof Error) throw message;
  throw new AssertionError({ message, actual, expected, operator });
}

function matchesExpected(error: unknown, expected: unknown): boolean {
  if (expected === undefined) return true;
  if (expected instanceof RegExp) return expected.test(String(error instanceof Error ? `${error.name}: ${error.message}` : error));
  if (typeof expected === 'function') {
    if (expected.prototype !== undefined && error instanceof (expected as new () => unknown)) return true;
    if (Error.isPrototypeOf(expected) || expected === Error) return false;
    return (expected as (e: unknown) => boolean)(error) === true;
  }
  if (typeof expected === 'object' && expected !== null) {
    return Object.entries(expected).every(([key, value]) => {
      const actual = (error as Record<string, unknown>)[key];
      return value instanceof RegExp && typeof actual === 'string' ? value.test(actual) : deepEqual(actual, value, true);
    });
  }
  return false;
}

export function ok(value: unknown, message?: string | Error): asserts value {
  check(Boolean(value), value, true, '==', message);
}
export const equal = (a: unknown, b: unknown, message?: string | Error) => check(a == b || (Number.isNaN(a) && Number.isNaN(b)), a, b, '==', message);
export const notEqual = (a: unknown, b: unknown, message?: string | Error) => check(a != b, a, b, '!=', message);
export const strictEqual = (a: unknown, b: unknown, message?: string | Error) => check(Object.is(a, b), a, b, 'strictEqual', message);
export const notStrictEqual = (a: unknown, b: unknown, message?: string | Error) => check(!Object.is(a, b), a, b, 'notStrictEqual', message);
export const deepStrictEqual = (a: unknown, b: unknown, message?: string | Error) => check(deepEqual(a, b, true), a, b, 'deepStrictEqual', message);
export const notDeepStrictEqual = (a: unknown, b: unknown, message?: string | Error) => check(!deepEqual(a, b, true), a, b, 'notDeepStrictEqual', message);
export const deepEqualLoose = (a: unknown, b: unknown, message?: string | Error) => check(deepEqual(a, b, false), a, b, 'deepEqual', message);
export const notDeepEqual = (a: unknown, b: unknown, message?: string | Error) => check(!deepEqual(a, b, false), a, b, 'notDeepEqual', message);
export const match = (text: string, pattern: RegExp, message?: string | Error) => check(pattern.test(text), text, pattern, 'match', message);
export const doesNotMatch = (text: string, pattern: RegExp, message?: string | Error) => check(!pattern.test(text), text, pattern, 'doesNotMatch', message);

export function fail(message: string | Error = 'Failed'): never {
  if (message instanceof Error) throw message;
  throw new AssertionError({ message, operator: 'fail' });
}

export function ifError(value: unknown): void {
  if (value !== null && value !== undefined) throw value;
}

export function throws(fn: () => unknown, expected?: unknown, message?: string | Error): void {
  try {
    fn();
  } catch (error) {
    check(matchesExpected(error, expected), error, expected, 'throws', message);
    return;
  }
  check(false, undefined, expected, 'throws', message ?? 'Missing expected exception.');
}

export function doesNotThrow(fn: () => unknown, message?: string | Error): void {
  try {
    fn();
  } catch (error) {
    check(false, error, undefined, 'doesNotThrow', message ?? `Got unwanted exception: ${(error as Error)?.message ?? error}`);
  }
}

export async function rejects(promiseOrFn: Promise<unknown> | (() => Promise<unknown>), expected?: unknown, message?: string | Error): Promise<void> {
  try {
    await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn);
  } catch (error) {
    check(matchesExpected(error, expected), error, expected, 'rejects', message);
    return;
  }
  check(false, undefined, expected, 'rejects', message ?? 'Missing expected rejection.');
}

export async function doesNotReject(promiseOrFn: Promise<unknown> | (() => Promise<unknown>), message?: string | Error): Promise<void> {
  try {
    await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn);
  } catch (error) {
    check(false, error, undefined, 'doesNotReject', message ?? `Got unwanted rejection: ${(error as Error)?.message ?? error}`);
  }
}

const members = {
  AssertionError, ok, equal, notEqual, strictEqual, notStrictEqual, deepStrictEqual, notDeepStrictEqual, notDeepEqual,
  deepEqual: deepEqualLoose, match, doesNotMatch, fail, ifError, throws, doesNotThrow, rejects, doesNotReject,
};

/** `assert(value)` is `assert.ok`; `assert.strict` uses strict comparisons for equal/deepEqual. */
const assert = Object.assign((value: unknown, message?: string | Error) => ok(value, message), members);
export const strict = Object.assign((value: unknown, message?: string | Error) => ok(value, message), members, {
  equal: strictEqual,
  notEqual: notStrictEqual,
  deepEqual: deepStrictEqual,
  notDeepEqual: notDeepStrictEqual,
});
(assert as unknown as { strict: unknown }).strict = strict;
(strict as unknown as { strict: unknown }).strict = strict;
export { deepEqualLoose as deepEqual };
export default assert;
