/**
 * What a package may reach through a live host object (see host-object-membrane.ts): one allowlist per kind of
 * object, chosen by `instanceof` on the host. Everything not listed is absent to the guest. Node's own internals
 * (`_handle`, `_events`, the server, the parser, stream states) are never listed, nor is anything that leads to
 * the host's `Function` (`constructor`, prototypes, accessor functions).
 */

/** The kinds of live host objects, each with its own allowlist. */
export type HostObjectKind = 'request' | 'response' | 'socket' | 'duplex' | 'readable' | 'writable' | 'emitter' | 'promise' | 'instance';

/** Keys no live object exposes or accepts, whatever its kind: the routes to the host realm and to Node's internals. */
export const BLOCKED_KEYS: ReadonlySet<string> = new Set([
  'constructor', 'prototype', '__proto__', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__',
  '_events', '_eventsCount', '_maxListeners', 'domain', 'listeners', 'rawListeners', 'emit', 'removeAllListeners',
  '_handle', '_parent', '_server', 'server', 'parser', '_httpMessage', 'app', '_readableState', '_writableState',
]);

/** Keys a guest may never write (the rest of BLOCKED_KEYS may be set, and then read back, as the guest's own values). */
export const NEVER_WRITTEN: ReadonlySet<string> = new Set([
  'constructor', 'prototype', '__proto__', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__',
  '_events', '_eventsCount', '_maxListeners', 'domain', '_handle', '_readableState', '_writableState', 'socket', 'connection', 'client', 'parser', '_httpMessage',
]);

// Listener registration only: emitting, listing and removing the app's listeners are not offered.
const EMITTER_METHODS = ['on', 'once', 'addListener', 'prependListener', 'prependOnceListener', 'removeListener', 'off', 'listenerCount', 'setMaxListeners', 'getMaxListeners'];
const READABLE_METHODS = [...EMITTER_METHODS, 'read', 'pause', 'resume', 'isPaused', 'pipe', 'unpipe', 'setEncoding', 'destroy'];
const WRITABLE_METHODS = [...EMITTER_METHODS, 'write', 'end', 'cork', 'uncork', 'setDefaultEncoding', 'destroy'];
const READABLE_DATA = ['readable', 'readableEnded', 'readableFlowing', 'readableHighWaterMark', 'readableLength', 'readableObjectMode', 'readableEncoding', 'readableAborted', 'readableDidRead', 'destroyed', 'closed', 'errored'];
const WRITABLE_DATA = ['writable', 'writableEnded', 'writableFinished', 'writableLength', 'writableHighWaterMark', 'writableObjectMode', 'writableCorked', 'writableNeedDrain', 'destroyed', 'closed', 'errored'];

interface Allowlist {
  /** Methods, offered bound to the object. */
  methods: ReadonlySet<string>;
  /** Data and getters, whose values cross under the same rules. */
  data: ReadonlySet<string>;
  /** Members defined by the object itself or an app class above the Node base class follow the class-instance rule. */
  ownClassMembers: boolean;
  /** Whether the guest may add or change fields. */
  writable: boolean;
}

const list = (...keys: string[][]): ReadonlySet<string> => new Set(keys.flat());

const ALLOWLISTS: Record<HostObjectKind, Allowlist> = {
  request: {
    methods: list(READABLE_METHODS, ['setTimeout']),
    data: list(READABLE_DATA, ['headers', 'headersDistinct', 'rawHeaders', 'trailers', 'trailersDistinct', 'rawTrailers', 'method', 'url', 'httpVersion', 'httpVersionMajor', 'httpVersionMinor', 'statusCode', 'statusMessage', 'complete', 'aborted', 'upgrade', 'socket', 'connection', 'res']),
    ownClassMembers: false,
    writable: true,
  },
  response: {
    methods: list(WRITABLE_METHODS, ['setHeader', 'setHeaders', 'appendHeader', 'getHeader', 'getHeaders', 'getHeaderNames', 'hasHeader', 'removeHeader', 'writeHead', 'flushHeaders', 'setTimeout', 'addTrailers', 'writeContinue', 'writeProcessing', 'writeEarlyHints']),
    // `_header` is the header block once sent (morgan and on-headers read it).
    data: list(WRITABLE_DATA, ['statusCode', 'statusMessage', 'headersSent', 'finished', 'sendDate', 'chunkedEncoding', 'shouldKeepAlive', 'useChunkedEncodingByDefault', 'strictContentLength', 'socket', 'connection', 'req', '_header', '_headerSent']),
    ownClassMembers: false,
    writable: true,
  },
  // Addresses and state only: a package cannot write to, read from, destroy or reach the server through it.
  socket: {
    methods: list(['on', 'once', 'addListener', 'prependListener', 'removeListener', 'off']),
    data: list(['remoteAddress', 'remotePort', 'remoteFamily', 'localAddress', 'localPort', 'localFamily', 'encrypted', 'authorized', 'readable', 'writable', 'destroyed', 'bytesRead', 'bytesWritten', 'pending', 'connecting', 'readyState']),
    ownClassMembers: false,
    writable: false,
  },
  duplex: { methods: list(READABLE_METHODS, WRITABLE_METHODS), data: list(READABLE_DATA, WRITABLE_DATA), ownClassMembers: true, writable: true },
  readable: { methods: list(READABLE_METHODS), data: list(READABLE_DATA), ownClassMembers: true, writable: true },
  writable: { methods: list(WRITABLE_METHODS), data: list(WRITABLE_DATA), ownClassMembers: true, writable: true },
  emitter: { methods: list(EMITTER_METHODS), data: list([]), ownClassMembers: true, writable: true },
  promise: { methods: list(['then', 'catch', 'finally']), data: list([]), ownClassMembers: false, writable: false },
  instance: { methods: list([]), data: list([]), ownClassMembers: true, writable: true },
};

export function allowlistOf(kind: HostObjectKind): Allowlist {
  return ALLOWLISTS[kind];
}

type Constructor = abstract new (...args: never[]) => object;
interface NodeClasses {
  IncomingMessage?: Constructor;
  OutgoingMessage?: Constructor;
  Socket?: Constructor;
  Duplex?: Constructor;
  Readable?: Constructor;
  Writable?: Constructor;
  EventEmitter?: Constructor;
  Module?: Constructor;
  /** Prototypes of Node's base classes: their members follow the kind's allowlist, never the class-instance rule. */
  basePrototypes: Set<object>;
}

let classes: NodeClasses | undefined;

/** Node's classes, loaded lazily (the runtime also runs in browsers, where every object is an instance or a promise). */
function nodeClasses(): NodeClasses {
  if (classes) return classes;
  const load = (globalThis as { process?: { getBuiltinModule?: (id: string) => any } }).process?.getBuiltinModule;
  const http = load?.('node:http');
  const net = load?.('node:net');
  const stream = load?.('node:stream');
  const events = load?.('node:events');
  const modules = load?.('node:module');
  const basePrototypes = new Set<object>([Object.prototype]);
  for (const Class of [http?.IncomingMessage, http?.OutgoingMessage, http?.ServerResponse, http?.ClientRequest, net?.Socket, stream?.Stream, stream?.Readable, stream?.Writable, stream?.Duplex, stream?.Transform, stream?.PassThrough, events?.EventEmitter]) {
    if (typeof Class === 'function') basePrototypes.add(Class.prototype);
  }
  classes = { IncomingMessage: http?.IncomingMessage, OutgoingMessage: http?.OutgoingMessage, Socket: net?.Socket, Duplex: stream?.Duplex, Readable: stream?.Readable, Writable: stream?.Writable, EventEmitter: events?.EventEmitter, Module: modules?.Module, basePrototypes };
  return classes;
}

const is = (value: object, Class: Constructor | undefined): boolean => Class !== undefined && value instanceof Class;

/**
 * The host realm's own objects never cross as live handles: through `process` (its `mainModule.require`), the
 * global object or a CommonJS `module`, a package would reach code loading. Passing one in is an error.
 */
function refuseHostRealm(value: object): void {
  const host = globalThis as { process?: object };
  const Module = nodeClasses().Module;
  if (value === globalThis || value === host.process || (Module !== undefined && value instanceof Module)) {
    const what = value === globalThis ? 'the global object' : value === host.process ? 'process' : 'a CommonJS module object';
    throw Object.assign(new TypeError(`isolate-deps: ${what} cannot be passed into an isolated package`), { code: 'ERR_ISOLATE_HOST_REALM_OBJECT' });
  }
}

/** The kind of a live host object, most specific first; refuses the host realm's own objects. */
export function kindOf(value: object): HostObjectKind {
  refuseHostRealm(value);
  const c = nodeClasses();
  if (is(value, c.IncomingMessage)) return 'request';
  if (is(value, c.OutgoingMessage)) return 'response';
  if (is(value, c.Socket)) return 'socket';
  if (is(value, c.Duplex)) return 'duplex';
  if (is(value, c.Readable)) return 'readable';
  if (is(value, c.Writable)) return 'writable';
  if (is(value, c.EventEmitter)) return 'emitter';
  if (value instanceof Promise) return 'promise';
  return 'instance';
}

/** Whether `owner` (where a member was found) is a prototype of Node's base classes or Object.prototype. */
export function isBasePrototype(owner: object): boolean {
  return nodeClasses().basePrototypes.has(owner);
}
