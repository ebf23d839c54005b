import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { analyzePackage, listPackageFiles } from './analyze-package.ts';
import type { Capability } from './capabilities.ts';
import type { Evidence, PackageAnalysis } from './types.ts';

/** Capabilities a WebAssembly component can never be granted: the package's calls to them always fail. */
export type BlockingCapability = Extract<Capability, 'child_process' | 'native' | 'worker'>;

/** Why a package cannot run isolated: one capability, in one package of its component, with where it is. */
export interface IsolationBlocker {
  capability: BlockingCapability;
  /** The package ("name@version") whose code uses it: the isolated package or one of its dependencies. */
  package: string;
  /** Files as node_modules/<package>/<file>, 1-based lines. */
  evidence: Evidence[];
}

// Loaders of native addons: a package depending on one loads a .node file at run time.
const NATIVE_LOADERS = new Set(['bindings', 'node-gyp-build', 'node-gyp-build-optional-packages', '@mapbox/node-pre-gyp', 'node-pre-gyp', 'prebuild-install', 'napi-build-utils']);
const BLOCKING: BlockingCapability[] = ['child_process', 'native', 'worker'];
// Native evidence that means an addon, not a process.binding() probe that the package guards itself.
const NATIVE_CODE = /^(?:native addon|binding\.gyp|prebuilt binary)/;

/**
 * What keeps `name` (as installed for `fromDir`) from ever running in a component: a native addon in it
 * or its dependencies (bundled into the same component, and a .node file cannot load there), or
 * child_process or worker_threads in the code its own entry points reach (never its `bin`). A
 * dependency's child_process or Worker is left to the audit: many packages carry one on a path they
 * guard or seldom take (pino's transports, undici's feature probe) and run isolated fine. Takes a few
 * hundred milliseconds for a package and its dependencies: it runs before any compilation. `analyze` may
 * remember analyses between runs (the plugins keep them in the component cache).
 */
export function isolationBlockers(name: string, fromDir: string, analyze: (dir: string) => PackageAnalysis = analyzePackage): IsolationBlocker[] {
  const root = path.resolve(fromDir);
  const blockers: IsolationBlocker[] = [];
  const seen = new Set<string>();
  const queue = [locate(name, root)].filter((dir): dir is string => dir !== undefined);
  while (queue.length > 0) {
    const dir = queue.shift()!;
    if (seen.has(dir)) continue;
    seen.add(dir);
    const manifest = readJson(path.join(dir, 'package.json'));
    const id = `${String(manifest.name)}@${String(manifest.version)}`;
    // Where the user sees the file (node_modules/<name>/...), not the store folder pnpm keeps it in.
    const shown = (file: string) => `node_modules/${String(manifest.name)}/${file}`;
    if (seen.size === 1) {
      const analysis = analyze(dir);
      for (const capability of BLOCKING) {
        const evidence = (analysis.capabilities[capability] ?? []).filter((e) => capability !== 'native' || NATIVE_CODE.test(e.detail));
        if (evidence.length > 0) blockers.push({ capability, package: id, evidence: evidence.map((e) => ({ ...e, file: shown(e.file) })) });
      }
    } else {
      // A dependency only counts for its native files: a walk of its folder, no parsing.
      const native = listPackageFiles(dir).native.filter((f) => f.endsWith('.node') || f.endsWith('binding.gyp'));
      if (native.length > 0) blockers.push({ capability: 'native', package: id, evidence: native.slice(0, 5).map((f) => ({ file: shown(f), line: 1, column: 1, detail: f.endsWith('.gyp') ? 'binding.gyp (node-gyp build)' : 'native addon' })) });
    }
    const dependencies = { ...(manifest.dependencies as object | undefined), ...(manifest.optionalDependencies as object | undefined) };
    const loader = Object.keys(dependencies).find((d) => NATIVE_LOADERS.has(d));
    if (loader !== undefined && !blockers.some((b) => b.package === id && b.capability === 'native')) {
      blockers.push({ capability: 'native', package: id, evidence: [{ file: shown('package.json'), line: lineOf(path.join(dir, 'package.json'), `"${loader}"`), column: 1, detail: `depends on ${loader}, which loads a native addon` }] });
    }
    for (const dependency of Object.keys(dependencies)) {
      const found = locate(dependency, dir);
      if (found !== undefined) queue.push(found);
    }
  }
  return blockers;
}

/** The real folder of `name` as Node resolves it from `fromDir`, or undefined (an optional dependency not installed). */
function locate(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return realpathSync(candidate);
    if (path.dirname(dir) === dir) return undefined;
  }
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function lineOf(file: string, text: string): number {
  const content = readFileSync(file, 'utf8');
  const index = content.indexOf(text);
  return index < 0 ? 1 : content.slice(0, index).split('\n').length;
}
