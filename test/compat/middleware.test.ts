/**
 * Isolated middleware on a real server (issue 12): the server runs in the host on 127.0.0.1, real requests come
 * from fetch, and each middleware (cookie-parser, body-parser, morgan, compression, an express app) runs isolated
 * with no grant, called as mw(req, res, next) with the host's real req/res, which cross as live handles. The same
 * middleware also runs natively in the same process on the same requests; status, headers (but Date) and body
 * must match.
 */
import { describe, expect, it } from 'vitest';
import { buildApp, REPO, runAppAsync, type RunResult } from '../support/app.ts';
import { setUpOrFail } from '../support/setup.ts';

const APP = `
  import http from 'node:http';
  import crypto from 'node:crypto';
  import path from 'node:path';
  import { createRequire } from 'node:module';
  import cookieParser from 'cookie-parser';
  import bodyParser from 'body-parser';
  import morgan from 'morgan';
  import compression from 'compression';
  import { createApp } from 'express-app';

  // Loaded outside the bundle, so these are the real packages running natively.
  const requireNative = createRequire(path.join(process.argv[2], 'package.json'));
  const native = {
    cookieParser: requireNative('cookie-parser'),
    bodyParser: requireNative('body-parser'),
    morgan: requireNative('morgan'),
    compression: requireNative('compression'),
    createApp: requireNative('express-app').createApp,
  };
  const isolated = { cookieParser, bodyParser, morgan, compression, createApp };
  const out = {};
  const failures = [];

  /** A server that runs the middleware chain, then the handler; errors passed to next() become a 4xx/5xx text. */
  function serve(chain, handler) {
    const server = http.createServer((req, res) => {
      let index = 0;
      const next = (error) => {
        if (error) {
          res.statusCode = error.status ?? 500;
          res.setHeader('content-type', 'text/plain');
          res.end('next(error): ' + error.status + ' ' + (error.type ?? '') + ' ' + error.message);
          return;
        }
        const mw = chain[index++];
        if (!mw) return handler(req, res);
        try {
          mw(req, res, next);
        } catch (thrown) {
          failures.push({ url: req.url, name: thrown.name, code: thrown.code, message: thrown.message });
          setImmediate(() => {
            res.statusCode = 500;
            res.end('middleware threw ' + thrown.code);
          });
        }
      };
      next();
    });
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
  }

  async function exchange(server, url, init) {
    const response = await fetch('http://127.0.0.1:' + server.address().port + url, { redirect: 'manual', ...init });
    const headers = Object.fromEntries([...response.headers].filter(([name]) => name !== 'date' && name !== 'keep-alive' && name !== 'connection'));
    return { status: response.status, headers, body: await response.text() };
  }

  /** The same requests against the isolated and the native chain. */
  async function compare(name, makeChain, handler, requests) {
    out[name] = {};
    for (const [side, packages] of [['isolated', isolated], ['native', native]]) {
      const server = await serve(makeChain(packages), handler);
      const results = [];
      for (const [url, init] of requests) results.push(await exchange(server, url, init));
      await new Promise((resolve) => setTimeout(resolve, 50));
      server.closeAllConnections();
      server.close();
      out[name][side] = results;
    }
  }

  const json = (res, value) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(value));
  };
  const later = (fn) => (req, res) => setImmediate(() => fn(req, res));

  const signed = (value, secret) => 's:' + value + '.' + crypto.createHmac('sha256', secret).update(value).digest('base64').replace(/=+$/, '');

  await compare('cookie-parser', (p) => [p.cookieParser('keyboard cat')], (req, res) => json(res, { cookies: req.cookies, signedCookies: req.signedCookies, secret: typeof req.secret }), [
    ['/', { headers: { cookie: 'plain=1; obj=j%3A%7B%22x%22%3A%5B1%2C2%5D%7D; signed=' + encodeURIComponent(signed('hello', 'keyboard cat')) + '; forged=' + encodeURIComponent('s:hello.bad') } }],
    ['/none', {}],
  ]);

  const post = (body, type) => ({ method: 'POST', headers: { 'content-type': type }, body });
  await compare('body-parser json', (p) => [p.bodyParser.json()], (req, res) => json(res, { body: req.body, hasBody: 'body' in req }), [
    ['/', post(JSON.stringify({ a: [1, 2], b: { c: 'd' }, u: 'üñí' }), 'application/json')],
    ['/bad', post('{"a":', 'application/json')],
    ['/text', post('not json', 'text/plain')],
    ['/get', {}],
  ]);
  await compare('body-parser urlencoded', (p) => [p.bodyParser.urlencoded({ extended: true })], (req, res) => json(res, { body: req.body }), [
    ['/', post('a=1&b[c]=2&b[d]=3&list=x&list=y', 'application/x-www-form-urlencoded')],
  ]);

  const lines = { isolated: [], native: [] };
  let side = 0;
  await compare('morgan', (p) => [p.morgan('combined', { stream: { write: ((bucket) => (line) => bucket.push(line))(lines[side++ === 0 ? 'isolated' : 'native']) } })], later((req, res) => {
    const body = 'logged ' + req.url;
    res.setHeader('content-type', 'text/plain');
    res.setHeader('content-length', Buffer.byteLength(body));
    res.end(body);
  }), [
    ['/a?b=c', { headers: { referer: 'http://example.test/', 'user-agent': 'middleware-test' } }],
    ['/missing', {}],
  ]);
  out.morganLines = lines;

  // A handler that responds synchronously, inside morgan's call: res.end() calls the writeHead morgan replaced.
  const syncFailures = failures.length;
  out.morganSync = await (async () => {
    const server = await serve([isolated.morgan('tiny', { stream: { write: () => {} } })], (req, res) => res.end('sync'));
    const result = await exchange(server, '/sync', {});
    server.closeAllConnections();
    server.close();
    return { result, failures: failures.slice(syncFailures) };
  })();

  await compare('compression', (p) => [p.compression({ threshold: 0 })], later((req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end('compress me '.repeat(500) + req.url);
  }), [
    ['/gzip', { headers: { 'accept-encoding': 'gzip' } }],
    ['/deflate', { headers: { 'accept-encoding': 'deflate' } }],
    ['/identity', { headers: { 'accept-encoding': 'identity' } }],
  ]);

  const apps = { isolated: isolated.createApp(), native: native.createApp() };
  // Called without next, as an app is mounted on a server: unmatched routes and errors go to express's finalhandler.
  await compare('express', (p) => [(req, res) => (p === isolated ? apps.isolated : apps.native)(req, res)], () => {}, [
    ['/hello?name=membrane', {}],
    ['/items/42', { headers: { 'x-client': 'fetch' } }],
    ['/echo', post(JSON.stringify({ n: 1, list: ['a'] }), 'application/json')],
    ['/cookie', {}],
    ['/redirect', {}],
    ['/missing', {}],
    ['/boom', {}],
  ]);
  out.failures = failures.slice(0, syncFailures);
  console.log(JSON.stringify(out));
`;

describe('isolated middleware with a real server’s req/res, against the same middleware run natively', () => {
  let run: RunResult;
  let out: Record<string, any>;

  setUpOrFail(async () => {
    const app = await buildApp('compat-middleware', {
      policy: { packages: { 'cookie-parser': { isolate: true }, 'body-parser': { isolate: true }, morgan: { isolate: true }, compression: { isolate: true }, 'express-app': { isolate: true } } },
      source: APP,
    });
    run = await runAppAsync(app, {}, [REPO], { timeoutMs: 120_000 });
    out = run.result;
    if (!out) throw new Error(`the app printed no result (status ${run.status}):\n${run.stderr.slice(-3000)}\n${run.stdout.slice(-2000)}`);
  });

  const same = (name: string) => {
    expect(out[name].isolated).toEqual(out[name].native);
  };

  it('cookie-parser: req.cookies and req.signedCookies reach the host handler', () => {
    same('cookie-parser');
    // The signed cookies (and the forged one) leave req.cookies for req.signedCookies: changes after it was stored.
    expect(JSON.parse(out['cookie-parser'].isolated[0].body)).toEqual({ cookies: { plain: '1', obj: { x: [1, 2] } }, signedCookies: { signed: 'hello', forged: false }, secret: 'string' });
  });

  it('body-parser json: req.body reaches the host handler; a bad body is a 400 through next(error)', () => {
    // The parse error's message is the engine's own (SpiderMonkey's JSON.parse words it differently from V8's).
    const withoutMessage = (results: any[]) => results.map((r) => (r.status === 400 ? { status: r.status, body: r.body.split(' ').slice(0, 3).join(' ') } : r));
    expect(withoutMessage(out['body-parser json'].isolated)).toEqual(withoutMessage(out['body-parser json'].native));
    const [ok, bad] = out['body-parser json'].isolated;
    expect(JSON.parse(ok.body)).toEqual({ body: { a: [1, 2], b: { c: 'd' }, u: 'üñí' }, hasBody: true });
    expect(bad.status).toBe(400);
  });

  it('body-parser urlencoded (extended): req.body reaches the host handler', () => {
    same('body-parser urlencoded');
    expect(JSON.parse(out['body-parser urlencoded'].isolated[0].body)).toEqual({ body: { a: '1', b: { c: '2', d: '3' }, list: ['x', 'y'] } });
  });

  it('morgan: the same log lines as native (but the date)', () => {
    same('morgan');
    const strip = (line: string) => line.replace(/\[[^\]]+\]/, '[date]');
    expect(out.morganLines.isolated.map(strip)).toEqual(out.morganLines.native.map(strip));
    expect(out.morganLines.isolated).toHaveLength(2);
    expect(out.morganLines.isolated[0]).toMatch(/^127\.0\.0\.1 - - \[.+\] "GET \/a\?b=c HTTP\/1\.1" 200 \d+ "http:\/\/example\.test\/" "middleware-test"\n$/);
  });

  it('morgan with a handler that responds synchronously: a clear re-entrancy error naming the package and the fix', () => {
    expect(out.morganSync.failures).toEqual([{ url: '/sync', name: 'IsolateReentrancyError', code: 'ERR_ISOLATE_REENTRANT', message: expect.stringContaining('"morgan" was called again while a call into it is still running') }]);
    expect(out.morganSync.failures[0].message).toContain('Respond asynchronously');
    expect(out.morganSync.result.status).toBe(500);
  });

  it('compression: a gzip or deflate response the client decodes, headers as native', () => {
    same('compression');
    const [gzip, deflate, identity] = out.compression.isolated;
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(deflate.headers['content-encoding']).toBe('deflate');
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(gzip.body).toBe(`${'compress me '.repeat(500)}/gzip`);
  });

  it('express: an isolated app with its own routes serves the same responses as native', () => {
    const { isolated, native } = out.express;
    // A thrown error renders err.stack in development mode: SpiderMonkey's frames ("fn@file:line:col", no
    // "Error: boom" header line) differ from V8's, and so does the length.
    const withoutStack = (results: any[]) => results.map((r) => (r.status === 500 ? { status: r.status, contentType: r.headers['content-type'], page: r.body.startsWith('<!DOCTYPE html>') } : r));
    expect(withoutStack(isolated)).toEqual(withoutStack(native));
    expect(isolated.map((r: any) => r.status)).toEqual([200, 200, 201, 200, 302, 404, 500]);
  });

  it('no middleware call failed on the asynchronous paths', () => {
    expect(out.failures).toEqual([]);
  });
});
