// Ground-truth recorder: loaded with `node --require`, before any package. It wraps the capability
// entry points (process.env reads by name, fs/net/child_process/worker calls, process.binding,
// Function/eval) and credits each use to the package whose own code made it: the innermost stack
// frame outside this file must be inside node_modules (a use from Node's internals, the module
// loader included, is not the package's). Observations go to $GROUND_TRUTH_OUT as JSON lines.
'use strict';
const fs = require('fs');
const out = process.env.GROUND_TRUTH_OUT;
if (!out) throw new Error('GROUND_TRUTH_OUT is not set');
const writeSync = fs.writeSync;
const openSync = fs.openSync;
const fd = openSync(out, 'a');
const seen = new Set();
let recording = false;
Error.stackTraceLimit = 40;

/** The package folder ("…/node_modules/name" or "…/node_modules/@scope/name") of the innermost foreign frame. */
function culprit() {
  const stack = new Error().stack.split('\n').slice(1);
  for (const frame of stack) {
    const m = /\(?((?:file:\/\/)?\/[^():]+|node:[^():]+):\d+:\d+\)?$/.exec(frame.trim());
    if (!m) continue;
    const file = m[1].replace(/^file:\/\//, '');
    if (file === __filename) continue;
    if (!file.includes('/node_modules/')) return undefined;
    const parts = file.split('/');
    const at = parts.lastIndexOf('node_modules');
    return parts.slice(0, at + (parts[at + 1].startsWith('@') ? 3 : 2)).join('/');
  }
  return undefined;
}

function record(capability, detail) {
  if (recording) return;
  recording = true;
  try {
    const dir = culprit();
    if (dir === undefined) return;
    const key = `${dir}|${capability}|${detail}`;
    if (seen.has(key)) return;
    seen.add(key);
    writeSync(fd, `${JSON.stringify({ dir, capability, detail })}\n`);
  } finally {
    recording = false;
  }
}

// process.env: reads by name, `in` checks, and enumeration ("*").
const realEnv = process.env;
process.env = new Proxy(realEnv, {
  get(target, key) {
    if (typeof key === 'string') record('env', key);
    return Reflect.get(target, key);
  },
  has(target, key) {
    if (typeof key === 'string') record('env', key);
    return Reflect.has(target, key);
  },
  ownKeys(target) {
    record('env', '*');
    return Reflect.ownKeys(target);
  },
  // Writes are not reads; they go straight to the real object (whose setter only takes plain values).
  set(target, key, value) {
    target[key] = value;
    return true;
  },
  deleteProperty(target, key) {
    return delete target[key];
  },
});

function wrapAll(object, label, capabilityOf) {
  for (const name of Object.keys(object)) {
    const original = object[name];
    const capability = capabilityOf(name);
    if (typeof original !== 'function' || !capability || /^[A-Z]/.test(name)) continue;
    object[name] = function (...args) {
      record(capability, `${label}.${name}`);
      return new.target ? Reflect.construct(original, args, new.target) : Reflect.apply(original, this, args);
    };
  }
}

const FS_WRITE = /^(?:append|chmod|chown|copyFile|cp|createWriteStream|fchmod|fchown|fdatasync|fsync|ftruncate|futimes|lchmod|lchown|link|lutimes|mkdir|mkdtemp|rename|rm|rmdir|symlink|truncate|unlink|utimes|write|writeFile|writev)(?:Sync)?$/;
const FS_READ = /^(?:access|exists|readFile|readdir|read|readv|stat|lstat|fstat|statfs|realpath|createReadStream|opendir|watch|watchFile|readlink|glob|openAsBlob|open)(?:Sync)?$/;
const fsCapability = (name) => (FS_WRITE.test(name) ? 'fs.write' : FS_READ.test(name) ? 'fs.read' : undefined);
wrapAll(fs, 'fs', fsCapability);
wrapAll(fs.promises, 'fs.promises', fsCapability);
wrapAll(require('child_process'), 'child_process', () => 'child_process');
for (const module of ['net', 'http', 'https', 'http2', 'dgram', 'dns', 'tls']) {
  const netCapability = (name) => (/^(?:request|get|connect|createConnection|createServer|createSocket|createSecureServer|lookup|resolve\w*)$/.test(name) ? 'net' : undefined);
  wrapAll(require(module), module, netCapability);
}
const workers = require('worker_threads');
const RealWorker = workers.Worker;
workers.Worker = class Worker extends RealWorker {
  constructor(...args) {
    record('worker', 'worker_threads.Worker');
    super(...args);
  }
};
for (const name of ['binding', '_linkedBinding', 'dlopen']) {
  const original = process[name];
  if (typeof original !== 'function') continue;
  process[name] = function (...args) {
    record('native', `process.${name}`);
    return Reflect.apply(original, this, args);
  };
}
if (typeof globalThis.fetch === 'function') {
  const realFetch = globalThis.fetch;
  globalThis.fetch = function fetch(...args) {
    record('net', 'fetch');
    return Reflect.apply(realFetch, this, args);
  };
}
const RealFunction = Function;
globalThis.Function = new Proxy(RealFunction, {
  apply(target, self, args) {
    record('eval', 'Function');
    return Reflect.apply(target, self, args);
  },
  construct(target, args, newTarget) {
    record('eval', 'Function');
    return Reflect.construct(target, args, newTarget === globalThis.Function ? target : newTarget);
  },
});
const realEval = globalThis.eval;
globalThis.eval = new Proxy(realEval, {
  apply(target, self, args) {
    record('eval', 'eval');
    return Reflect.apply(target, self, args);
  },
});
// ES modules' named imports of built-ins ("import { readFileSync } from 'fs'") see the wrapped functions too.
require('module').syncBuiltinESMExports();
