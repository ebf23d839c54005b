import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { version as componentizeVersion } from '@bytecodealliance/componentize-js';
import type { ExportShape, ModuleShape } from '@isolate-deps/boundary';
import type { PackagePolicy } from '@isolate-deps/policy';
import { IsolatedPackage, type Instantiate } from '@isolate-deps/runtime';
import { ComponentCache } from './component-cache.ts';
import { buildComponent } from './componentize-pool.ts';
import type { BuiltComponent } from './componentize.ts';
import { bundleGuest, PREINIT_REFUSED } from './guest-bundle.ts';
import { BINDINGS_REVISION } from './jco-bindings.ts';
import { worldFor } from './world.ts';
import { GUEST_CWD } from '@isolate-deps/runtime';

// The published package ships its own copy of jco-transpile (packages/isolate-deps/toolchain.mjs) and defines its version.
declare const __JCO_TRANSPILE_VERSION__: string | undefined;
const jcoTranspileVersion = typeof __JCO_TRANSPILE_VERSION__ === 'string' ? __JCO_TRANSPILE_VERSION__ : installedJcoTranspileVersion();

/** jco-transpile does not export its package.json: read it next to its resolved entry. */
function installedJcoTranspileVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@bytecodealliance/jco-transpile');
  return (JSON.parse(readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version;
}
// Bump when the guest/host protocol changes in a way the bundle text alone does not show.
const PROTOCOL_VERSION = '2';
// Bump when what the compiler does to the componentized core module changes (engine-identity.ts: the frozen clock, the engine id).
const ENGINE_REVISION = '1';

export interface CompileOptions {
  policy: PackagePolicy;
  version: string;
  specifiers: string[];
  /** Where the app resolves packages from (its project root). */
  resolveDir: string;
  /** Project root that fs grants are relative to. */
  root: string;
  policyFileName: string;
  cacheDir: string;
  /** Test seam, see GuestBundleOptions.hostInterfacesFromPackage. */
  hostInterfacesFromPackage?: boolean;
}

export interface CompiledPackage {
  name: string;
  version: string;
  key: string;
  /** Cache entry folder with guest.mjs and the core wasm files. */
  dir: string;
  /** Files to ship next to the app (core wasm). */
  coreFiles: string[];
  modules: ModuleShape[];
  /** The component's imports as read from the binary: only granted interfaces appear. */
  imports: string[];
  wit: string;
  /** When the package's top-level code runs: at build time (in the snapshot), or at the first call and why. */
  loadedAt: CacheMeta['loadedAt'];
  cacheHit: boolean;
  timings: { bundleMs: number; componentizeMs: number; describeMs: number };
}

interface CacheMeta {
  name: string;
  version: string;
  key: string;
  modules: ModuleShape[];
  imports: string[];
  coreFiles: string[];
  wit: string;
  tools: Record<string, string>;
  componentBytes: number;
  /** When the package's top-level code runs: at build time (in the snapshot), or at the first call and why. */
  loadedAt: { when: 'build' } | { when: 'first call'; why: string };
}

/** The tools a component is built with: part of its cache key, so an entry built by others is never hit again. */
export function componentTools(): Record<string, string> {
  return { componentize: componentizeVersion, jcoTranspile: jcoTranspileVersion, bindings: BINDINGS_REVISION, protocol: PROTOCOL_VERSION, engine: ENGINE_REVISION };
}

/** Package → guest bundle → component → transpiled bindings, through the content-addressed cache. */
export async function compilePackage(options: CompileOptions): Promise<CompiledPackage> {
  const { policy } = options;
  const started = performance.now();
  const wit = worldFor(policy.allow);
  const bundleFor = (preinit: boolean) =>
    bundleGuest({
      packageName: policy.name,
      specifiers: options.specifiers,
      resolveDir: options.resolveDir,
      grant: policy.allow,
      policyFileName: options.policyFileName,
      cwd: GUEST_CWD,
      onViolation: policy.onViolation,
      hostInterfacesFromPackage: options.hostInterfacesFromPackage,
      preinit,
    });
  let bundle = await bundleFor(true);
  const bundleMs = performance.now() - started;
  const tools = componentTools();
  // The bundle text covers the package, its dependencies, the guest environment and the grant's module choices.
  const key = createHash('sha256').update(JSON.stringify({ tools, wit, specifiers: options.specifiers, formats: bundle.formats, code: bundle.code })).digest('hex').slice(0, 32);
  const cache = new ComponentCache(options.cacheDir);
  const hit = cache.read<CacheMeta>(key);
  if (hit) {
    cache.touch(key);
    return { ...pick(hit), dir: cache.entryDir(key), cacheHit: true, timings: { bundleMs, componentizeMs: 0, describeMs: 0 } };
  }

  // The key stays that of the pre-initialising bundle: the entry it names holds whichever build these inputs give.
  const timings = { bundleMs, componentizeMs: 0, describeMs: 0 };
  let loadedAt: CacheMeta['loadedAt'] = { when: 'build' };
  let result = await buildAndDescribe(bundle.code, wit, key, cache, options, timings);
  if ('refusal' in result) {
    loadedAt = { when: 'first call', why: result.refusal };
    bundle = await bundleFor(false);
    result = await buildAndDescribe(bundle.code, wit, key, cache, options, timings);
    if ('refusal' in result) throw new Error(`isolate-deps: "${policy.name}" called the host while its component was built: ${result.refusal}`);
  }
  const { built, shapes } = result;
  const coreFiles = Object.keys(built.files).filter((f) => f.endsWith('.wasm'));
  const modules = options.specifiers.map((specifier, i) => ({ specifier, format: bundle.formats[i] ?? 'cjs', root: shapes[i] ?? { kind: 'object', props: {} } }));
  const meta: CacheMeta = { name: policy.name, version: options.version, key, modules, imports: built.imports, coreFiles, wit, tools, componentBytes: built.componentBytes, loadedAt };
  const dir = cache.write(key, { ...built.files, 'world.wit': wit, 'guest-bundle.js': bundle.code }, meta);
  return { ...pick(meta), dir, cacheHit: false, timings };
}

/**
 * Builds the component and reads its export shapes; or, for a pre-initialised component whose package called the
 * host while loading, the call that was refused (guest/preinit.ts).
 */
async function buildAndDescribe(guestCode: string, wit: string, key: string, cache: ComponentCache, options: CompileOptions, timings: CompiledPackage['timings']): Promise<{ built: BuiltComponent; shapes: ExportShape[] } | { refusal: string }> {
  const t1 = performance.now();
  const built = await buildComponent(guestCode, wit).catch((error: Error) => {
    throw new Error(`isolate-deps: building the component of "${options.policy.name}" failed: ${error.message}`, { cause: error });
  });
  const t2 = performance.now();
  timings.componentizeMs += t2 - t1;
  // Describe in a scratch entry first; the caller then writes the real entry with the shapes: one atomic write.
  // One scratch entry per build: two builds of the same package must not remove each other's.
  const scratchKey = `${key}.describe-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const scratch = cache.write(scratchKey, { ...built.files, 'package.json': '{"type":"module"}' }, { name: options.policy.name, version: options.version, key, incomplete: true });
  try {
    return { built, shapes: await describe(scratch, options, options.policy) };
  } catch (error) {
    const refusal = (error as Error).message.match(new RegExp(`${PREINIT_REFUSED} (.*)`))?.[1];
    if (refusal !== undefined) return { refusal };
    throw error;
  } finally {
    cache.remove(scratchKey); // also when the package fails to load: no scratch entry is left behind
    timings.describeMs += performance.now() - t2;
  }
}

function pick(meta: CacheMeta) {
  return { name: meta.name, version: meta.version, key: meta.key, coreFiles: meta.coreFiles, modules: meta.modules, imports: meta.imports, wit: meta.wit, loadedAt: meta.loadedAt };
}

const DESCRIBE_BUDGET_MS = 120_000;

/** Runs the component once, with no environment, files or network, to read what each root exports. */
async function describe(dir: string, options: CompileOptions, policy: PackagePolicy): Promise<ExportShape[]> {
  const { instantiate } = (await import(pathToFileURL(path.join(dir, 'guest.mjs')).href)) as { instantiate: Instantiate };
  const pkg = new IsolatedPackage(
    { name: policy.name, version: options.version, grant: policy.allow, policyFile: options.policyFileName, root: options.root, componentDir: dir, instantiate },
    // Top-level code that never finishes must fail the build, not hang it (a cold, busy machine gets time to spare).
    { inert: true, deadlineMs: DESCRIBE_BUDGET_MS },
  );
  try {
    return pkg.describe();
  } catch (error) {
    throw new Error(`isolate-deps: "${policy.name}" failed to load inside its component: ${(error as Error).message}`, { cause: error });
  }
}
