import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { hostMatches, parseGuestRequest, parsePattern, type GuestRequest } from './host-patterns.ts';

interface HopResult {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: string; // base64
  denied?: string;
  error?: { code: string; message: string };
}

/**
 * The host side of isolate:guest/net: http and https only, every hop (redirects included) checked against
 * the grant, and loopback or private addresses refused unless a pattern names that host literally.
 * Requests run on a helper thread so the guest's call stays synchronous.
 */
export function createNetProvider(patterns: string[], deny: (target: string) => never) {
  const parsed = patterns.map(parsePattern);
  let worker: { port: MessagePort; flag: Int32Array; thread: Worker } | undefined;

  const hop = (url: URL, request: GuestRequest, allowPrivate: boolean): HopResult => {
    if (!worker) {
      const { port1, port2 } = new MessageChannel();
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const thread = new Worker(WORKER_SOURCE, { eval: true, workerData: { port: port2, flag }, transferList: [port2] });
      thread.unref();
      port1.unref();
      worker = { port: port1, flag, thread };
    }
    Atomics.store(worker.flag, 0, 0);
    worker.port.postMessage({ url: url.href, method: request.method, headers: request.headers, body: request.body, allowPrivate });
    Atomics.wait(worker.flag, 0, 0, 60_000);
    const message = receiveMessageOnPort(worker.port);
    if (!message) throw JSON.stringify({ code: 'ETIMEDOUT', message: `request to ${url.host} timed out` });
    return message.message as HopResult;
  };

  return {
    request(text: string): string {
      const incoming = parseGuestRequest(text);
      const request: GuestRequest = incoming.request;
      let url = incoming.url;
      for (let redirects = 0; redirects <= 10; redirects++) {
        if (url.protocol !== 'http:' && url.protocol !== 'https:') deny(`${url.protocol}//${url.host}`);
        const port = url.port || (url.protocol === 'https:' ? '443' : '80');
        const host = url.hostname.toLowerCase();
        const match = parsed.find((p) => hostMatches(p, host, port));
        if (!match) deny(`${host}:${port}`);
        const result = hop(url, request, !match.host.includes('*'));
        if (result.denied) deny(`${host}:${port} (${result.denied})`);
        if (result.error) throw JSON.stringify(result.error);
        const location = result.headers.find(([k]) => k.toLowerCase() === 'location')?.[1];
        if (result.status >= 300 && result.status < 400 && location) {
          url = new URL(location, url);
          if (result.status === 303 || ((result.status === 301 || result.status === 302) && request.method === 'POST')) {
            request.method = 'GET';
            request.body = undefined;
          }
          continue;
        }
        return JSON.stringify({ status: result.status, statusText: result.statusText, headers: result.headers, url: url.href, body: result.body });
      }
      throw JSON.stringify({ code: 'ERR_TOO_MANY_REDIRECTS', message: 'too many redirects' });
    },
  };
}

// Runs one hop: resolve, refuse private addresses unless allowed, connect to the checked address only.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const dns = require('node:dns');
const net = require('node:net');
const http = require('node:http');
const https = require('node:https');
const { port, flag } = workerData;
function isPrivate(address) {
  if (net.isIPv4(address)) {
    const [a, b] = address.split('.').map(Number);
    return a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  const v6 = address.toLowerCase();
  if (v6.startsWith('::ffff:')) return isPrivate(v6.slice(7));
  return v6 === '::1' || v6 === '::' || v6.startsWith('fc') || v6.startsWith('fd') || v6.startsWith('fe80');
}
function reply(message) { port.postMessage(message); Atomics.store(flag, 0, 1); Atomics.notify(flag, 0); }
port.on('message', (req) => {
  const url = new URL(req.url);
  const hostname = url.hostname.replace(/^\\[|\\]$/g, '');
  dns.lookup(hostname, { all: true }, (error, addresses) => {
    if (error) return reply({ error: { code: error.code || 'ENOTFOUND', message: 'getaddrinfo ' + (error.code || 'ENOTFOUND') + ' ' + hostname } });
    if (!req.allowPrivate && addresses.some((a) => isPrivate(a.address))) return reply({ denied: 'resolves to a loopback or private address' });
    const chosen = addresses[0];
    const lib = url.protocol === 'https:' ? https : http;
    const outgoing = lib.request(url, {
      method: req.method,
      headers: Object.fromEntries(req.headers),
      lookup: (_h, options, cb) => options && options.all ? cb(null, [chosen]) : cb(null, chosen.address, chosen.family),
      timeout: 30000,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => reply({ status: res.statusCode, statusText: res.statusMessage || '', headers: Object.entries(res.headers).flatMap(([k, v]) => Array.isArray(v) ? v.map((x) => [k, x]) : [[k, String(v)]]), body: Buffer.concat(chunks).toString('base64') }));
      res.on('error', (e) => reply({ error: { code: e.code || 'ECONNRESET', message: e.message } }));
    });
    outgoing.on('timeout', () => outgoing.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })));
    outgoing.on('error', (e) => reply({ error: { code: e.code || 'ECONNREFUSED', message: e.message } }));
    if (req.body) outgoing.end(Buffer.from(req.body, 'base64')); else outgoing.end();
  });
});
`;
