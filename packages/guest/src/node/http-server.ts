/**
 * The server-side classes of node:http. A guest never listens (creating a Server is refused when called), but
 * packages such as compression and on-headers patch ServerResponse.prototype at load time, and frameworks
 * build responses in memory: headers and status behave as in Node; without a socket nothing is sent.
 */
import stream from 'readable-stream/lib/ours/browser.js';
import { deniedFunction } from '../denial.ts';
import { STATUS_CODES } from './http-constants.ts';

type HeaderValue = number | string | readonly string[];
const TOKEN = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/;
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

function httpError(code: string, message: string, Type: ErrorConstructor | TypeErrorConstructor = TypeError): Error {
  return Object.assign(new Type(message), { code });
}

export function validateHeaderName(name: string, label = 'Header name'): void {
  if (typeof name !== 'string' || !name || !TOKEN.test(name)) throw httpError('ERR_INVALID_HTTP_TOKEN', `${label} must be a valid HTTP token ["${name}"]`);
}

export function validateHeaderValue(name: string, value: unknown): void {
  if (value === undefined) throw httpError('ERR_HTTP_INVALID_HEADER_VALUE', `Invalid value "${value}" for header "${name}"`);
  if (INVALID_VALUE.test(String(value))) throw httpError('ERR_INVALID_CHAR', `Invalid character in header content ["${name}"]`);
}

export class OutgoingMessage extends stream.Stream {
  readonly #headers = new Map<string, [string, HeaderValue]>();
  headersSent = false;
  finished = false;
  writableEnded = false;
  sendDate = false;
  chunkedEncoding = false;
  shouldKeepAlive = true;
  socket: null = null;
  readonly #chunks: unknown[] = [];

  setHeader(name: string, value: HeaderValue): this {
    if (this.headersSent) throw httpError('ERR_HTTP_HEADERS_SENT', 'Cannot set headers after they are sent to the client', Error);
    validateHeaderName(name);
    validateHeaderValue(name, value);
    this.#headers.set(name.toLowerCase(), [name, value]);
    return this;
  }

  appendHeader(name: string, value: HeaderValue): this {
    const previous = this.getHeader(name);
    if (previous === undefined) return this.setHeader(name, value);
    const list = [previous, value].flat().map(String);
    return this.setHeader(name, list);
  }

  getHeader(name: string): HeaderValue | undefined {
    return this.#headers.get(String(name).toLowerCase())?.[1];
  }

  getHeaders(): Record<string, HeaderValue> {
    const headers = Object.create(null) as Record<string, HeaderValue>;
    for (const [key, [, value]] of this.#headers) headers[key] = value;
    return headers;
  }

  getHeaderNames(): string[] {
    return [...this.#headers.keys()];
  }

  getRawHeaderNames(): string[] {
    return [...this.#headers.values()].map(([name]) => name);
  }

  hasHeader(name: string): boolean {
    return this.#headers.has(String(name).toLowerCase());
  }

  removeHeader(name: string): void {
    if (this.headersSent) throw httpError('ERR_HTTP_HEADERS_SENT', 'Cannot remove headers after they are sent to the client', Error);
    this.#headers.delete(String(name).toLowerCase());
  }

  flushHeaders(): void {
    this.headersSent = true;
  }

  write(chunk: unknown, encodingOrCallback?: unknown, callback?: () => void): boolean {
    this.headersSent = true;
    this.#chunks.push(chunk);
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    if (typeof done === 'function') queueMicrotask(() => done());
    return true;
  }

  end(chunk?: unknown, encodingOrCallback?: unknown, callback?: () => void): this {
    if (typeof chunk === 'function') [callback, chunk] = [chunk as () => void, undefined];
    if (chunk !== undefined && chunk !== null) this.write(chunk);
    this.headersSent = true;
    this.finished = this.writableEnded = true;
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    queueMicrotask(() => {
      this.emit('finish');
      if (typeof done === 'function') done();
    });
    return this;
  }
}

export class ServerResponse extends OutgoingMessage {
  statusCode = 200;
  statusMessage: string | undefined = undefined;
  readonly req: unknown;

  constructor(req: unknown, _options?: object) {
    super();
    this.req = req;
  }

  writeHead(statusCode: number, reasonOrHeaders?: string | Record<string, HeaderValue> | string[], headers?: Record<string, HeaderValue> | string[]): this {
    if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 999) throw httpError('ERR_HTTP_INVALID_STATUS_CODE', `Invalid status code: ${statusCode}`, RangeError);
    this.statusCode = statusCode;
    if (typeof reasonOrHeaders === 'string') this.statusMessage = reasonOrHeaders;
    else [headers, this.statusMessage] = [reasonOrHeaders, this.statusMessage ?? STATUS_CODES[statusCode] ?? 'unknown'];
    if (Array.isArray(headers)) for (let i = 0; i + 1 < headers.length; i += 2) this.setHeader(headers[i]!, headers[i + 1]!);
    else if (headers) for (const [name, value] of Object.entries(headers)) if (value !== undefined) this.setHeader(name, value);
    this.headersSent = true;
    return this;
  }

  writeContinue(): void {}
  writeProcessing(): void {}
  writeEarlyHints(): void {}
  assignSocket(): void {}
  detachSocket(): void {}
}

/** A guest cannot accept connections: the class exists (instanceof checks, subclassing), constructing it is refused. */
export const Server = Object.defineProperties(deniedFunction('net', 'listen (http.Server)'), { name: { value: 'Server' }, length: { value: 2 } });
export const createServer = Object.defineProperties(deniedFunction('net', 'listen (http.createServer)'), { name: { value: 'createServer' }, length: { value: 2 } });
