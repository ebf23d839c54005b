import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import newestNodeBuiltins from 'builtin-modules';
import { fileURLToPath } from 'node:url';

/**
 * Where the guest environment lives: pre-bundled JS next to the published bundle (dist/guest/),
 * or the TypeScript sources in the workspace.
 */
export const GUEST_DIR = [new URL('./guest/', import.meta.url), new URL('../../guest/src/', import.meta.url)]
  .map((url) => fileURLToPath(url))
  .find((dir) => existsSync(`${dir}serve.js`) || existsSync(`${dir}serve.ts`)) ?? fileURLToPath(new URL('./guest/', import.meta.url));

/** Absolute path of a guest module, e.g. "node/fs" or "denied/env". */
export function guestModule(name: string): string {
  const js = `${GUEST_DIR}${name}.js`;
  return existsSync(js) ? js : `${GUEST_DIR}${name}.ts`;
}

/**
 * Every built-in of the newest Node (the builtin-modules list), not those of the Node running the build: a
 * package may import one that is newer (undici imports node:sqlite). Names listed only with the `node:`
 * prefix (sqlite, test, sea) are built-ins only under that prefix; a bare `test` is an npm package.
 * punycode and sys are deprecated but still built in.
 */
const PREFIXED_ONLY = newestNodeBuiltins.filter((n) => n.startsWith('node:') && !newestNodeBuiltins.includes(n.slice(5))).map((n) => n.slice(5));
const BARE = [...new Set([...newestNodeBuiltins.filter((n) => !n.startsWith('node:')), 'punycode', 'sys'])];
const pattern = (names: string[]) => names.map((n) => n.replace(/[/]/g, '\\/')).join('|');

/** Matches a specifier that names a Node built-in, with or without `node:`. */
export const BUILTIN_SPECIFIER = new RegExp(`^(?:node:(?:${pattern([...BARE, ...PREFIXED_ONLY])})|(?:${pattern(BARE)}))$`);

/** Node built-ins the guest implements itself, by module name → guest module (whose default export is Node's `module.exports`). */
export const IMPLEMENTED_BUILTINS: Record<string, string> = {
  fs: 'node/fs',
  'fs/promises': 'node/fs-promises',
  path: 'node/path',
  'path/posix': 'node/path',
  events: 'node/events',
  buffer: 'node/buffer',
  util: 'node/util',
  sys: 'node/util',
  'util/types': 'node/util-types',
  os: 'node/os',
  url: 'node/url',
  process: 'node/process',
  crypto: 'node/crypto',
  stream: 'node/stream',
  'stream/promises': 'node/stream-promises',
  string_decoder: 'node/string-decoder',
  querystring: 'node/querystring',
  assert: 'node/assert',
  'assert/strict': 'node/assert-strict',
  timers: 'node/timers',
  'timers/promises': 'node/timers-promises',
  tty: 'node/tty',
  diagnostics_channel: 'node/diagnostics-channel',
  async_hooks: 'node/async-hooks',
  perf_hooks: 'node/perf-hooks',
  zlib: 'node/zlib',
  // Over the net grant: without it, every request is refused by the denied net interface.
  http: 'node/http',
  https: 'node/https',
};

/** Built-ins a WebAssembly guest can never have: each export throws a capability error. */
export const ALWAYS_DENIED_BUILTINS = ['child_process', 'worker_threads', 'vm', 'net', 'dgram', 'cluster', 'inspector', 'v8', 'module', 'tls', 'http2', 'repl'];

/** Denied built-ins of which a few harmless exports work, served by a guest module (by name → module and exports). */
export const PARTLY_IMPLEMENTED_BUILTINS: Record<string, { module: string; exports: string[] }> = {
  // createRequire(import.meta.url) at load time is common (yargs); what it returns refuses every load.
  module: { module: 'node/module', exports: ['createRequire'] },
  // Packages ask whether they run on the main thread (and pick a code path) at load time.
  worker_threads: {
    module: 'node/worker-threads',
    exports: ['isMainThread', 'parentPort', 'workerData', 'threadId', 'resourceLimits', 'SHARE_ENV', 'markAsUncloneable', 'markAsUntransferable', 'isMarkedAsUntransferable', 'getEnvironmentData', 'setEnvironmentData', 'MessageChannel', 'MessagePort'],
  },
};

const hostRequire = createRequire(import.meta.url);
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** The name and length of a built-in whose module.exports is a function (in the host's Node). */
function builtinModuleFunction(name: string): { name: string; length: number } | undefined {
  let exports: unknown;
  try {
    exports = hostRequire(`node:${name}`);
  } catch {
    // A built-in of a newer Node than the one running the build.
    return undefined;
  }
  return typeof exports === 'function' ? { name: exports.name, length: exports.length } : undefined;
}

type ExportShape = { fn: { name: string; length: number } } | { constant: string } | { object: 'array' | 'record' };

/**
 * Each export of a Node built-in (read from the host's own module): a function's name and length; the source
 * of a primitive constant (Node's own defaults such as tls.DEFAULT_MIN_VERSION, nothing of the host's state);
 * or that it is an object, which the stand-in gives as an empty one.
 */
function builtinExports(name: string): [key: string, shape: ExportShape][] {
  let exports: Record<string, unknown>;
  try {
    // builtinModules omits the node:-only ones (test, sea, sqlite) that this Node may still have.
    exports = hostRequire(`node:${name}`) as Record<string, unknown>;
  } catch {
    return [];
  }
  return Object.keys(exports)
    .filter((key) => IDENTIFIER.test(key) && key !== 'default')
    .map((key): [string, ExportShape] => {
      const value = exports[key];
      if (typeof value === 'function') return [key, { fn: { name: value.name, length: value.length } }];
      if (typeof value === 'symbol') return [key, { constant: `Symbol(${JSON.stringify(value.description)})` }];
      if (value === undefined || value === null || typeof value !== 'object') return [key, { constant: value === undefined ? 'undefined' : typeof value === 'bigint' ? `${value}n` : JSON.stringify(value) }];
      return [key, { object: Array.isArray(value) ? 'array' : 'record' }];
    });
}

/**
 * Source of the module a built-in specifier resolves to. It is CommonJS, as Node's built-ins are: `require()`
 * gives Node's `module.exports` (a function for events and stream), `import x from` gives the same value and
 * named imports are its properties. `capability` is undefined for an implemented built-in.
 */
export function builtinModuleSource(name: string, capability: string | undefined): string {
  const implemented = IMPLEMENTED_BUILTINS[name];
  if (capability === undefined && implemented) return `module.exports = require(${JSON.stringify(guestModule(implemented))}).default;`;
  return deniedBuiltinSource(name, capability ?? 'unsupported');
}

/**
 * Source of a module standing in for a built-in the guest cannot use: requiring it works (many packages
 * require modules they never call), using any export throws a capability error and reports it. Members the
 * host's Node does not know (a newer built-in such as node:sqlite) refuse in the same way when called.
 */
export function deniedBuiltinSource(name: string, capability: string): string {
  const refuse = capability === 'unsupported' ? 'unavailableFunction' : 'deniedFunction';
  const partly = PARTLY_IMPLEMENTED_BUILTINS[name];
  const implemented = new Set(partly?.exports);
  const refused = (member: string) => `${refuse}(${JSON.stringify(capability)}, ${member})`;
  const moduleFunction = builtinModuleFunction(name);
  // A refusing function carries the name and length of the function it stands for, as Node's would.
  const lines = builtinExports(name)
    .filter(([key]) => !implemented.has(key))
    .map(([key, shape]) => {
      let value = 'Object.freeze([])';
      if ('fn' in shape) value = `shaped(${refused(JSON.stringify(`${name}.${key}`))}, ${JSON.stringify(shape.fn.name)}, ${shape.fn.length})`;
      else if ('constant' in shape) value = shape.constant;
      else if (shape.object === 'record') value = 'Object.freeze({})';
      return `  ${JSON.stringify(key)}: ${value},`;
    });
  return [
    `const { ${refuse} } = require(${JSON.stringify(guestModule('denial'))});`,
    `const shaped = (fn, name, length) => Object.defineProperties(fn, { name: { value: name }, length: { value: length } });`,
    // A module that is itself a function in Node (node:test, node:module) is a refusing function here too.
    `const known = Object.assign(${moduleFunction ? `shaped(${refused(JSON.stringify(name))}, ${JSON.stringify(moduleFunction.name)}, ${moduleFunction.length})` : '{}'}, {\n${lines.join('\n')}\n});`,
    ...(partly ? [`const working = require(${JSON.stringify(guestModule(partly.module))});`, `for (const key of ${JSON.stringify(partly.exports)}) known[key] = working[key];`] : []),
    // Interop and thenable probes read these; Node's modules have none of them.
    `const absent = new Set(['__esModule', 'then', 'default', 'toJSON']);`,
    `module.exports = new Proxy(known, { get: (target, key) => typeof key !== 'string' || key in target || absent.has(key) ? target[key] : ${refused(`${JSON.stringify(`${name}.`)} + key`)} });`,
  ].join('\n');
}
