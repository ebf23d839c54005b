/**
 * The client half of node:http and node:https over isolate:guest/net (a guest never listens: createServer
 * is refused). The exchange happens when the request ends; the response streams like Node's IncomingMessage.
 */
import { Buffer } from 'buffer';
import stream from 'readable-stream/lib/ours/browser.js';
import { sendRequest } from '../net-request.ts';
import { EventEmitter } from './events.ts';

export interface RequestOptions {
  protocol?: string;
  hostname?: string;
  host?: string;
  port?: number | string;
  path?: string;
  method?: string;
  headers?: Record<string, string | string[] | number>;
  auth?: string;
  timeout?: number;
}

type ResponseListener = (response: IncomingMessage) => void;

// Node's own checks and messages (lib/_http_common.js, lib/_http_outgoing.js), thrown where Node throws them.
// The host checks every request again: these are here so that a package sees what it would see in Node.
const TOKEN = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/;
const INVALID_HEADER_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

function nodeTypeError(code: string, message: string): TypeError {
  return Object.assign(new TypeError(message), { code });
}

function validateHeader(name: string, value: unknown): void {
  if (typeof name !== 'string' || !name || !TOKEN.test(name)) throw nodeTypeError('ERR_INVALID_HTTP_TOKEN', `Header name must be a valid HTTP token ["${name}"]`);
  if (value === undefined) throw nodeTypeError('ERR_HTTP_INVALID_HEADER_VALUE', `Invalid value "${value}" for header "${name}"`);
  for (const item of Array.isArray(value) ? value : [value]) {
    if (INVALID_HEADER_CHAR.test(String(item))) throw nodeTypeError('ERR_INVALID_CHAR', `Invalid character in header content ["${name}"]`);
  }
}

export class IncomingMessage extends stream.Readable {
  statusCode = 0;
  statusMessage = '';
  headers: Record<string, string | string[]> = {};
  rawHeaders: string[] = [];
  url = '';
  httpVersion = '1.1';
  complete = false;
}

export class ClientRequest extends EventEmitter {
  private readonly headers = new Map<string, [string, string]>();
  private readonly chunks: Buffer[] = [];
  private ended = false;
  destroyed = false;
  readonly method: string;
  readonly path: string;
  readonly host: string;

  constructor(private readonly url: URL, options: RequestOptions, callback?: ResponseListener) {
    super();
    const method = options.method === '' ? 'GET' : (options.method ?? 'GET');
    if (typeof method !== 'string') throw nodeTypeError('ERR_INVALID_ARG_TYPE', `The "options.method" property must be of type string. Received ${typeof method}`);
    if (!TOKEN.test(method)) throw nodeTypeError('ERR_INVALID_HTTP_TOKEN', `Method must be a valid HTTP token ["${method}"]`);
    this.method = method.toUpperCase();
    this.path = url.pathname + url.search;
    this.host = url.hostname;
    for (const [name, value] of Object.entries(options.headers ?? {})) this.setHeader(name, value);
    if (options.auth) this.setHeader('authorization', `Basic ${Buffer.from(options.auth).toString('base64')}`);
    if (callback) this.once('response', callback);
  }

  setHeader(name: string, value: string | string[] | number): this {
    validateHeader(name, value);
    this.headers.set(name.toLowerCase(), [name, Array.isArray(value) ? value.join(', ') : String(value)]);
    return this;
  }
  getHeader(name: string): string | undefined {
    return this.headers.get(name.toLowerCase())?.[1];
  }
  removeHeader(name: string): void {
    this.headers.delete(name.toLowerCase());
  }
  setTimeout(_ms: number, callback?: () => void): this {
    if (callback) this.once('timeout', callback);
    return this;
  }
  setNoDelay(): void {}
  setSocketKeepAlive(): void {}
  flushHeaders(): void {}

  write(chunk: string | Uint8Array, encoding?: BufferEncoding | (() => void), callback?: () => void): boolean {
    this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8') : Buffer.from(chunk));
    const done = typeof encoding === 'function' ? encoding : callback;
    if (done) queueMicrotask(done);
    return true;
  }

  end(chunk?: string | Uint8Array | (() => void) | null, encoding?: BufferEncoding | (() => void) | null, callback?: () => void): this {
    if (typeof chunk === 'function') return this.end(undefined, undefined, chunk);
    // As Node's OutgoingMessage.end: no chunk when it is null or empty (follow-redirects ends with end(null, null, cb)).
    if (chunk) this.write(chunk, typeof encoding === 'string' ? encoding : undefined);
    const done = typeof encoding === 'function' ? encoding : callback;
    if (this.ended) return this;
    this.ended = true;
    // Like Node, the exchange starts after the caller has attached its listeners.
    queueMicrotask(() => {
      if (done) done();
      if (!this.destroyed) this.exchange();
    });
    return this;
  }

  abort(): void {
    this.destroy();
  }
  destroy(error?: Error): this {
    this.destroyed = true;
    if (error) queueMicrotask(() => this.emit('error', error));
    return this;
  }

  private exchange(): void {
    let response;
    try {
      response = sendRequest(this.url.href, this.method, [...this.headers.values()], this.chunks.length ? Buffer.concat(this.chunks) : undefined);
    } catch (error) {
      this.emit('error', error);
      return;
    }
    const message = new IncomingMessage({ read() {} });
    message.statusCode = response.status;
    message.statusMessage = response.statusText;
    message.url = response.url;
    for (const [name, value] of response.headers) {
      message.rawHeaders.push(name, value);
      const key = name.toLowerCase();
      const previous = message.headers[key];
      if (key === 'set-cookie') message.headers[key] = [...((previous as string[] | undefined) ?? []), value];
      else message.headers[key] = previous === undefined ? value : `${previous}, ${value}`;
    }
    message.push(response.body);
    message.push(null);
    message.complete = true;
    this.emit('response', message);
  }
}

function toUrl(input: string | URL | RequestOptions, defaultProtocol: string): { url: URL; options: RequestOptions } {
  if (typeof input === 'string' || input instanceof URL) return { url: new URL(String(input)), options: {} };
  const protocol = input.protocol ?? defaultProtocol;
  const host = input.hostname ?? (input.host ?? 'localhost').replace(/:\d+$/, '');
  const port = input.port ? `:${input.port}` : '';
  return { url: new URL(`${protocol}//${host.includes(':') ? `[${host}]` : host}${port}${input.path ?? '/'}`), options: input };
}

/** request(url[, options][, callback]) and request(options[, callback]), as in Node. */
export function clientFor(defaultProtocol: 'http:' | 'https:') {
  function request(input: string | URL | RequestOptions, optionsOrCallback?: RequestOptions | ResponseListener, callback?: ResponseListener): ClientRequest {
    const { url, options } = toUrl(input, defaultProtocol);
    const extra = typeof optionsOrCallback === 'object' ? optionsOrCallback : {};
    const listener = typeof optionsOrCallback === 'function' ? optionsOrCallback : callback;
    return new ClientRequest(url, { ...options, ...extra }, listener);
  }
  function get(input: string | URL | RequestOptions, optionsOrCallback?: RequestOptions | ResponseListener, callback?: ResponseListener): ClientRequest {
    const req = request(input, optionsOrCallback, callback);
    req.end();
    return req;
  }
  return { request, get };
}

export class Agent extends EventEmitter {
  readonly options: Record<string, unknown>;
  constructor(options?: Record<string, unknown>) {
    super();
    this.options = { ...options };
  }
  destroy(): void {}
}

export { METHODS, STATUS_CODES } from './http-constants.ts';
