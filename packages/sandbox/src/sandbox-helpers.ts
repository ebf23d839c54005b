/**
 * Scripts that run inside the sandbox, written to its read-only run folder for each run. They are plain
 * CommonJS strings so that they survive bundling and need nothing from the host's node_modules.
 */

/** The in-sandbox port of the proxy forwarder; the sandbox has its own loopback, so any port is free. */
export const PROXY_PORT = 3128;

/**
 * Loaded into every Node process of the sandbox (NODE_OPTIONS=--require). It does not enforce anything
 * (the network namespace does); it names the connections and DNS lookups that failed, so the report
 * can say what a script tried. Failures only: a successful loopback connection inside the sandbox is fine.
 * Through diagnostics channels (net and http(s) sockets, fetch): loading nothing, it costs no start-up time.
 */
export const NET_RECORDER = `'use strict';
const { appendFileSync } = require('fs');
const dc = require('diagnostics_channel');
const FILE = '/run/isolate-deps/events/net.jsonl';
const record = (error, host, port) => {
  const code = (error && error.code) || String(error && error.message);
  const dns = code === 'ENOTFOUND' || code === 'EAI_AGAIN';
  const target = dns ? String(host || (error && error.hostname)) : (error && error.address ? error.address + ':' + error.port : String(host) + ':' + String(port));
  try { appendFileSync(FILE, JSON.stringify({ via: dns ? 'dns' : 'node', target, code }) + '\\n'); } catch {}
};
const channels = [dc.channel('net.client.socket'), dc.channel('undici:client:connectError')];
// Held globally: a channel with no other reference could be collected with its subscriber.
globalThis[Symbol.for('isolate-deps.sandbox.recorder')] = channels;
// TLS sockets (https, tls.connect) do not pass through net.client.socket: tls.connect is wrapped when
// CommonJS code first loads tls or https (loading it earlier would cost every process its start-up).
const wrapEmit = (socket, host, port) => {
  const emit = socket.emit;
  // Wrapping emit (not adding a listener) keeps an unhandled 'error' unhandled, as it was.
  socket.emit = function (event, ...rest) {
    if (event === 'error') record(rest[0], host, port);
    return emit.call(this, event, ...rest);
  };
};
const Module = require('module');
const load = Module._load;
let tlsWrapped = false;
Module._load = function (request, ...rest) {
  const exported = load.call(this, request, ...rest);
  if (!tlsWrapped && /^(node:)?(tls|https)$/.test(request)) {
    tlsWrapped = true;
    const tls = load.call(this, 'tls', ...rest);
    const connect = tls.connect;
    tls.connect = function (...args) {
      const socket = connect.apply(this, args);
      const o = args.find((a) => a !== null && typeof a === 'object') || {};
      wrapEmit(socket, o.host || o.servername || (typeof args[1] === 'string' ? args[1] : 'localhost'), o.port || (typeof args[0] === 'number' ? args[0] : 443));
      return socket;
    };
  }
  return exported;
};
channels[0].subscribe(({ socket }) => wrapEmit(socket, undefined, undefined));
channels[1].subscribe(({ connectParams, error }) => record(error, connectParams.hostname, connectParams.port || (connectParams.protocol === 'https:' ? 443 : 80)));
`;

/**
 * Runs in the sandbox when a script has network grants: listens on 127.0.0.1:PROXY_PORT of the
 * sandbox's own loopback, bridges each connection to the host proxy's unix socket, then runs the script.
 */
export const PROXY_FORWARDER = `'use strict';
const net = require('net');
const os = require('os');
const { spawn } = require('child_process');
const [port, socketPath, ...command] = process.argv.slice(2);
const server = net.createServer((client) => {
  const upstream = net.connect(socketPath);
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
  client.pipe(upstream).pipe(client);
});
server.listen(Number(port), '127.0.0.1', () => {
  const child = spawn(command[0], command.slice(1), { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (os.constants.signals[signal] || 0)));
});
`;
