import { existsSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
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

/** Node built-ins the guest implements itself, by module name → guest module. */
export const IMPLEMENTED_BUILTINS: Record<string, string> = {
  fs: 'node/fs',
  'fs/promises': 'node/fs-promises',
  path: 'node/path',
  'path/posix': 'node/path',
  events: 'node/events',
  buffer: 'node/buffer',
  util: 'node/util',
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
};

const hostRequire = createRequire(import.meta.url);
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Export names of a Node built-in, read from the host's own module (names only; nothing of the package runs). */
export function builtinExportNames(name: string): string[] {
  if (!builtinModules.includes(name)) return [];
  const names = Object.keys(hostRequire(`node:${name}`) as object).filter((key) => IDENTIFIER.test(key) && key !== 'default');
  return [...new Set(names)];
}

/**
 * Source of a module standing in for a built-in the guest cannot use: importing it works (many packages
 * require modules they never call), using any export throws a capability error and reports it.
 */
export function deniedBuiltinSource(name: string, capability: string): string {
  const denial = JSON.stringify(guestModule('denial'));
  const refuse = capability === 'unsupported' ? 'unavailableFunction' : 'deniedFunction';
  const partly = PARTLY_IMPLEMENTED_BUILTINS[name];
  const implemented = new Set(partly?.exports);
  const lines = builtinExportNames(name)
    .filter((key) => !implemented.has(key))
    .map((key) => `export const ${key} = ${refuse}(${JSON.stringify(capability)}, ${JSON.stringify(`${name}.${key}`)});`);
  let member = `${refuse}(${JSON.stringify(capability)}, ${JSON.stringify(`${name}.`)} + key)`;
  if (partly) member = `(Object.hasOwn(working, key) ? working[key] : ${member})`;
  return [
    `import { ${refuse} } from ${denial};`,
    ...(partly ? [`import * as working from ${JSON.stringify(guestModule(partly.module))};`, `export * from ${JSON.stringify(guestModule(partly.module))};`] : []),
    ...lines,
    `export default new Proxy({}, { get: (_, key) => typeof key === 'string' ? ${member} : undefined });`,
  ].join('\n');
}
