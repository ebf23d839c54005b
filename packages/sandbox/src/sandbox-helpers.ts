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
 */
export const NET_RECORDER = `'use strict';
const fs = require('fs');
const net = require('net');
const dns = require('dns');
const FILE = '/run/isolate-deps/events/net.jsonl';
const record = (event) => { try { fs.appendFileSync(FILE, JSON.stringify(event) + '\\n'); } catch {} };
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const first = args[0];
  const o = Array.isArray(first) ? first[0] : first !== null && typeof first === 'object' ? first : { port: first, host: typeof args[1] === 'string' ? args[1] : undefined };
  if (o && !o.path) {
    const target = String(o.host || 'localhost') + ':' + String(o.port);
    const emit = this.emit;
    // Wrapping emit (not adding a listener) keeps an unhandled 'error' unhandled, as it was.
    this.emit = function (event, ...rest) {
      if (event === 'error' && rest[0] && !/^(ENOTFOUND|EAI_AGAIN)$/.test(rest[0].code)) record({ via: 'node', target, code: rest[0].code || String(rest[0].message) });
      return emit.call(this, event, ...rest);
    };
  }
  return connect.apply(this, args);
};
const lookup = dns.lookup;
dns.lookup = function (hostname, options, callback) {
  const cb = typeof options === 'function' ? options : callback;
  const wrapped = function (error, ...rest) {
    if (error) record({ via: 'dns', target: String(hostname), code: error.code || String(error.message) });
    return cb.call(this, error, ...rest);
  };
  return typeof options === 'function' ? lookup.call(this, hostname, wrapped) : lookup.call(this, hostname, options, wrapped);
};
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
