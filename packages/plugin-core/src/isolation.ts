import path from 'node:path';
import { compilePackage, defaultCacheDir, locatePackage, type CompiledPackage } from '@isolate-deps/compiler';
import { DEFAULT_POLICY_FILE, findPackagePolicy, loadPolicy, type PackagePolicy, type Policy } from '@isolate-deps/policy';
import { checkCanIsolate } from './isolation-check.ts';

export interface IsolationOptions {
  /** Policy file; default: isolate-deps.policy.json in the build's working directory. */
  policy?: string;
  /** Where built components are cached; default: ISOLATE_DEPS_CACHE_DIR, else the machine-wide cache (~/.cache/isolate-deps, XDG). */
  cacheDir?: string;
  /** Called with each package compiled (cache hit or not): for build logs and tests. */
  onCompiled?: (compiled: CompiledPackage) => void;
  /**
   * A module (path relative to the build's working directory; vite: to its root) whose default export is
   * called with every violation of every isolated package, at run time in the built app or page.
   */
  onViolation?: string;
  /**
   * For testing the host only: packages that may import the host interfaces (`isolate:guest/*`) directly, as
   * a guest that subverted the guest environment could call them. Grants are enforced by the host either way.
   */
  hostInterfacesFromPackages?: string[];
}

/** Where the bundle runs: a browser build has no fs, so an fs grant there is a warning. */
export type IsolationTarget = 'node' | 'browser';

/**
 * What the esbuild and vite adapters share: the policy, which imports it isolates, and one memoised
 * compilation per package. The adapters only translate bundler hooks to these calls.
 */
export interface Isolation {
  policy: Policy;
  /** Names of the packages the policy isolates. */
  names: string[];
  /** Matches every specifier of an isolated package ("yaml", "yaml/util"). */
  filter: RegExp;
  cacheDir: string;
  /** Sets the specifiers each package's component must serve (found by a scan) and forgets earlier compilations. */
  reset(specifiersByPackage?: Map<string, string[]>): void;
  /** Adds a specifier its package's component must serve (bundlers without a scan pass); no effect once compiling. */
  addSpecifier(specifier: string): void;
  /** The package's component, compiled once per reset (concurrent callers share the promise). */
  compile(name: string): Promise<CompiledPackage>;
  /** Every compilation started since the last reset. */
  compiled(): Promise<CompiledPackage>[];
  /** The policy entry that isolates this installed version. */
  entryFor(pkg: CompiledPackage): PackagePolicy;
  /** Index of the module serving `specifier` in `pkg.modules`, or -1. */
  moduleIndex(pkg: CompiledPackage, specifier: string): number;
  /** Warnings about grants the target cannot honour (fs in a browser). */
  warningsFor(pkg: CompiledPackage, target: IsolationTarget): string[];
}

/**
 * Loads the policy (throws PolicyError) and returns undefined when it isolates nothing. `progress` receives
 * one line when a package starts compiling and one when it is ready; the adapter shows them at its
 * bundler's info level.
 */
export function createIsolation(options: IsolationOptions, workingDir: string, progress: (line: string) => void = () => {}): Isolation | undefined {
  const policy = loadPolicy(policyFileOf(options, workingDir));
  const names = [...new Set(policy.packages.filter((p) => p.isolate).map((p) => p.name))];
  if (names.length === 0) return undefined;
  const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : path.resolve(workingDir, options.cacheDir);
  const filter = new RegExp(`^(${names.map(escapeRegExp).join('|')})(/.*)?$`);
  const pending = new Map<string, Promise<CompiledPackage>>();
  let specifiers = new Map<string, string[]>();

  const entryFor = (name: string, version: string): PackagePolicy => {
    const entry = findPackagePolicy(policy, name, version);
    if (!entry || !entry.isolate) throw versionMismatch(policy, name, version);
    return entry;
  };

  return {
    policy,
    names,
    filter,
    cacheDir,
    reset(next) {
      pending.clear();
      if (next) specifiers = next;
    },
    addSpecifier(specifier) {
      const name = packageNameOf(specifier);
      if (pending.has(name)) return;
      const known = specifiers.get(name) ?? [];
      if (!known.includes(specifier)) specifiers.set(name, [...known, specifier].sort());
    },
    compile(name) {
      let compilation = pending.get(name);
      if (!compilation) {
        compilation = (async () => {
          const installed = locatePackage(name, policy.root);
          const entry = entryFor(name, installed.version);
          checkCanIsolate(entry, installed.version, policy.root, policy.file, cacheDir);
          const label = `${name}@${installed.version} (${pending.size + 1}/${names.length})`;
          const started = performance.now();
          progress(`isolate-deps: isolating ${label}: bundling, componentizing, reading its exports…`);
          const result = await compilePackage({
            policy: entry,
            version: installed.version,
            specifiers: specifiers.get(name) ?? [name],
            resolveDir: policy.root,
            root: policy.root,
            policyFileName: path.basename(policy.file),
            cacheDir,
            hostInterfacesFromPackage: options.hostInterfacesFromPackages?.includes(name),
          });
          const seconds = ((performance.now() - started) / 1000).toFixed(1);
          // Said because it costs the package's first call its top-level code (docs/preinit.md).
          const loads = result.loadedAt.when === 'first call' ? `; it loads at its first call (${result.loadedAt.why})` : '';
          progress(`isolate-deps: isolated ${label} in ${seconds} s${result.cacheHit ? ' (from the cache)' : ''}${loads}`);
          options.onCompiled?.(result);
          return result;
        })();
        pending.set(name, compilation);
      }
      return compilation;
    },
    compiled: () => [...pending.values()],
    entryFor: (pkg) => entryFor(pkg.name, pkg.version),
    moduleIndex: (pkg, specifier) => pkg.modules.findIndex((m) => m.specifier === specifier),
    warningsFor(pkg, target) {
      const { fs } = entryFor(pkg.name, pkg.version).allow;
      if (target !== 'browser' || (fs.read.length === 0 && fs.write.length === 0)) return [];
      return [
        `isolate-deps: ${path.basename(policy.file)} grants fs to "${pkg.name}", but this build targets the browser, which has no file system: every fs call of "${pkg.name}" will be refused. Remove the fs grant or build for Node.`,
      ];
    },
  };
}

/** The policy file the options name, resolved against the build's working directory. */
export function policyFileOf(options: IsolationOptions, workingDir: string): string {
  return path.resolve(workingDir, options.policy ?? DEFAULT_POLICY_FILE);
}

/** "yaml/util" → "yaml", "@scope/pkg/sub" → "@scope/pkg". */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function versionMismatch(policy: Policy, name: string, version: string): Error {
  const keys = policy.packages.filter((p) => p.name === name).map((p) => `"${p.key}"`).join(', ');
  return new Error(`isolate-deps: ${name}@${version} is installed, but ${path.basename(policy.file)} isolates it only as ${keys}; refusing to bundle it unisolated. Update the range or the package.`);
}
