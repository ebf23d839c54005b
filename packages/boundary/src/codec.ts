/**
 * The value encoding used on both sides of the component boundary.
 *
 * JSON carries the values; anything JSON cannot say is an object with the tag key "$t".
 * A plain object that itself owns a "$t" key is escaped as {"$t":"o"}, so data can never pass for a tag.
 * The decoder builds fresh objects from data only: nothing in the input chooses a prototype.
 */

const TAG = '$t';

export type Encoded = null | boolean | number | string | Encoded[] | { [key: string]: Encoded };

/** Raised on the host when the guest sends something that is not a valid encoding. */
export class BoundaryDecodeError extends Error {
  readonly code = 'ERR_ISOLATE_BAD_ENCODING';
  constructor(message: string) {
    super(`isolate-deps: malformed value from the guest: ${message}`);
    this.name = 'BoundaryDecodeError';
  }
}

/** The fields of an Error that cross the boundary. */
export interface ErrorRecord {
  name: string;
  message: string;
  stack?: string;
  code?: unknown;
  props?: Record<string, unknown>;
}

export function encode(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return JSON.stringify(toEncoded(value, new Set()));
}

function toEncoded(value: unknown, path: Set<object>): Encoded {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (Number.isFinite(value) && !Object.is(value, -0)) return value;
      return { [TAG]: 'num', v: Object.is(value, -0) ? '-0' : String(value) };
    case 'undefined':
      return { [TAG]: 'u' };
    case 'bigint':
      return { [TAG]: 'big', v: value.toString() };
    case 'symbol':
      return { [TAG]: 'u' };
    case 'function':
      return { [TAG]: 'fn', name: value.name };
  }
  if (value === null) return null;
  const object = value as object;
  if (path.has(object)) throw new TypeError('isolate-deps: cannot send a value with a cycle across the boundary yet');
  path.add(object);
  try {
    if (Array.isArray(object)) return object.map((item) => toEncoded(item, path));
    if (object instanceof Error) return { [TAG]: 'err', v: toEncoded(errorRecord(object), path) };
    if (object instanceof Date) return { [TAG]: 'date', v: object.getTime() };
    const out: Record<string, Encoded> = {};
    for (const key of Object.keys(object)) out[key] = toEncoded((object as Record<string, unknown>)[key], path);
    return Object.hasOwn(out, TAG) ? { [TAG]: 'o', v: out } : out;
  } finally {
    path.delete(object);
  }
}

/** Reads an Error's crossing fields, including own extra properties such as `code` or `package`. */
export function errorRecord(error: Error): ErrorRecord {
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (key !== 'name' && key !== 'message' && key !== 'stack') props[key] = (error as unknown as Record<string, unknown>)[key];
  }
  return { name: String(error.name), message: String(error.message), stack: typeof error.stack === 'string' ? error.stack : undefined, props };
}

// Keys that would change a prototype when host code later copies the object with Object.assign.
const UNSAFE_KEYS = new Set(['__proto__']);

export function decode(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BoundaryDecodeError((error as Error).message);
  }
  return fromEncoded(parsed, 0);
}

const MAX_DEPTH = 2000;

function fromEncoded(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) throw new BoundaryDecodeError('nesting is too deep');
  if (Array.isArray(value)) return value.map((item) => fromEncoded(item, depth + 1));
  const record = value as Record<string, unknown>;
  if (Object.hasOwn(record, TAG)) return fromTagged(record, depth);
  return plainObject(record, depth);
}

function plainObject(record: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (UNSAFE_KEYS.has(key)) continue;
    out[key] = fromEncoded(record[key], depth + 1);
  }
  return out;
}

function fromTagged(record: Record<string, unknown>, depth: number): unknown {
  const tag = record[TAG];
  switch (tag) {
    case 'u':
      return undefined;
    case 'num':
      if (record.v === '-0') return -0;
      if (record.v === 'NaN' || record.v === 'Infinity' || record.v === '-Infinity') return Number(record.v);
      throw new BoundaryDecodeError(`bad number ${JSON.stringify(record.v)}`);
    case 'big':
      if (typeof record.v !== 'string' || !/^-?\d+$/.test(record.v)) throw new BoundaryDecodeError('bad bigint');
      return BigInt(record.v);
    case 'date':
      if (typeof record.v !== 'number') throw new BoundaryDecodeError('bad date');
      return new Date(record.v);
    case 'o':
      if (typeof record.v !== 'object' || record.v === null || Array.isArray(record.v)) throw new BoundaryDecodeError('bad escaped object');
      return plainObject(record.v as Record<string, unknown>, depth);
    case 'err':
      return rebuildError(fromEncoded(record.v, depth + 1));
    case 'fn':
      return unsupportedFunction(typeof record.name === 'string' ? record.name : '');
    default:
      throw new BoundaryDecodeError(`unknown tag ${JSON.stringify(tag)}`);
  }
}

function unsupportedFunction(name: string): () => never {
  return () => {
    throw new TypeError(`isolate-deps: the function "${name}" returned by an isolated package cannot be called from outside it yet`);
  };
}

const ERROR_CLASSES: Record<string, ErrorConstructor> = {
  Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError,
};

/** Builds a host Error (of the matching built-in class) from a decoded ErrorRecord. */
export function rebuildError(value: unknown): Error {
  if (typeof value !== 'object' || value === null) throw new BoundaryDecodeError('bad error record');
  const record = value as Partial<ErrorRecord>;
  const name = typeof record.name === 'string' ? record.name : 'Error';
  const Class = ERROR_CLASSES[name] ?? Error;
  const error = new Class(typeof record.message === 'string' ? record.message : '');
  if (error.name !== name) Object.defineProperty(error, 'name', { value: name, configurable: true, writable: true, enumerable: false });
  if (typeof record.stack === 'string') {
    // SpiderMonkey stacks are bare frames ("fn@file:line:col"); Node prints `stack` alone, so lead with the message.
    const header = `${name}: ${error.message}`;
    const stack = record.stack.startsWith(header) ? record.stack : `${header}\n${record.stack.split('\n').filter(Boolean).map((frame) => `    at ${frame} [isolated]`).join('\n')}`;
    Object.defineProperty(error, 'stack', { value: stack, configurable: true, writable: true, enumerable: false });
  }
  if (record.props && typeof record.props === 'object') {
    for (const [key, prop] of Object.entries(record.props)) {
      if (!UNSAFE_KEYS.has(key) && key !== 'name' && key !== 'message' && key !== 'stack') (error as unknown as Record<string, unknown>)[key] = prop;
    }
  }
  return error;
}
