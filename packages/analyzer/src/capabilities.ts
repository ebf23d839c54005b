/** Every capability the audit detects; these ids are the vocabulary of a policy's `reviewed` list. */
export const CAPABILITIES = [
  'fs.read',
  'fs.write',
  'net',
  'child_process',
  'env',
  'eval',
  'native',
  'install-script',
  'worker',
  'wasm',
  'dynamic-import',
  'obfuscation',
] as const;

/** One capability id, e.g. "net" or "fs.write". */
export type Capability = (typeof CAPABILITIES)[number];

/** Capabilities that a non-isolated package must have acknowledged in the policy. */
export const RISKY: ReadonlySet<Capability> = new Set(['fs.write', 'net', 'child_process', 'env', 'eval', 'native', 'install-script']);

/** Lifecycle scripts that run on install. */
export const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'] as const;
export type InstallScript = (typeof INSTALL_SCRIPTS)[number];

/** Node built-ins and the capability importing them implies (fs is refined by the members used). */
export const BUILTIN_CAPABILITY: Readonly<Record<string, Capability | undefined>> = {
  child_process: 'child_process',
  net: 'net',
  http: 'net',
  https: 'net',
  http2: 'net',
  dgram: 'net',
  dns: 'net',
  'dns/promises': 'net',
  tls: 'net',
  worker_threads: 'worker',
  cluster: 'worker',
  vm: 'eval',
  module: 'dynamic-import',
  wasi: 'wasm',
};

/** Node's built-in module names (without the `node:` prefix). */
export const BUILTINS: ReadonlySet<string> = new Set([
  'assert', 'assert/strict', 'async_hooks', 'buffer', 'child_process', 'cluster', 'console', 'constants', 'crypto', 'dgram',
  'diagnostics_channel', 'dns', 'dns/promises', 'domain', 'events', 'fs', 'fs/promises', 'http', 'http2', 'https', 'inspector',
  'inspector/promises', 'module', 'net', 'os', 'path', 'path/posix', 'path/win32', 'perf_hooks', 'process', 'punycode', 'querystring',
  'readline', 'readline/promises', 'repl', 'sea', 'sqlite', 'stream', 'stream/consumers', 'stream/promises', 'stream/web', 'string_decoder', 'sys',
  'test', 'timers', 'timers/promises', 'tls', 'trace_events', 'tty', 'url', 'util', 'util/types', 'v8', 'vm', 'wasi', 'worker_threads', 'zlib',
]);

/** Built-ins whose import alone is worth parsing a file for (the rest are recorded only when the file is parsed anyway). */
export const NOTABLE_BUILTINS = ['child_process', 'cluster', 'dgram', 'dns', 'fs', 'http', 'http2', 'https', 'inspector', 'module', 'net', 'os', 'tls', 'v8', 'vm', 'wasi', 'worker_threads', 'process'];

const FS_WRITE = new Set([
  'appendFile', 'chmod', 'chown', 'copyFile', 'cp', 'createWriteStream', 'fchmod', 'fchown', 'fdatasync', 'fsync', 'ftruncate', 'futimes',
  'lchmod', 'lchown', 'link', 'lutimes', 'mkdir', 'mkdtemp', 'rename', 'rm', 'rmdir', 'symlink', 'truncate', 'unlink', 'utimes', 'write',
  'writeFile', 'writev',
]);
const FS_READ = new Set([
  'access', 'exists', 'readFile', 'readdir', 'read', 'readv', 'stat', 'lstat', 'fstat', 'statfs', 'realpath', 'createReadStream', 'opendir',
  'watch', 'watchFile', 'readlink', 'glob', 'openAsBlob',
]);
// Members that can read or write depending on arguments (open flags, the promises namespace, FileHandle).
const FS_EITHER = new Set(['open', 'promises', 'Dir', 'FileHandle', 'WriteStream']);

/**
 * The fs capabilities one fs member implies: "writeFileSync" → fs.write; "constants" → none;
 * "*" (the whole module passed on) → fs.read, as a write needs a write member; undefined (a computed member) → both.
 */
export function fsCapabilitiesOf(member: string | undefined): Capability[] {
  if (member === undefined) return ['fs.read', 'fs.write'];
  if (member === '*') return ['fs.read'];
  const base = member.replace(/Sync$/, '').replace(/\.native$/, '');
  if (FS_WRITE.has(base)) return ['fs.write'];
  if (FS_READ.has(base)) return ['fs.read'];
  if (FS_EITHER.has(base)) return ['fs.read', 'fs.write'];
  return [];
}

// Members of capability modules that are plain data or pure functions (http.METHODS lists verbs, nothing more).
const INERT_MEMBERS: Readonly<Record<string, ReadonlySet<string>>> = {
  http: new Set(['METHODS', 'STATUS_CODES', 'maxHeaderSize', 'validateHeaderName', 'validateHeaderValue']),
  https: new Set(['METHODS', 'STATUS_CODES']),
  http2: new Set(['constants', 'getDefaultSettings', 'getPackedSettings', 'getUnpackedSettings', 'sensitiveHeaders']),
  net: new Set(['isIP', 'isIPv4', 'isIPv6']),
  module: new Set(['builtinModules', 'isBuiltin', 'createRequire']),
  worker_threads: new Set(['isMainThread', 'threadId', 'parentPort', 'workerData', 'resourceLimits']),
};

/** The capabilities implied by using `member` of built-in `module` ("*": the whole module passed on; undefined: an unknown member). */
export function builtinCapabilities(module: string, member: string | undefined): Capability[] {
  if (module === 'fs' || module === 'fs/promises') return fsCapabilitiesOf(member);
  if (member !== undefined && INERT_MEMBERS[module]?.has(member)) return [];
  const capability = BUILTIN_CAPABILITY[module];
  return capability ? [capability] : [];
}
