import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import type { Grant } from '@isolate-deps/policy';
import { GUEST_MODULE, confinementError, guestConfinement } from './guest-confinement.ts';
import { ALWAYS_DENIED_BUILTINS, BUILTIN_SPECIFIER, IMPLEMENTED_BUILTINS, builtinModuleSource, guestModule } from './guest-modules.ts';
import { withModuleLocation } from './import-meta.ts';
import { rewriteUnicodePropertyEscapes } from './unicode-regexps.ts';
import { grantedInterfaces, interfaceFunctions, type HostInterface } from './world.ts';

export interface GuestBundleOptions {
  packageName: string;
  /** Every specifier of the package that the app imports ("yaml", "yaml/util"). */
  specifiers: string[];
  /** Where the app resolves the package from (the project root). */
  resolveDir: string;
  grant: Grant;
  /** File name shown in denial messages. */
  policyFileName: string;
  /** What process.cwd() says inside the guest. */
  cwd: string;
  /** The policy's onViolation mode: under "log" the guest returns denial values instead of throwing. */
  onViolation?: string;
  /**
   * Test seam: the package may import the guest environment's host interfaces (`isolate:guest/*`) itself, as a
   * guest that subverted the environment's own code (a patched JSON.stringify, say) could call them. The host
   * enforces the grant either way, and a denied interface still resolves to its refusing stand-in: this only
   * skips the guest environment's own checks, so tests can attack the host directly.
   */
  hostInterfacesFromPackage?: boolean;
  /**
   * Load the package while the component is built (guest/preinit.ts), so the snapshot holds it loaded. If the
   * package called the host while loading, the component's first call fails with PREINIT_REFUSED: build it again without.
   */
  preinit?: boolean;
}

export interface GuestBundle {
  code: string;
  /** Module format of each specifier's entry file, in the order of `specifiers`. */
  formats: ('esm' | 'cjs')[];
  /** Files that went into the bundle (for diagnostics). */
  inputs: string[];
}

const NET_BUILTINS = new Set(['http', 'https', 'dns', 'http2']);
/** Host calls that change nothing the guest sees: made at the first call when the package loads at build time. */
const RECORDABLE = new Set(['boundary.report-denial', 'boundary.set-timer', 'console.write']);
const HOST_FUNCTION_STANDINS = 'isolate-deps-host-standins';
/** How a pre-initialised component fails its first call when its package called the host while loading (guest/preinit.ts). */
export const PREINIT_REFUSED = 'isolate-deps:preinit-refused';
const ENTRY_FILE = 'isolate-deps-guest-entry.js';

/** Bundles the package, its dependencies and the guest environment into the one ES module componentize-js takes. */
export async function bundleGuest(options: GuestBundleOptions): Promise<GuestBundle> {
  const roots = options.specifiers
    .map((specifier) => `  { specifier: ${JSON.stringify(specifier)}, load: () => require(${JSON.stringify(specifier)}) },`)
    .join('\n');
  const entry = [
    `import { createServer } from ${JSON.stringify(guestModule('serve'))};`,
    `const server = createServer([\n${roots}\n]);`,
    'export const call = server.call;',
    'export const describe = server.describe;',
    ...(options.preinit ? ['server.loadRoots();'] : []),
  ].join('\n');

  const result = await build({
    stdin: { contents: entry, resolveDir: options.resolveDir, sourcefile: ENTRY_FILE, loader: 'js' },
    // Metafile paths are relative to this: the entry is found by its name below, whatever the process's cwd.
    absWorkingDir: options.resolveDir,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    // The engine lacks Unicode property data: such literals become RegExp calls, rewritten below.
    supported: { 'regexp-unicode-property-escapes': false, 'regexp-sticky-and-unicode-flags': false, 'regexp-set-notation': false },
    mainFields: ['main', 'module'],
    conditions: ['node', 'require', 'default'],
    // Fixed here, never taken from the app's build: nothing of the build's environment is inlined into a guest.
    define: { global: 'globalThis' },
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
    // Bundling renames clashing names (EventEmitter → EventEmitter2); a package may read a class's or function's name.
    keepNames: true,
    // Also drops esbuild's "// path/to/file.js" markers, which would tie the cache key to where the app lives.
    minifyWhitespace: true,
    plugins: [
      guestConfinement({ packageName: options.packageName, resolveDir: options.resolveDir, entryFile: path.join(options.resolveDir, ENTRY_FILE), isBuiltin: (s) => BUILTIN_SPECIFIER.test(s), hostInterfacesFromPackage: options.hostInterfacesFromPackage }),
      guestResolver(options),
    ],
  }).catch((error: unknown) => {
    throw confinementError(error) ?? error;
  });
  const text = result.outputFiles[0]?.text;
  if (text === undefined) throw new Error(`isolate-deps: esbuild produced no guest bundle for "${options.packageName}"`);
  const entryImports = result.metafile.inputs[ENTRY_FILE]?.imports ?? [];
  const formats = options.specifiers.map((specifier) => {
    const resolved = entryImports.find((i) => i.original === specifier);
    return resolved && result.metafile.inputs[resolved.path]?.format === 'esm' ? 'esm' : 'cjs';
  });
  return { code: rewriteUnicodePropertyEscapes(text), formats, inputs: Object.keys(result.metafile.inputs) };
}

/** A module exporting interface `name`'s functions as stand-ins that become the real imports once the component is built. */
function hostFunctionStandIns(name: HostInterface): string {
  const functions = interfaceFunctions(name);
  return [
    `import { ${functions.map((f) => `${f.js} as host_${f.js}`).join(', ')} } from ${JSON.stringify(`isolate:guest/${name}`)};`,
    `import { hostFunction } from ${JSON.stringify(guestModule('preinit'))};`,
    ...functions.map((f) => {
      const qualified = `${name}.${f.wit}`;
      return `export let ${f.js} = hostFunction(${JSON.stringify(qualified)}, host_${f.js}, (real) => { ${f.js} = real; }, ${RECORDABLE.has(qualified)});`;
    }),
  ].join('\n');
}

/** Resolves host interfaces, Node built-ins and the guest config the way the grant says. */
function guestResolver(options: GuestBundleOptions): Plugin {
  const granted = new Set<HostInterface>(grantedInterfaces(options.grant));
  const netGranted = granted.has('net');
  return {
    name: 'isolate-deps-guest',
    setup(build) {
      build.onResolve({ filter: /^isolate:guest\// }, (args) => {
        const name = args.path.slice('isolate:guest/'.length) as HostInterface;
        if (!granted.has(name)) return { path: guestModule(`denied/${name}`), pluginData: GUEST_MODULE };
        // Everyone reaches a granted interface through its stand-ins (guest/preinit.ts), which alone import it.
        if (args.namespace === HOST_FUNCTION_STANDINS) return { path: args.path, external: true };
        return { path: name, namespace: HOST_FUNCTION_STANDINS };
      });
      build.onLoad({ filter: /.*/, namespace: HOST_FUNCTION_STANDINS }, (args) => ({
        contents: hostFunctionStandIns(args.path as HostInterface),
        loader: 'js',
        resolveDir: options.resolveDir,
      }));
      build.onResolve({ filter: /^isolate-deps:guest-config$/ }, () => ({ path: 'config', namespace: 'isolate-deps-config' }));
      build.onLoad({ filter: /.*/, namespace: 'isolate-deps-config' }, () => ({
        contents: `export default ${JSON.stringify({ packageName: options.packageName, policyFile: options.policyFileName, cwd: options.cwd, ...(options.onViolation === 'log' ? { onViolation: 'log' } : {}) })};`,
        loader: 'js',
      }));
      build.onResolve({ filter: BUILTIN_SPECIFIER }, (args) => {
        const name = args.path.replace(/^node:/, '');
        if (IMPLEMENTED_BUILTINS[name]) return { path: name, namespace: 'isolate-deps-builtin' };
        let capability = 'unsupported';
        if (ALWAYS_DENIED_BUILTINS.includes(name.split('/')[0]!)) capability = name.split('/')[0]!;
        else if (NET_BUILTINS.has(name) && !netGranted) capability = 'net';
        return { path: name, namespace: 'isolate-deps-builtin', pluginData: capability };
      });
      build.onLoad({ filter: /\.(?:m?js|cjs)$/ }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        const contents = withModuleLocation(text, args.path, options.resolveDir, options.cwd);
        return contents === text ? undefined : { contents, loader: 'js' };
      });
      build.onLoad({ filter: /.*/, namespace: 'isolate-deps-builtin' }, (args) => ({
        contents: builtinModuleSource(args.path, args.pluginData as string | undefined),
        loader: 'js',
        resolveDir: options.resolveDir,
      }));
    },
  };
}
