import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { guestError } from './guest-request.ts';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** One HTTP exchange, to an address the provider has already checked. */
export interface ExchangeRequest {
  url: string;
  method: string;
  headers: [string, string][];
  body?: string; // base64
  address: ResolvedAddress;
  maxBodyBytes: number;
}

export interface ExchangeResult {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: string; // base64
}

const HELPER_MARGIN_MS = 100;

type Reply = { id: number; error?: { code: string; message: string }; addresses?: ResolvedAddress[] } & Partial<ExchangeResult>;

/**
 * The thread that does the network I/O for the guest's synchronous net calls: it only resolves names and
 * runs exchanges to addresses it is given; every decision is the provider's. There is one per calling
 * thread, shared by all the instances that thread runs, so it does not grow with the number of instances.
 * A call that passes its deadline ends on time: the helper is terminated and the next call starts another.
 */
class NetHelper {
  private thread: { worker: Worker; port: MessagePort; replies: Int32Array } | undefined;
  private nextId = 1;

  lookup(hostname: string, deadline: number): ResolvedAddress[] {
    return this.call({ op: 'lookup', hostname }, deadline, hostname).addresses ?? [];
  }

  exchange(request: ExchangeRequest, deadline: number): ExchangeResult {
    return this.call({ op: 'exchange', ...request }, deadline, new URL(request.url).host) as ExchangeResult;
  }

  private call(message: Record<string, unknown>, deadline: number, target: string): Reply {
    const thread = (this.thread ??= this.start());
    const id = this.nextId++;
    // The helper bumps the counter after each reply: waiting on the value seen before posting cannot miss one.
    let seen = Atomics.load(thread.replies, 0);
    // The helper gives up a little before the deadline, so that it usually answers and can be kept.
    thread.port.postMessage({ ...message, id, timeoutMs: Math.max(1, deadline - Date.now() - HELPER_MARGIN_MS) });
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0 || Atomics.wait(thread.replies, 0, seen, remaining) === 'timed-out') {
        // Whatever the helper is stuck on (a silent server, a slow resolver), it is not this thread's problem.
        this.stop();
        throw guestError('ETIMEDOUT', `isolate-deps: the request to ${target} timed out (the package's net time limit)`);
      }
      seen = Atomics.load(thread.replies, 0);
      for (let received = receiveMessageOnPort(thread.port); received; received = receiveMessageOnPort(thread.port)) {
        const reply = received.message as Reply;
        if (reply.id !== id) continue; // a late answer to a call that already ended
        if (reply.error) throw guestError(reply.error.code, reply.error.message);
        return reply;
      }
    }
  }

  private start(): { worker: Worker; port: MessagePort; replies: Int32Array } {
    const { port1, port2 } = new MessageChannel();
    const replies = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(HELPER_SOURCE, { eval: true, workerData: { port: port2, replies }, transferList: [port2] });
    worker.unref();
    port1.unref();
    const started = { worker, port: port1, replies };
    // A helper that fails must never take the host down: forget it, the next call starts a new one.
    const forget = () => {
      if (this.thread === started) this.thread = undefined;
    };
    worker.on('error', forget);
    worker.on('exit', forget);
    return started;
  }

  private stop(): void {
    const thread = this.thread;
    this.thread = undefined;
    if (!thread) return;
    thread.port.close();
    void thread.worker.terminate();
  }
}

let shared: NetHelper | undefined;

/** The net helper of this thread (created on first use). */
export function netHelper(): NetHelper {
  return (shared ??= new NetHelper());
}

// Runs in the helper thread. Replies once per request id; anything that throws becomes an error reply, so
// the waiting thread is always woken.
const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads');
const dns = require('node:dns');
const http = require('node:http');
const https = require('node:https');
const { port, replies } = workerData;
let current = 0;
function reply(id, message) {
  if (id !== current) return;
  current = 0;
  port.postMessage({ ...message, id });
  Atomics.add(replies, 0, 1);
  Atomics.notify(replies, 0);
}
const failure = (e, fallback) => ({ error: { code: (e && e.code) || fallback, message: (e && e.message) || String(e) } });
process.on('uncaughtException', (e) => reply(current, failure(e, 'ERR_ISOLATE_NET')));
port.on('message', (m) => {
  current = m.id;
  try {
    if (m.op === 'lookup') lookup(m);
    else exchange(m);
  } catch (e) {
    reply(m.id, failure(e, 'ERR_ISOLATE_NET'));
  }
});
function lookup(m) {
  dns.lookup(m.hostname, { all: true }, (error, addresses) => {
    if (error) return reply(m.id, { error: { code: error.code || 'ENOTFOUND', message: 'getaddrinfo ' + (error.code || 'ENOTFOUND') + ' ' + m.hostname } });
    reply(m.id, { addresses: addresses.map((a) => ({ address: a.address, family: a.family })) });
  });
}
// An object, not the list: Node adds Host (from the URL) only then. Repeated names are sent as repeated lines.
function headerObject(list) {
  const headers = Object.create(null);
  const spelling = new Map();
  for (const [name, value] of list) {
    const lower = name.toLowerCase();
    if (!spelling.has(lower)) spelling.set(lower, name);
    const key = spelling.get(lower);
    headers[key] = key in headers ? [].concat(headers[key], value) : value;
  }
  return headers;
}
function exchange(m) {
  const url = new URL(m.url);
  const lib = url.protocol === 'https:' ? https : http;
  let done = false;
  let timer;
  const finish = (message) => {
    if (done) return;
    done = true;
    if (timer) clearTimeout(timer);
    reply(m.id, message);
  };
  const refuse = (what) => (_res, socket) => {
    socket.destroy();
    finish({ error: { code: 'ERR_ISOLATE_NET_UNSUPPORTED', message: 'isolate-deps: ' + what + ' is not supported over isolate:guest/net' } });
  };
  const req = lib.request(url, {
    method: m.method,
    headers: headerObject(m.headers),
    agent: false,
    lookup: (_host, options, cb) => (options && options.all ? cb(null, [m.address]) : cb(null, m.address.address, m.address.family)),
  }, (res) => {
    const chunks = [];
    let size = 0;
    res.on('data', (chunk) => {
      size += chunk.length;
      if (size > m.maxBodyBytes) {
        req.destroy();
        finish({ error: { code: 'ERR_ISOLATE_NET_RESPONSE_TOO_LARGE', message: 'isolate-deps: the response from ' + url.host + ' is larger than ' + m.maxBodyBytes + ' bytes' } });
        return;
      }
      chunks.push(chunk);
    });
    res.on('end', () => finish({ status: res.statusCode, statusText: res.statusMessage || '', headers: Object.entries(res.headers).flatMap(([k, v]) => Array.isArray(v) ? v.map((x) => [k, x]) : [[k, String(v)]]), body: Buffer.concat(chunks).toString('base64') }));
    res.on('error', (e) => finish(failure(e, 'ECONNRESET')));
  });
  timer = setTimeout(() => {
    req.destroy();
    finish({ error: { code: 'ETIMEDOUT', message: 'isolate-deps: the request to ' + url.host + ' timed out' } });
  }, m.timeoutMs);
  req.on('upgrade', refuse('a protocol upgrade'));
  req.on('connect', refuse('a CONNECT tunnel'));
  req.on('error', (e) => finish(failure(e, 'ECONNREFUSED')));
  req.end(m.body ? Buffer.from(m.body, 'base64') : undefined);
}
`;
