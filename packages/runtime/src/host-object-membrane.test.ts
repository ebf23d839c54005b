import { EventEmitter } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLiveHostObject, kindOf, performOnHostObject } from './host-object-membrane.ts';

const get = (object: object, key: string) => performOnHostObject(object, ['g', key]) as unknown[];
const set = (object: object, key: string, value: unknown) => performOnHostObject(object, ['s', key, value]);

describe('the host object membrane on a real request and response', () => {
  let server: http.Server;
  let req: http.IncomingMessage;
  let res: http.ServerResponse;

  beforeAll(async () => {
    server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const arrived = new Promise<void>((resolve) =>
      server.once('request', (q, s) => {
        req = q;
        res = s;
        resolve();
      }),
    );
    void fetch(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}/x?y=1`, { headers: { 'x-a': 'b' } }).catch(() => {});
    await arrived;
  });
  afterAll(() => {
    res.end();
    server.closeAllConnections();
    server.close();
  });

  it('chooses the kind by instanceof', () => {
    expect([kindOf(req), kindOf(res), kindOf(req.socket), kindOf(new EventEmitter()), kindOf(Promise.resolve()), kindOf(new (class A {})())]).toEqual(['request', 'response', 'socket', 'emitter', 'promise', 'instance']);
    expect([isLiveHostObject({}), isLiveHostObject([]), isLiveHostObject(new Date()), isLiveHostObject(Buffer.from('x')), isLiveHostObject(req)]).toEqual([false, false, false, false, true]);
  });

  it('answers the listed data and methods, with methods bound to their object', () => {
    expect(get(req, 'url')).toEqual(['/x?y=1']);
    expect((get(req, 'headers')[0] as Record<string, string>)['x-a']).toBe('b');
    expect(get(req, 'socket')[0]).toBe(req.socket);
    const setHeader = get(res, 'setHeader')[0] as (...args: unknown[]) => unknown;
    expect(setHeader).not.toBe(http.ServerResponse.prototype.setHeader);
    expect(get(res, 'setHeader')[0]).toBe(setHeader);
    setHeader.call(undefined, 'x-set', '1');
    expect(res.getHeader('x-set')).toBe('1');
  });

  it('hides internals, realm routes and the socket’s methods', () => {
    for (const key of ['constructor', '__proto__', '_events', 'listeners', 'emit', 'removeAllListeners', '_readableState', 'client', 'domain', 'app', '__lookupGetter__', 'toString']) expect(get(req, key), key).toEqual([]);
    for (const key of ['_handle', 'server', 'write', 'destroy', 'end', '_httpMessage', 'constructor']) expect(get(req.socket, key), key).toEqual([]);
    expect(get(req.socket, 'remoteAddress')).toEqual(['127.0.0.1']);
  });

  it('refuses writes to prototype keys and internals, and to a socket; keeps the guest’s own writes readable', () => {
    for (const key of ['constructor', '__proto__', 'prototype', 'socket', '_events']) expect(() => set(req, key, {}), key).toThrow(TypeError);
    expect(() => set(req.socket, 'x', 1)).toThrow(/read-only/);
    expect(() => set(res, 'headersSent', true)).toThrow(/accessor/);
    const app = { mine: true };
    set(req, 'app', app);
    expect(get(req, 'app')).toEqual([app, 1]);
    expect(Object.getPrototypeOf(req)).toBe(http.IncomingMessage.prototype);
  });

  it('deletes only what the guest added', () => {
    set(req, 'body', { a: 1 });
    expect(performOnHostObject(req, ['x', 'body'])).toBe(true);
    expect(performOnHostObject(req, ['x', 'url'])).toBe(false);
    expect(req.url).toBe('/x?y=1');
  });
});

describe('the class-instance rule', () => {
  class Account {
    name = 'acct';
    _cache = { a: 1 };
    _client = new EventEmitter();
    handler = () => 'own function';
    get label() {
      return `label ${this.name}`;
    }
    greet() {
      return 'hi';
    }
    _secret() {
      return 'secret';
    }
  }
  const account = new Account();

  it('exposes own data and prototype methods and getters, not own functions or underscored objects and methods', () => {
    expect(get(account, 'name')).toEqual(['acct']);
    expect(get(account, 'label')).toEqual(['label acct']);
    expect(typeof get(account, 'greet')[0]).toBe('function');
    expect(get(account, '_cache')).toEqual([{ a: 1 }]);
    for (const key of ['_client', 'handler', '_secret', 'constructor', 'hasOwnProperty']) expect(get(account, key), key).toEqual([]);
    expect(performOnHostObject(account, ['k'])).toEqual(['name', '_cache']);
  });

  it('refuses process and the global object', () => {
    expect(() => kindOf(process)).toThrow(/process cannot be passed/);
    expect(() => kindOf(globalThis)).toThrow(/global object/);
  });
});
