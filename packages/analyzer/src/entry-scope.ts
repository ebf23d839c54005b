import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepImport, PackageResolver, packageNameOf, packageSpecifier, readManifest, type CodeFiles } from './entry-points.ts';
import { isDirectory, isFile } from './file-kinds.ts';
import { scanFile } from './scan-file.ts';
import type { InstalledPackage } from './types.ts';

// The app's own code may be TypeScript run by a loader (tsx, ts-node, Node's type stripping).
const CODE_FILE = /\.(?:c|m)?[jt]sx?$/;
const APP_EXTENSIONS = ['', '.js', '.cjs', '.mjs', '.jsx', '.ts', '.cts', '.mts', '.tsx', '/index.js', '/index.cjs', '/index.mjs', '/index.ts'];
// TypeScript sources name the compiled file: `import './x.js'` is ./x.ts.
const TS_FOR_JS: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };

/** An installed package the app's code loads, with the deep import when it names a file inside ("lodash/merge"). */
export interface PackageLoad {
  pkg: InstalledPackage;
  deepImport: string | undefined;
}

/** What the app's entry files reach before any package. */
export interface EntryReach {
  /** The app's own files reached (the entries first; linked workspace packages' files too), relative to the root. */
  files: string[];
  /** The installed packages those files load, with the file (relative to the root) that loads each. */
  loads: (PackageLoad & { from: string })[];
  /** The first computed require()/import() in the app's files (file relative to the root, call): any dependency may load. */
  computedLoad: { file: string; call: string } | undefined;
}

/**
 * The file an entry names, the way `node <entry>` finds it: the file itself, with a JS or TS extension,
 * or a folder's package.json `main`, else its index file (so "." is the project's `main`). Undefined when none exists.
 */
export function resolveEntryFile(root: string, entry: string): string | undefined {
  return codeFileAt(path.resolve(root, entry));
}

function codeFileAt(base: string): string | undefined {
  const withExtension = (candidates: string[]): string | undefined => candidates.find((file) => isFile(file) && CODE_FILE.test(file));
  const direct = withExtension(APP_EXTENSIONS.slice(0, APP_EXTENSIONS.indexOf('/index.js')).map((ext) => base + ext));
  if (direct) return direct;
  const ext = path.extname(base);
  const typescript = TS_FOR_JS[ext] && withExtension(TS_FOR_JS[ext].map((ts) => base.slice(0, -ext.length) + ts));
  if (typescript) return typescript;
  if (!isDirectory(base)) return undefined;
  const main = readManifest(base).main;
  const fromMain = typeof main === 'string' && path.resolve(base, main) !== base ? codeFileAt(path.resolve(base, main)) : undefined;
  return fromMain ?? withExtension(APP_EXTENSIONS.filter((e) => e.startsWith('/index')).map((index) => base + index));
}

/** A folder's files as the resolver asks about them (for `#imports` and `exports`): whatever is on disk; no pattern is listed. */
function filesOnDisk(root: string): CodeFiles {
  return { has: (file: string) => isFile(path.join(root, file)), [Symbol.iterator]: () => [][Symbol.iterator]() };
}

/**
 * Follows the app's own module graph from its entry files (absolute), through relative, absolute,
 * `file:` and `#imports` specifiers and into linked first-party packages (workspaces), and collects
 * the installed packages it loads. Static loads only, like inside packages; a computed one is
 * reported, and the caller then counts every dependency.
 */
export function reachFromEntries(root: string, entryFiles: string[], locator: PackageLocator): EntryReach {
  const order = [...new Set(entryFiles)];
  const seen = new Set(order);
  const loads: EntryReach['loads'] = [];
  let computedLoad: EntryReach['computedLoad'];
  const resolvers = new Map<string, PackageResolver>();
  // The project or first-party package a file belongs to answers its `#imports`.
  const resolverOf = (dir: string): PackageResolver => {
    let resolver = resolvers.get(dir);
    if (!resolver) resolvers.set(dir, (resolver = new PackageResolver(dir, readManifest(dir), filesOnDisk(dir), APP_EXTENSIONS)));
    return resolver;
  };
  const packageRoots = [root];
  const packageRootOf = (file: string): string => packageRoots.filter((dir) => file.startsWith(dir + path.sep)).sort((a, b) => b.length - a.length)[0] ?? root;
  const relative = (file: string) => path.relative(root, file).split(path.sep).join('/');
  const load = (spec: string, fromDir: string, from: string, targets: string[]): void => {
    const located = locator.locate(fromDir, spec);
    if (!located) return;
    if ('pkg' in located) return void loads.push({ ...located, from });
    // A linked first-party package: its files are the app's; when none resolves, its dependencies count.
    packageRoots.push(located.localDir);
    const resolver = resolverOf(located.localDir);
    const files = resolver.subpath(`.${spec.slice(packageNameOf(spec).length)}`).map((f) => path.join(located.localDir, f));
    targets.push(...files);
    if (files.length === 0) for (const name of declaredDependencies(located.localDir)) load(name, located.localDir, from, targets);
  };
  for (let i = 0; i < order.length; i++) {
    const file = order[i]!;
    const scan = scanFile(file, readFileSync(file, 'utf8'));
    if (scan.computedLoad !== undefined) computedLoad ??= { file: relative(file), call: scan.computedLoad };
    const fromDir = path.dirname(file);
    const targets: string[] = [];
    for (const spec of scan.specifiers ?? []) {
      if (spec.startsWith('.') || spec.startsWith('/')) targets.push(codeFileAt(path.resolve(fromDir, spec)) ?? '');
      else if (spec.startsWith('file:')) targets.push(codeFileAt(fileURLToPath(spec)) ?? '');
      else if (spec.startsWith('#')) {
        const owner = packageRootOf(file);
        targets.push(...resolverOf(owner).resolve('', spec).map((f) => path.join(owner, f)));
        for (const name of resolverOf(owner).packagesImported([spec])) load(name, owner, relative(file), targets);
      } else if (packageSpecifier(spec)) load(spec, fromDir, relative(file), targets);
    }
    for (const target of targets) if (target !== '' && !seen.has(target)) (seen.add(target), order.push(target));
  }
  return { files: order.map(relative), loads, computedLoad };
}

/** The names a package.json lists as dependencies (all kinds that install with it). */
export function declaredDependencies(dir: string): string[] {
  try {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    return ['dependencies', 'optionalDependencies', 'peerDependencies'].flatMap((field) => Object.keys((manifest[field] as object | null | undefined) ?? {}));
  } catch {
    return [];
  }
}

/**
 * Finds what a package specifier loads from a folder, the way Node does: the nearest
 * node_modules/<name> upwards, symlinks followed (pnpm). An installed package of the tree, matched by
 * real folder, or a linked folder outside node_modules (a workspace package: first-party code).
 */
export class PackageLocator {
  private readonly byDir: Map<string, InstalledPackage>;
  private readonly found = new Map<string, InstalledPackage | string | undefined>();

  constructor(packages: InstalledPackage[]) {
    this.byDir = new Map(packages.map((p) => [p.dir, p]));
  }

  locate(fromDir: string, spec: string): PackageLoad | { localDir: string } | undefined {
    const name = packageNameOf(spec);
    const key = `${fromDir}\0${name}`;
    if (!this.found.has(key)) this.found.set(key, this.search(fromDir, name));
    const found = this.found.get(key);
    if (found === undefined) return undefined;
    return typeof found === 'string' ? { localDir: found } : { pkg: found, deepImport: isDeepImport(spec) ? spec : undefined };
  }

  /** The first node_modules/<name> upwards decides, as for Node; one the tree skipped (unreadable, outside the root) is not audited. */
  private search(fromDir: string, name: string): InstalledPackage | string | undefined {
    for (let dir = fromDir; ; dir = path.dirname(dir)) {
      if (path.basename(dir) !== 'node_modules') {
        const real = realPath(path.join(dir, 'node_modules', name));
        if (real !== undefined) return this.byDir.get(real) ?? (real.split(path.sep).includes('node_modules') ? undefined : real);
      }
      if (path.dirname(dir) === dir) return undefined;
    }
  }
}

function realPath(file: string): string | undefined {
  // Most candidates do not exist: existsSync says so without the cost of a thrown error.
  if (!existsSync(file)) return undefined;
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
}
