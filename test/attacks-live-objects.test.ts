/**
 * Live host objects (issue 12, "a live host object is a capability"): the app hands a real `req`/`res` of a
 * server on 127.0.0.1, a class instance and an EventEmitter to the isolated `attack-vm2-escapes`, which runs the
 * vm2 escapes (CVE-2023-29017, -30547, -32314, -37466, -37903) and their variants against them. Asserted from
 * outside: the canaries (an env variable, a host file) never appear, the host's objects and prototypes are
 * untouched, the app's listeners are still there, and the process lives on to print its result.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp, runAppAsync, type RunResult } from './support/app.ts';
import { setUpOrFail } from './support/setup.ts';

const CANARY_ENV = 'CANARY-MEMBRANE-ENV-6f1d2a';
const CANARY_FILE = 'CANARY-MEMBRANE-FILE-93b7c0';

const APP = `
  import http from 'node:http';
  import util from 'node:util';
  import { EventEmitter } from 'node:events';
  import * as evil from 'attack-vm2-escapes';

  class Store {
    constructor() { this.count = 1; this.name = 'store'; }
    greet(who) { return 'hello ' + who; }
    bump() { this.count += 1; }
    describe(value) { return util.inspect(value) + String(value); }
    compare(value) { return value > 0; }
    isInstance(Class) { return this instanceof Class; }
    later() { return Promise.resolve('later'); }
    isSelf(value) { return value === this; }
  }
  const before = {
    objectKeys: Object.getOwnPropertyNames(Object.prototype).sort().join(),
    functionKeys: Object.getOwnPropertyNames(Function.prototype).sort().join(),
    incomingKeys: Object.getOwnPropertyNames(http.IncomingMessage.prototype).sort().join(),
    responseKeys: Object.getOwnPropertyNames(http.ServerResponse.prototype).sort().join(),
  };
  const store = new Store();
  const emitter = new EventEmitter();
  const hostListener = () => {};
  emitter.on('data', hostListener);
  let uncaught = [];
  process.on('uncaughtException', (error) => uncaught.push(String(error && error.message)));
  const out = {};

  const server = http.createServer((req, res) => {
    req.on('error', hostListener);
    const errorListenersBefore = req.listenerCount('error');
    if (req.url === '/again') {
      // Only serving: the server still works after the attack.
    } else if (req.url === '/honest') {
      out.honest = evil.honest(req, res, store, emitter);
      emitter.emit('ping', 7);
      out.afterHonest = { count: store.count, lastPing: emitter.lastPing, header: res.getHeader('x-honest') };
    } else {
      const holder = new (class Holder { constructor() { this.proc = process; this.realm = globalThis; } })();
      try {
        evil.attack({ proc: process }, process.argv[2]);
      } catch (error) {
        out.processRefused = error.code;
      }
      out.results = evil.attack({ req, res, store, emitter, holder }, process.argv[2]);
      out.host = {
        reqPrototype: Object.getPrototypeOf(req) === http.IncomingMessage.prototype,
        resPrototype: Object.getPrototypeOf(res) === http.ServerResponse.prototype,
        reqConstructor: req.constructor === http.IncomingMessage,
        storePrototype: Object.getPrototypeOf(store) === Store.prototype,
        urlDescriptor: typeof Object.getOwnPropertyDescriptor(req, 'url').value,
        url: req.url,
        method: req.method,
        objectKeys: Object.getOwnPropertyNames(Object.prototype).sort().join() === before.objectKeys,
        functionKeys: Object.getOwnPropertyNames(Function.prototype).sort().join() === before.functionKeys,
        incomingKeys: Object.getOwnPropertyNames(http.IncomingMessage.prototype).sort().join() === before.incomingKeys,
        responseKeys: Object.getOwnPropertyNames(http.ServerResponse.prototype).sort().join() === before.responseKeys,
        polluted: [({}).polluted, ({}).pollutedByGuest, (() => {}).pollutedByGuest, http.IncomingMessage.prototype.pollutedByGuest],
        reqErrorListeners: req.listenerCount('error') === errorListenersBefore,
        emitterListeners: emitter.listeners('data').length === 1 && emitter.listeners('data')[0] === hostListener,
        serverListeners: server.listenerCount('request'),
      };
    }
    setImmediate(() => res.end('done'));
  });
  server.listen(0, '127.0.0.1', async () => {
    const base = 'http://127.0.0.1:' + server.address().port;
    const honest = await fetch(base + '/honest', { headers: { 'x-probe': 'probe-value' } });
    out.honestStatus = [honest.status, await honest.text()];
    // The package may destroy the request it was given (a capability it holds): the connection may close.
    out.attackStatus = await fetch(base + '/attack').then(async (r) => [r.status, await r.text()], (e) => 'closed');
    // The server still serves after the attack.
    const again = await fetch(base + '/again');
    out.againStatus = again.status;
    setTimeout(() => {
      out.uncaught = uncaught;
      server.close();
      console.log(JSON.stringify(out));
    }, 300);
  });
`;

describe('live host objects in an isolated package: the vm2 escapes and their variants', () => {
  let run: RunResult;
  let out: Record<string, any>;

  setUpOrFail(async () => {
    const app = await buildApp('attacks-live-objects', {
      policy: { packages: { 'attack-vm2-escapes': { isolate: true } } },
      source: APP,
      files: { 'secret.txt': CANARY_FILE },
    });
    writeFileSync(path.join(app.dir, 'secret.txt'), CANARY_FILE);
    run = await runAppAsync(app, { MEMBRANE_CANARY: CANARY_ENV }, [path.join(app.dir, 'secret.txt')]);
    out = run.result;
    if (!out) throw new Error(`the app printed no result (status ${run.status}):\n${run.stderr.slice(-3000)}\n${run.stdout.slice(-2000)}`);
  });

  it('lets the package use the objects honestly: reads, writes, methods and events reach the host objects', () => {
    expect(out.honest).toEqual({ method: 'GET', url: '/honest', header: 'probe-value', remoteAddress: expect.stringMatching(/127\.0\.0\.1$/), greeting: 'hello guest', count: 1, sameSocket: true, sameRequest: true, sameMethod: true, backOnHost: true, protoIsGuestOwn: true });
    expect(out.afterHonest).toEqual({ count: 42, lastPing: 'pong 7', header: 'yes' });
    expect(out.honestStatus).toEqual([200, 'done']);
  });

  it('never lets a canary out: no host Function, no host process, no host file', () => {
    const everything = run.stdout + run.stderr;
    expect(everything).not.toContain(CANARY_ENV);
    expect(everything).not.toContain(CANARY_FILE);
    const results = out.results as Record<string, string>;
    expect(Object.keys(results).length).toBeGreaterThan(150);
    // Where an attempt did compile code, it was with the guest's own Function: its process has no canary.
    for (const [name, value] of Object.entries(results)) {
      if (value.startsWith('process?')) expect(value, name).toMatch(/^process\? undefined \| threw/);
    }
  });

  it('hides the internals that lead to native handles, the server, the app and its listeners', () => {
    const results = out.results as Record<string, string>;
    for (const label of ['req', 'res']) {
      for (const name of ['socket._handle', 'socket.server', 'connection.server', 'app', 'server', '_events', '_readableState', 'domain', 'socket._httpMessage']) {
        expect(results[`${label}.${name}`], `${label}.${name}`).toBe('undefined');
      }
      expect(results[`${label}.socket.on`]).toBe('string undefined');
      expect(results[`${label}.socket.destroy`]).toMatch(/refused|undefined/);
      expect(results[`${label}.listeners`]).not.toMatch(/process\?/);
      expect(results[`${label}.emit.error`]).not.toMatch(/boolean true/);
    }
    expect(results['emitter._events']).toBe('undefined');
    // process, the global object and CommonJS modules never cross: passed in, or read from an object.
    expect(out.processRefused).toBe('ERR_ISOLATE_HOST_REALM_OBJECT');
    expect(results['holder.holds process']).toMatch(/^refused: TypeError: isolate-deps: process cannot be passed into an isolated package/);
    expect(results['holder.holds globalThis']).toMatch(/^refused: TypeError: isolate-deps: the global object cannot be passed/);
  });

  it('leaves the host objects and prototypes untouched', () => {
    expect(out.host).toEqual({
      reqPrototype: true,
      resPrototype: true,
      reqConstructor: true,
      storePrototype: true,
      urlDescriptor: 'string',
      url: '/attack',
      method: 'GET',
      objectKeys: true,
      functionKeys: true,
      incomingKeys: true,
      responseKeys: true,
      polluted: [null, null, null, null],
      reqErrorListeners: true,
      emitterListeners: true,
      serverListeners: 1,
    });
  });

  it('keeps the host process alive and serving', () => {
    expect(run.status).toBe(0);
    expect(out.uncaught).toEqual([]);
    expect([JSON.stringify([200, 'done']), '"closed"']).toContain(JSON.stringify(out.attackStatus));
    expect(out.againStatus).toBe(200);
  });
});
