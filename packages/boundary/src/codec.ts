/**
 * The value encoding used on both sides of the component boundary.
 *
 * JSON carries the values; anything JSON cannot say is an object with the tag key "$t" (see TAGS).
 * A plain object that itself owns a "$t" key is escaped as {"$t":"o"}, so data can never pass for a tag.
 * Objects are numbered in the order they are first met; a second meeting sends {"$t":"r","i":n}, which keeps
 * shared references and cycles. What cannot be copied (functions, class instances, promises) goes by handle:
 * the `Handles` of each side decide how.
 * The decoder builds fresh objects from data only: nothing in the input chooses a prototype, and a `__proto__`
 * key is dropped, so host code that later spreads, assigns or merges the value cannot be polluted.
 */
import { bytesToBase64, base64ToBytes } from './base64.ts';
import { TAGGED_MARK } from './protocol.ts';

const TAG = '$t';
const HOLE = { [TAG]: 'hole' };
const isHole = (item: unknown): boolean => typeof item === 'object' && item !== null && (item as Record<string, unknown>)[TAG] === 'hole' && !Array.isArray(item);

export type Encoded = null | boolean | number | string | Encoded[] | { [key: string]: Encoded };
type Tagged = { [key: string]: Encoded };

/** Raised on the host when the guest sends something that is not a valid encoding. */
export class BoundaryDecodeError extends Error {
  readonly code = 'ERR_ISOLATE_BAD_ENCODING';
  constructor(message: string) {
    super(`isolate-deps: malformed value from the guest: ${message}`);
    this.name = 'BoundaryDecodeError';
  }
}

/**
 * How one side sends and rebuilds what is not copied.
 * - `send` is asked first about every object and function; it returns the encoding of a handle, or
 *   undefined to let the codec copy the value.
 * - `receive` rebuilds a handle tag: "h" (a value living in the guest) or "cb" (a value living in the host).
 */
export interface Handles {
  send(value: object): Encoded | undefined;
  receive(record: Readonly<Record<string, unknown>>): unknown;
  /** An error of a package's own class also goes as a handle to itself, so `instanceof` can ask its own side. */
  sendError?(error: Error): Encoded | undefined;
  /** Makes a rebuilt error stand for the handle `record` (see sendError). */
  adoptError?(record: Readonly<Record<string, unknown>>, error: Error): void;
}

/** Raised on the host when the guest sends more than the host accepts in one piece. */
export class BoundaryLimitError extends Error {
  readonly code = 'ERR_ISOLATE_REPLY_TOO_LARGE';
  constructor(readonly length: number, readonly maxLength: number, from = 'the guest') {
    super(`isolate-deps: ${from} sent ${length} characters, more than the ${maxLength} the host accepts in one reply`);
    this.name = 'BoundaryLimitError';
  }
}

export interface DecodeOptions {
  /** Longest text accepted, in UTF-16 code units (the host bounds what an instance can make it allocate). */
  maxLength?: number;
  /** Who sent the text, for the size-limit message (e.g. `"yaml"`). */
  from?: string;
}

/**
 * Longest text the host decodes by default: JSON.parse can turn text into about ten times its size in objects,
 * so this keeps one reply well inside a default Node heap.
 */
export const DEFAULT_MAX_DECODE_LENGTH = 64 * 1024 * 1024;

/** The fields of an Error that cross the boundary. */
export interface ErrorRecord {
  name: string;
  message: string;
  stack?: string;
  code?: unknown;
  props?: Record<string, unknown>;
}

const WELL_KNOWN_SYMBOLS = ['iterator', 'asyncIterator', 'hasInstance', 'toPrimitive', 'toStringTag', 'isConcatSpreadable', 'species', 'match', 'replace', 'search', 'split', 'unscopables'] as const;

const TYPED_ARRAYS: Record<string, { BYTES_PER_ELEMENT: number; new (buffer: ArrayBuffer): ArrayBufferView }> = {
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
  DataView: Object.assign(DataView, { BYTES_PER_ELEMENT: 1 }) as never,
};

type BufferLike = { isBuffer(value: unknown): boolean; from(bytes: Uint8Array): Uint8Array };
const bufferClass = (): BufferLike | undefined => (globalThis as { Buffer?: BufferLike }).Buffer;

/** Null, or an empty object with a null prototype (cookie's `NullObject`): its instances are dictionaries. */
function isDictionaryPrototype(proto: object | null): boolean {
  return proto === null || (Object.getPrototypeOf(proto) === null && Reflect.ownKeys(proto).length === 0);
}

/** True for the objects the codec copies by value: plain objects, arrays and the built-in data classes. */
export function isDataObject(value: object): boolean {
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || isDictionaryPrototype(proto)) return true;
  return value instanceof Date || value instanceof RegExp || value instanceof Map || value instanceof Set || value instanceof Error || value instanceof ArrayBuffer || ArrayBuffer.isView(value) || boxedPrimitive(value) !== undefined;
}

/** The primitive inside a String, Number or Boolean object (`Object('+1')`), read without the object's own methods. */
function boxedPrimitive(value: object): string | number | boolean | undefined {
  if (value instanceof String) return String.prototype.valueOf.call(value);
  if (value instanceof Number) return Number.prototype.valueOf.call(value);
  if (value instanceof Boolean) return Boolean.prototype.valueOf.call(value);
  return undefined;
}

export function encode(value: unknown, handles?: Handles): string {
  // Fast path for the common string result: no tree to build.
  if (typeof value === 'string') return JSON.stringify(value);
  return JSON.stringify(new Encoder(handles).value(value));
}

/** Like encode, with TAGGED_MARK in front unless the text is plain JSON that JSON.parse alone reads back. */
export function encodeMarked(value: unknown, handles?: Handles): string {
  if (isPlainJsonList(value)) return JSON.stringify(value);
  const encoder = new Encoder(handles);
  const text = JSON.stringify(encoder.value(value));
  return encoder.tagged ? TAGGED_MARK + text : text;
}

/** Reads what encodeMarked wrote. Only for input from a trusted side (the guest reading the host). */
export function decodeMarked(text: string, handles?: Handles): unknown {
  return text[0] === TAGGED_MARK ? decode(text.slice(1), handles) : JSON.parse(text);
}

// A list of strings, booleans, null and plain finite numbers: JSON says it exactly.
function isPlainJsonList(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (typeof item === 'string' || typeof item === 'boolean' || item === null) continue;
    if (typeof item === 'number' && Number.isFinite(item) && !Object.is(item, -0)) continue;
    return false;
  }
  return true;
}

class Encoder {
  private readonly seen = new Map<object, number>();
  /** Whether any tag was written (else the text is plain JSON). */
  tagged = false;

  constructor(private readonly handles: Handles | undefined) {}

  value(value: unknown): Encoded {
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return value;
      case 'number':
        if (Number.isFinite(value) && !Object.is(value, -0)) return value;
        this.tagged = true;
        return { [TAG]: 'num', v: Object.is(value, -0) ? '-0' : String(value) };
      case 'undefined':
        this.tagged = true;
        return { [TAG]: 'u' };
      case 'bigint':
        this.tagged = true;
        // Hex, not decimal: converting is linear in the digits on both sides, decimal is quadratic.
        return { [TAG]: 'big', v: value < 0n ? `-${(-value).toString(16)}` : value.toString(16) };
      case 'symbol':
        this.tagged = true;
        return symbolRecord(value);
      case 'function':
        this.tagged = true;
        return this.handles?.send(value) ?? { [TAG]: 'u' };
    }
    if (value === null) return null;
    const object = value as object;
    // Arrays are always copied; anything else may be a handle.
    if (!Array.isArray(object)) {
      const sent = this.handles?.send(object);
      if (sent !== undefined) {
        this.tagged = true;
        return sent;
      }
    }
    const index = this.seen.get(object);
    if (index !== undefined) {
      this.tagged = true;
      return { [TAG]: 'r', i: index };
    }
    this.seen.set(object, this.seen.size);
    const encoded = this.object(object);
    // Only arrays and plain objects without a "$t" key come out untagged.
    if (encoded !== null && typeof encoded === 'object' && !Array.isArray(encoded) && Object.hasOwn(encoded, TAG)) this.tagged = true;
    return encoded;
  }

  private object(object: object): Encoded {
    if (Array.isArray(object)) {
      const out: Encoded[] = new Array(object.length);
      for (let i = 0; i < object.length; i++) {
        if (i in object) out[i] = this.value(object[i]);
        else {
          // A hole stays a hole (qs and others make sparse arrays).
          this.tagged = true;
          out[i] = HOLE;
        }
      }
      return out;
    }
    if (object instanceof Error) return this.error(object);
    if (object instanceof Date) {
      const time = object.getTime();
      return { [TAG]: 'date', v: Number.isNaN(time) ? null : time };
    }
    if (object instanceof RegExp) return { [TAG]: 're', src: object.source, flags: object.flags, last: object.lastIndex };
    // Copied as its own fields it would arrive as {0: '+', 1: '1'}, whose String() is "[object Object]".
    const boxed = boxedPrimitive(object);
    if (boxed !== undefined) return { [TAG]: 'box', v: this.value(boxed) };
    if (object instanceof Map) return { [TAG]: 'map', v: [...object].map(([k, v]) => [this.value(k), this.value(v)]) };
    if (object instanceof Set) return { [TAG]: 'set', v: [...object].map((v) => this.value(v)) };
    if (object instanceof ArrayBuffer) return { [TAG]: 'ab', v: bytesToBase64(new Uint8Array(object)) };
    if (ArrayBuffer.isView(object)) {
      const bytes = new Uint8Array(object.buffer, object.byteOffset, object.byteLength);
      if (bufferClass()?.isBuffer(object)) return { [TAG]: 'buf', v: bytesToBase64(bytes) };
      return { [TAG]: 'ta', c: object.constructor.name, v: bytesToBase64(bytes) };
    }
    const out: Tagged = {};
    const record = object as Record<string, unknown>;
    for (const key of Object.keys(object)) out[key] = this.value(record[key]);
    // A null-prototype object (a dictionary, as cookie and qs make) stays one.
    if (isDictionaryPrototype(Object.getPrototypeOf(object))) return { [TAG]: 'o', v: out, bare: true };
    return Object.hasOwn(out, TAG) ? { [TAG]: 'o', v: out } : out;
  }

  private error(error: Error): Encoded {
    const record: Tagged = { [TAG]: 'err', name: String(error.name), message: String(error.message) };
    if (typeof error.stack === 'string') record.stack = error.stack;
    const props: Tagged = {};
    const hidden: string[] = [];
    // Own fields, enumerable or not (zod's ZodError keeps `issues` non-enumerable); not the engine's own extras.
    for (const key of Object.getOwnPropertyNames(error)) {
      if (ERROR_OWN_FIELDS.has(key)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(error, key);
      if (!descriptor || !('value' in descriptor) || typeof descriptor.value === 'function') continue;
      props[key] = this.value(descriptor.value);
      if (!descriptor.enumerable) hidden.push(key);
    }
    record.props = props;
    if (hidden.length > 0) record.hidden = hidden;
    if (Object.hasOwn(error, 'cause')) record.cause = this.value(error.cause);
    if (error instanceof AggregateError) record.errors = this.value(error.errors);
    const self = this.handles?.sendError?.(error);
    if (self !== undefined) record.self = self;
    return record;
  }
}

// Fields the codec carries itself, and SpiderMonkey's non-standard own fields of every error.
const ERROR_OWN_FIELDS = new Set(['name', 'message', 'stack', 'cause', 'errors', 'fileName', 'lineNumber', 'columnNumber']);

function symbolRecord(symbol: symbol): Encoded {
  const wellKnown = WELL_KNOWN_SYMBOLS.find((name) => Symbol[name] === symbol);
  if (wellKnown) return { [TAG]: 'sym', w: wellKnown };
  const registered = Symbol.keyFor(symbol);
  if (registered !== undefined) return { [TAG]: 'sym', g: registered };
  return { [TAG]: 'sym', d: symbol.description ?? null };
}

/** Reads an Error's crossing fields, including own extra properties such as `code` or `package`. */
export function errorRecord(error: Error): ErrorRecord {
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (key !== 'name' && key !== 'message' && key !== 'stack') props[key] = (error as unknown as Record<string, unknown>)[key];
  }
  return { name: String(error.name), message: String(error.message), stack: typeof error.stack === 'string' ? error.stack : undefined, props };
}

// An own "__proto__" data property turns into a prototype change as soon as host code copies it with Object.assign.
const UNSAFE_KEY = '__proto__';
const MAX_DEPTH = 1000;

export function decode(text: string, handles?: Handles, options: DecodeOptions = {}): unknown {
  if (typeof text !== 'string') throw new BoundaryDecodeError('not a string');
  const maxLength = options.maxLength ?? DEFAULT_MAX_DECODE_LENGTH;
  if (text.length > maxLength) throw new BoundaryLimitError(text.length, maxLength, options.from);
  // Fast path for a string result.
  if (text.charCodeAt(0) === 34 /* " */) {
    try {
      return JSON.parse(text) as string;
    } catch (error) {
      throw new BoundaryDecodeError((error as Error).message);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BoundaryDecodeError(error instanceof Error ? error.message : 'unreadable JSON');
  }
  return new Decoder(handles).value(parsed, 0);
}

class Decoder {
  private readonly nodes: unknown[] = [];

  constructor(private readonly handles: Handles | undefined) {}

  value(value: unknown, depth: number): unknown {
    if (value === null || typeof value !== 'object') return value;
    if (depth > MAX_DEPTH) throw new BoundaryDecodeError('nesting is too deep');
    if (Array.isArray(value)) {
      const out: unknown[] = new Array(value.length);
      this.nodes.push(out);
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (!isHole(item)) out[i] = this.value(item, depth + 1);
      }
      return out;
    }
    const record = value as Record<string, unknown>;
    if (Object.hasOwn(record, TAG)) return this.tagged(record, depth);
    return this.plain(record, depth);
  }

  private plain(record: Record<string, unknown>, depth: number, bare = false): Record<string, unknown> {
    const out: Record<string, unknown> = bare ? Object.create(null) : {};
    this.nodes.push(out);
    for (const key of Object.keys(record)) {
      if (key !== UNSAFE_KEY) out[key] = this.value(record[key], depth + 1);
    }
    return out;
  }

  private tagged(record: Record<string, unknown>, depth: number): unknown {
    const tag = record[TAG];
    switch (tag) {
      case 'u':
      case 'hole':
        return undefined;
      case 'num':
        if (record.v === '-0') return -0;
        if (record.v === 'NaN' || record.v === 'Infinity' || record.v === '-Infinity') return Number(record.v);
        throw new BoundaryDecodeError(`bad number ${JSON.stringify(record.v)}`);
      case 'big':
        if (typeof record.v !== 'string' || !/^-?[\da-f]+$/.test(record.v)) throw new BoundaryDecodeError('bad bigint');
        return record.v[0] === '-' ? -BigInt(`0x${record.v.slice(1)}`) : BigInt(`0x${record.v}`);
      case 'sym':
        return decodeSymbol(record);
      case 'r': {
        const index = record.i;
        if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= this.nodes.length) throw new BoundaryDecodeError('bad reference');
        return this.nodes[index];
      }
      case 'o':
        if (!isRecord(record.v)) throw new BoundaryDecodeError('bad escaped object');
        return this.plain(record.v, depth + 1, record.bare === true);
      case 'date': {
        if (record.v !== null && typeof record.v !== 'number') throw new BoundaryDecodeError('bad date');
        const date = new Date(record.v === null ? NaN : record.v);
        this.nodes.push(date);
        return date;
      }
      case 're':
        return this.regexp(record);
      case 'box': {
        const inner = this.value(record.v, depth + 1);
        if (typeof inner !== 'string' && typeof inner !== 'number' && typeof inner !== 'boolean') throw new BoundaryDecodeError('bad boxed primitive');
        const boxed: unknown = Object(inner);
        this.nodes.push(boxed);
        return boxed;
      }
      case 'map': {
        const map = new Map<unknown, unknown>();
        this.nodes.push(map);
        for (const entry of arrayField(record.v, 'map')) {
          if (!Array.isArray(entry) || entry.length !== 2) throw new BoundaryDecodeError('bad map entry');
          map.set(this.value(entry[0], depth + 1), this.value(entry[1], depth + 1));
        }
        return map;
      }
      case 'set': {
        const set = new Set<unknown>();
        this.nodes.push(set);
        for (const item of arrayField(record.v, 'set')) set.add(this.value(item, depth + 1));
        return set;
      }
      case 'ab':
      case 'ta':
      case 'buf':
        return this.binary(tag, record);
      case 'err':
        return this.error(record, depth);
      case 'h':
      case 'cb':
        if (!this.handles) throw new BoundaryDecodeError('a handle arrived where none may');
        return this.handles.receive(record);
      default:
        throw new BoundaryDecodeError(`unknown tag ${JSON.stringify(tag)}`);
    }
  }

  private regexp(record: Record<string, unknown>): RegExp {
    if (typeof record.src !== 'string' || typeof record.flags !== 'string') throw new BoundaryDecodeError('bad regexp');
    let regexp: RegExp;
    try {
      regexp = new RegExp(record.src, record.flags);
    } catch (error) {
      throw new BoundaryDecodeError(`bad regexp: ${(error as Error).message}`);
    }
    if (typeof record.last === 'number' && Number.isInteger(record.last) && record.last >= 0) regexp.lastIndex = record.last;
    this.nodes.push(regexp);
    return regexp;
  }

  private binary(tag: 'ab' | 'ta' | 'buf', record: Record<string, unknown>): unknown {
    if (typeof record.v !== 'string') throw new BoundaryDecodeError('bad bytes');
    const bytes = base64ToBytes(record.v);
    let out: unknown;
    if (tag === 'buf') {
      const Buffer = bufferClass();
      out = Buffer ? Buffer.from(bytes) : bytes;
    } else {
      const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      if (tag === 'ab') out = copy;
      else {
        const Class = typeof record.c === 'string' && Object.hasOwn(TYPED_ARRAYS, record.c) ? TYPED_ARRAYS[record.c] : undefined;
        if (!Class) throw new BoundaryDecodeError(`unknown typed array ${JSON.stringify(record.c)}`);
        if (copy.byteLength % Class.BYTES_PER_ELEMENT !== 0) throw new BoundaryDecodeError(`${String(record.c)} bytes are not a whole number of elements`);
        out = new Class(copy);
      }
    }
    this.nodes.push(out);
    return out;
  }

  private error(record: Record<string, unknown>, depth: number): Error {
    const error = newError(typeof record.name === 'string' ? record.name : 'Error', typeof record.message === 'string' ? record.message : '', typeof record.stack === 'string' ? record.stack : undefined);
    this.nodes.push(error);
    if (record.props !== undefined) {
      if (!isRecord(record.props)) throw new BoundaryDecodeError('bad error fields');
      // A set, not a list scan per field: an error may carry tens of thousands of fields.
      const hidden = new Set<unknown>(Array.isArray(record.hidden) ? record.hidden : []);
      for (const key of Object.keys(record.props)) {
        if (key === UNSAFE_KEY) continue;
        Object.defineProperty(error, key, { value: this.value(record.props[key], depth + 1), enumerable: !hidden.has(key), writable: true, configurable: true });
      }
    }
    if (Object.hasOwn(record, 'cause')) Object.defineProperty(error, 'cause', { value: this.value(record.cause, depth + 1), configurable: true, writable: true, enumerable: false });
    if (Object.hasOwn(record, 'errors')) {
      const errors = this.value(record.errors, depth + 1);
      Object.defineProperty(error, 'errors', { value: Array.isArray(errors) ? errors : [], configurable: true, writable: true, enumerable: false });
    }
    if (isRecord(record.self) && this.handles?.adoptError) this.handles.adoptError(record.self, error);
    return error;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayField(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new BoundaryDecodeError(`bad ${what}`);
  return value;
}

function decodeSymbol(record: Record<string, unknown>): symbol {
  if (typeof record.w === 'string') {
    const name = WELL_KNOWN_SYMBOLS.find((known) => known === record.w);
    if (!name) throw new BoundaryDecodeError('unknown well-known symbol');
    return Symbol[name];
  }
  if (typeof record.g === 'string') return Symbol.for(record.g);
  return Symbol(typeof record.d === 'string' ? record.d : undefined);
}

const ERROR_CLASSES: Record<string, ErrorConstructor> = {
  Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError,
};

function newError(name: string, message: string, stack: string | undefined): Error {
  const Class = Object.hasOwn(ERROR_CLASSES, name) ? ERROR_CLASSES[name]! : name === 'AggregateError' ? undefined : Error;
  const error = Class ? new Class(message) : new AggregateError([], message);
  if (error.name !== name) Object.defineProperty(error, 'name', { value: name, configurable: true, writable: true, enumerable: false });
  if (stack !== undefined) {
    // SpiderMonkey stacks are bare frames ("fn@file:line:col"); Node prints `stack` alone, so lead with the message.
    const header = `${name}: ${message}`;
    const frames = stack.startsWith(header) ? stack : `${header}\n${stack.split('\n').filter(Boolean).map((frame) => `    at ${frame} [isolated]`).join('\n')}`;
    Object.defineProperty(error, 'stack', { value: frames, configurable: true, writable: true, enumerable: false });
  }
  return error;
}

/** Builds a host Error (of the matching built-in class) from a decoded ErrorRecord. */
export function rebuildError(value: unknown): Error {
  if (!isRecord(value)) throw new BoundaryDecodeError('bad error record');
  const record = value as Partial<ErrorRecord>;
  const error = newError(typeof record.name === 'string' ? record.name : 'Error', typeof record.message === 'string' ? record.message : '', typeof record.stack === 'string' ? record.stack : undefined);
  if (isRecord(record.props)) {
    for (const [key, prop] of Object.entries(record.props)) {
      if (key !== UNSAFE_KEY && key !== 'name' && key !== 'message' && key !== 'stack') (error as unknown as Record<string, unknown>)[key] = prop;
    }
  }
  return error;
}
