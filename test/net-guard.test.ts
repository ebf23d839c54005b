/**
 * The net channel under a hostile package (test/attacks/net-abuse): bad headers and methods, its own Host,
 * framing tricks, names that resolve to loopback, servers that never answer, and hundreds of instances.
 * Everything is asserted from outside: the host process survives and exits cleanly, a recording server on
 * 127.0.0.1 sees only what the host decided to send, and the process's threads and memory stay bounded.
 */
import { once } from 'node:events';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { setUpOrFail } from './support/setup.ts';
import { buildApp, runAppAsync, type RunResult } from './support/app.ts';

/** Larger than the 32 MB memory limit of the package that asks for it. */
const BIG_BODY_BYTES = 40 * 1024 * 1024;

interface Seen {
  method: string;
  url: string;
  host: string | undefined;
  authorization: string | undefined;
  body: string;
}

/** Records every request it parses, with its Host and Authorization headers; answers 200, or redirects /go?to=<url>. */
async function startHostRecorder(): Promise<{ url: string; port: number; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', host: req.headers.host, authorization: req.headers.authorization, body });
      const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to');
      if (req.url?.startsWith('/go?') && to) return void res.writeHead(302, { location: to }).end();
      if (req.url === '/big') return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.alloc(BIG_BODY_BYTES, 120));
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`ok ${req.url}`);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, port, seen, close: () => new Promise((r) => server.close(() => r())) };
}

/** Accepts connections and never answers. */
async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

const APP_PRELUDE = `
  import * as abuse from 'attack-net-abuse';
  import { readdirSync } from 'node:fs';
  const config = JSON.parse(process.argv[2]);
  const out = {};
  const run = (name, fn) => { try { out[name] = fn(); } catch (e) { out[name] = { hostCaught: e.code ?? e.message }; } };
  const threads = () => readdirSync('/proc/self/task').length;
`;

/** Hostile requests, then an honest one: the process must still be there to print the results. */
const HOSTILE_APP = `${APP_PRELUDE}
  const api = config.api;
  run('rawCrlf', () => abuse.raw(api + '/crlf', 'GET', [['X-Note', 'a\\r\\nInjected: yes']]));
  run('rawLf', () => abuse.raw(api + '/lf', 'GET', [['X-Note', 'a\\nInjected: yes']]));
  run('rawNul', () => abuse.raw(api + '/nul', 'GET', [['X-Note', 'a\\u0000b']]));
  run('rawBadName', () => abuse.raw(api + '/name', 'GET', [['Bad Name', 'x']]));
  run('rawColonName', () => abuse.raw(api + '/colon', 'GET', [['X-A:B', 'x']]));
  run('rawBadMethod', () => abuse.raw(api + '/method', 'GET /smuggled HTTP/1.1\\r\\nX:', []));
  run('rawSpaceMethod', () => abuse.raw(api + '/space', 'GE T', []));
  run('rawShape', () => abuse.rawText(JSON.stringify({ url: api + '/shape', method: 'GET', headers: 'nope' })));
  run('rawShapePair', () => abuse.rawText(JSON.stringify({ url: api + '/pair', method: 'GET', headers: [[1, {}]] })));
  run('rawShapeBody', () => abuse.rawText(JSON.stringify({ url: api + '/body', method: 'POST', headers: [], body: { length: 1e9 } })));
  run('rawNotJson', () => abuse.rawText('not json'));
  run('rawConnect', () => abuse.raw(api + '/connect', 'CONNECT', []));
  run('rawHost', () => abuse.raw(api + '/host-raw', 'GET', [['Host', 'evil.example']]));
  run('rawSmuggle', () => abuse.raw(api + '/framing', 'POST', [['Content-Length', '0']], 'GET /smuggled HTTP/1.1\\r\\nHost: evil.example\\r\\n\\r\\n'));
  run('rawChunked', () => abuse.raw(api + '/chunked', 'POST', [['Transfer-Encoding', 'chunked']], '0\\r\\n\\r\\nGET /smuggled-chunked HTTP/1.1\\r\\nHost: evil.example\\r\\n\\r\\n'));
  run('httpCrlf', () => abuse.startHttp('httpCrlf', api + '/h-crlf', { headers: { 'X-Note': 'a\\r\\nInjected: yes' } }));
  run('httpBadName', () => abuse.startHttp('httpBadName', api + '/h-name', { headers: { 'Bad Name': 'x' } }));
  run('httpBadMethod', () => abuse.startHttp('httpBadMethod', api + '/h-method', { method: 'GE T' }));
  run('httpHost', () => abuse.startHttp('httpHost', api + '/h-host', { headers: { Host: 'evil.example' } }));
  run('fetchBadMethod', () => abuse.startFetch('fetchBadMethod', api + '/f-method', { method: 'GE T' }));
  run('fetchHost', () => abuse.startFetch('fetchHost', api + '/f-host', { headers: { Host: 'evil.example' } }));
  run('byName', () => abuse.raw('http://localhost:' + config.port + '/by-name', 'GET', []));
  run('httpByName', () => abuse.startHttp('httpByName', 'http://localhost:' + config.port + '/h-by-name', {}));
  run('byIp', () => abuse.raw(api + '/by-ip', 'GET', []));
  const token = [['Authorization', 'Bearer CANARY-NET-TOKEN']];
  run('redirectOut', () => abuse.raw(api + '/go?to=' + encodeURIComponent(config.other + '/landed'), 'GET', token));
  run('redirectSame', () => abuse.raw(api + '/go?to=' + encodeURIComponent(api + '/same-landed'), 'GET', token));
  setTimeout(() => {
    out.http = abuse.httpResults();
    // A server that never answers: the request fails in the guest, and the host goes on.
    run('silent', () => abuse.raw('http://127.0.0.1:' + config.silentPort + '/silent', 'GET', []));
    run('after', () => abuse.raw(api + '/after', 'GET', []));
    console.log(JSON.stringify(out));
  }, 300);
`;

describe('the net channel under hostile guest input', () => {
  let api: Awaited<ReturnType<typeof startHostRecorder>>;
  let other: Awaited<ReturnType<typeof startHostRecorder>>;
  let silent: Awaited<ReturnType<typeof startSilentServer>>;
  let run: RunResult;
  let out: Record<string, any>;

  setUpOrFail(async () => {
    [api, other, silent] = await Promise.all([startHostRecorder(), startHostRecorder(), startSilentServer()]);
    const app = await buildApp('net-guard-hostile', {
      policy: { packages: { 'attack-net-abuse': { isolate: true, allow: { net: [`127.0.0.1:${api.port}`, `127.0.0.1:${other.port}`, `127.0.0.1:${silent.port}`, `localhost:${api.port}`] } } } },
      source: HOSTILE_APP,
    });
    run = await runAppAsync(app, {}, [JSON.stringify({ api: api.url, other: other.url, port: api.port, silentPort: silent.port })]);
    out = run.result ?? {};
  });
  afterAll(async () => {
    await api?.close();
    await other?.close();
    await silent?.close();
  });

  it('survives every hostile request and exits normally', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(out.after).toEqual({ ok: true, status: 200, body: 'ok /after' });
  });

  it('refuses a CR/LF or NUL in a header value through the raw interface with ERR_INVALID_CHAR', () => {
    for (const name of ['rawCrlf', 'rawLf', 'rawNul']) expect(out[name], name).toMatchObject({ ok: false, code: 'ERR_INVALID_CHAR' });
  });

  it('refuses invalid header names and methods through the raw interface with ERR_INVALID_HTTP_TOKEN', () => {
    for (const name of ['rawBadName', 'rawColonName', 'rawBadMethod', 'rawSpaceMethod']) expect(out[name], name).toMatchObject({ ok: false, code: 'ERR_INVALID_HTTP_TOKEN' });
  });

  it('refuses malformed request payloads with ERR_INVALID_ARG_TYPE', () => {
    for (const name of ['rawShape', 'rawShapePair', 'rawShapeBody', 'rawNotJson']) expect(out[name], name).toMatchObject({ ok: false, code: 'ERR_INVALID_ARG_TYPE' });
  });

  it('answers a CONNECT with an error instead of hanging', () => {
    expect(out.rawConnect).toMatchObject({ ok: false });
  });

  it('throws Node’s own errors from node:http and fetch before anything is sent', () => {
    expect(out.httpCrlf).toBe('threw');
    expect(out.http.httpCrlf).toMatchObject({ ok: false, threw: true, name: 'TypeError', code: 'ERR_INVALID_CHAR' });
    expect(out.http.httpBadName).toMatchObject({ ok: false, threw: true, name: 'TypeError', code: 'ERR_INVALID_HTTP_TOKEN' });
    expect(out.http.httpBadMethod).toMatchObject({ ok: false, threw: true, name: 'TypeError', code: 'ERR_INVALID_HTTP_TOKEN' });
    expect(out.http.fetchBadMethod).toMatchObject({ ok: false, name: 'TypeError' });
  });

  it('never lets a refused request reach the server', () => {
    const urls = api.seen.map((s) => s.url);
    for (const refused of ['/crlf', '/lf', '/nul', '/name', '/colon', '/method', '/space', '/shape', '/pair', '/body', '/h-crlf', '/h-name', '/h-method', '/f-method', '/by-name', '/h-by-name']) expect(urls).not.toContain(refused);
  });

  it('sends the Host header the host decided from the checked URL, whatever the guest set', () => {
    const expected = `127.0.0.1:${api.port}`;
    expect(out.rawHost).toMatchObject({ ok: true, status: 200 });
    expect(out.http.httpHost).toMatchObject({ ok: true, status: 200 });
    for (const url of ['/host-raw', '/h-host']) expect(api.seen.find((s) => s.url === url)?.host, url).toBe(expected);
    for (const seen of api.seen) expect(seen.host, seen.url).toBe(expected);
  });

  it('decides the framing itself: a guest Content-Length or Transfer-Encoding cannot smuggle a second request', () => {
    const urls = api.seen.map((s) => s.url);
    expect(urls).not.toContain('/smuggled');
    expect(urls).not.toContain('/smuggled-chunked');
    expect(api.seen.find((s) => s.url === '/framing')?.body).toBe('GET /smuggled HTTP/1.1\r\nHost: evil.example\r\n\r\n');
    expect(api.seen.find((s) => s.url === '/chunked')?.body).toBe('0\r\n\r\nGET /smuggled-chunked HTTP/1.1\r\nHost: evil.example\r\n\r\n');
  });

  it('refuses a granted name that resolves to loopback (localhost), and reaches the address the policy names literally', () => {
    expect(out.byName).toMatchObject({ ok: false, code: 'ERR_CAPABILITY_DENIED' });
    expect(out.http.httpByName).toMatchObject({ ok: false, code: 'ERR_CAPABILITY_DENIED' });
    expect(out.byIp).toEqual({ ok: true, status: 200, body: 'ok /by-ip' });
  });

  it('sends the guest’s credentials only to the origin it named: a redirect to another granted origin drops them', () => {
    expect(out.redirectOut).toEqual({ ok: true, status: 200, body: 'ok /landed' });
    expect(other.seen.find((s) => s.url === '/landed')).toMatchObject({ host: `127.0.0.1:${other.port}`, authorization: undefined });
    expect(out.redirectSame).toEqual({ ok: true, status: 200, body: 'ok /same-landed' });
    expect(api.seen.find((s) => s.url === '/same-landed')?.authorization).toBe('Bearer CANARY-NET-TOKEN');
  });

  it('fails a request to a server that never answers with ETIMEDOUT in the guest, and the host goes on', () => {
    expect(out.silent).toMatchObject({ ok: false, code: 'ETIMEDOUT' });
  });
});

/** Many instances that each used net: the process's threads and memory must not grow with them. */
const BOUNDED_APP = `${APP_PRELUDE}
  const url = config.api + '/n';
  run('warm', () => abuse.ping(url));
  const before = { threads: threads(), rss: process.memoryUsage().rss };
  const statuses = {};
  for (let i = 0; i < config.calls; i++) {
    let status;
    try { status = abuse.ping(url); } catch (e) { status = e.code ?? e.message; }
    statuses[status] = (statuses[status] ?? 0) + 1;
    // A trapping call after each request: the instance is replaced, and what it held must go with it.
    if (config.trap) { try { abuse.allocate(64); } catch (e) { statuses[e.code ?? e.name] = (statuses[e.code ?? e.name] ?? 0) + 1; } }
  }
  out.statuses = statuses;
  if (config.big) run('big', () => { const r = abuse.raw(config.big, 'GET', []); return r.ok ? { ok: true, length: r.body.length } : r; });
  out.before = before;
  out.after = { threads: threads(), rss: process.memoryUsage().rss };
  console.log(JSON.stringify(out));
`;

describe('what a guest can make the host hold through net is bounded', () => {
  let api: Awaited<ReturnType<typeof startHostRecorder>>;
  const grant = () => ({ net: [`127.0.0.1:${api.port}`] });

  setUpOrFail(async () => {
    api = await startHostRecorder();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('300 per-call instances that each sent a request leave threads and RSS bounded', async () => {
    const app = await buildApp('net-guard-per-call', { policy: { packages: { 'attack-net-abuse': { isolate: true, instance: 'per-call', allow: grant() } } }, source: BOUNDED_APP });
    const result = await runAppAsync(app, {}, [JSON.stringify({ api: api.url, calls: 300 })]);
    expect(result.status, result.stderr).toBe(0);
    const { before, after, statuses } = result.result;
    expect(statuses).toEqual({ 200: 300 });
    expect(after.threads - before.threads).toBeLessThan(5);
    expect(after.rss - before.rss).toBeLessThan(512 * 1024 * 1024);
  });

  it('instances that trap after a request leave threads bounded, and a response larger than limits.memoryMb is refused', async () => {
    const app = await buildApp('net-guard-traps', {
      policy: { packages: { 'attack-net-abuse': { isolate: true, limits: { memoryMb: 32 }, circuitBreaker: { failures: 1000 }, allow: grant() } } },
      source: BOUNDED_APP,
    });
    const result = await runAppAsync(app, {}, [JSON.stringify({ api: api.url, calls: 30, trap: true, big: `${api.url}/big` })]);
    expect(result.status, result.stderr).toBe(0);
    const { before, after, statuses, big } = result.result;
    expect(statuses).toEqual({ 200: 30, ERR_ISOLATE_MEMORY_LIMIT: 30 });
    expect(after.threads - before.threads).toBeLessThan(5);
    // The host stops reading a response the package could not hold anyway (limits.memoryMb).
    expect(big).toMatchObject({ ok: false, code: 'ERR_ISOLATE_NET_RESPONSE_TOO_LARGE' });
  });

  it('per-call instances in worker threads ("thread": "worker") take their net helper with them', async () => {
    const app = await buildApp('net-guard-per-call-worker', {
      policy: { packages: { 'attack-net-abuse': { isolate: true, instance: 'per-call', thread: 'worker', limits: { timeoutMs: 20_000 }, allow: grant() } } },
      source: BOUNDED_APP,
    });
    const result = await runAppAsync(app, {}, [JSON.stringify({ api: api.url, calls: 30 })]);
    expect(result.status, result.stderr).toBe(0);
    const { before, after, statuses } = result.result;
    expect(statuses).toEqual({ 200: 30 });
    expect(after.threads - before.threads).toBeLessThan(5);
  });
});

/** With limits.timeoutMs, a request to a server that never answers ends with the call's limit. */
const LIMITED_APP = `${APP_PRELUDE}
  run('silent', () => abuse.raw('http://127.0.0.1:' + config.silentPort + '/silent', 'GET', []));
  run('after', () => abuse.raw(config.api + '/after-limit', 'GET', []));
  console.log(JSON.stringify(out));
`;

describe('the package’s time limit bounds its requests', () => {
  it('a server that never answers ends the call at limits.timeoutMs, and the next call works', async () => {
    const [api, silent] = await Promise.all([startHostRecorder(), startSilentServer()]);
    try {
      const app = await buildApp('net-guard-limited', {
        policy: { packages: { 'attack-net-abuse': { isolate: true, limits: { timeoutMs: 3000 }, allow: { net: [`127.0.0.1:${api.port}`, `127.0.0.1:${silent.port}`] } } } },
        source: LIMITED_APP,
      });
      const result = await runAppAsync(app, {}, [JSON.stringify({ api: api.url, silentPort: silent.port })]);
      expect(result.status, result.stderr).toBe(0);
      const { silent: stalled, after } = result.result;
      // Either the guest's request times out (ETIMEDOUT) or the host ends the whole call (ERR_ISOLATE_TIMEOUT).
      expect([stalled.code, stalled.hostCaught]).toEqual(expect.arrayContaining([expect.stringMatching(/^(ETIMEDOUT|ERR_ISOLATE_TIMEOUT)$/)]));
      expect(after).toEqual({ ok: true, status: 200, body: 'ok /after-limit' });
    } finally {
      await api.close();
      await silent.close();
    }
  });
});
