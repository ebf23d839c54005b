import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';
import { INSTALL_SCRIPTS, type InstallScript } from './capabilities.ts';
import { isDirectory } from './file-kinds.ts';
import { readLockfiles } from './lockfile.ts';
import type { InstalledPackage, TreeWarning } from './types.ts';

/** The installed dependency tree: every package once, plus what could not be read. */
export interface InstalledTree {
  root: string;
  packages: InstalledPackage[];
  warnings: TreeWarning[];
  lockfiles: string[];
  /** Who depends on whom, by real folder: the graph the app's scope is read from (see appScope). */
  graph: DependencyGraph;
}

/** Dependency edges between installed packages (real folders), and the project's own dependencies split by kind. */
export interface DependencyGraph {
  dependencies: Map<string, string[]>;
  /** The projects' (root and workspaces) `dependencies`, `optionalDependencies` and `peerDependencies`. */
  production: string[];
  /** The projects' `devDependencies`. */
  development: string[];
}

type Manifest = {
  name?: unknown;
  version?: unknown;
  scripts?: Record<string, unknown>;
  bin?: unknown;
  dependencies?: Record<string, unknown>;
  optionalDependencies?: Record<string, unknown>;
  peerDependencies?: Record<string, unknown>;
};
type Found = { pkg: InstalledPackage; manifest: Manifest };

/**
 * Reads the packages installed under `root`, whatever laid them out: npm and yarn classic (hoisted,
 * nested node_modules), pnpm (the .pnpm virtual store, symlinks, workspaces).
 * Why level by level: globbing `**\/node_modules` would walk every package's own files.
 */
export function readInstalledTree(root: string): InstalledTree {
  const absoluteRoot = path.resolve(root);
  const warnings: TreeWarning[] = [];
  const lock = readLockfiles(absoluteRoot, warnings);
  const byRealDir = new Map<string, Found>();
  const byLocation = new Map<string, Found>();
  const projects = projectDirs(absoluteRoot, lock.importers);

  let level = projects.map((dir) => path.join(dir, 'node_modules'));
  const pnpmStore = path.join(absoluteRoot, 'node_modules', '.pnpm');
  if (existsSync(pnpmStore)) level.push(...visibleEntries(pnpmStore).map((name) => path.join(pnpmStore, name, 'node_modules')).filter(isDirectory));
  const seenModuleDirs = new Set<string>();
  while (level.length > 0) {
    const next: string[] = [];
    const moduleDirs = level.filter((d) => !seenModuleDirs.has(d));
    level.forEach((d) => seenModuleDirs.add(d));
    if (moduleDirs.length === 0) break;
    for (const manifestPath of moduleDirs.flatMap(packageManifests).sort()) {
      const location = path.dirname(manifestPath);
      let realDir: string;
      try {
        realDir = realpathSync(location);
      } catch {
        continue;
      }
      const existing = byRealDir.get(realDir);
      if (existing) {
        existing.pkg.paths.push(rel(absoluteRoot, location));
        byLocation.set(location, existing);
        continue;
      }
      // A link out of node_modules is a workspace package or a local folder: first-party code, not a dependency.
      if (!realDir.split(path.sep).includes('node_modules')) continue;
      const found = readPackage(absoluteRoot, location, realDir, lock.byLocation, lock.byId, warnings);
      if (!found) continue;
      byRealDir.set(realDir, found);
      byLocation.set(location, found);
      if (realDir !== location) byLocation.set(realDir, found);
      next.push(path.join(realDir, 'node_modules'));
      // pnpm links a package's dependencies beside it in its virtual-store folder (which may belong to a
      // workspace root above the audited project).
      next.push(containingModulesDir(realDir));
    }
    level = [...new Set(next)].filter((d) => existsSync(d));
  }

  const graph = linkDependents(absoluteRoot, projects, byRealDir, byLocation, warnings);
  const packages = [...byRealDir.values()].map((f) => f.pkg);
  for (const pkg of packages) {
    pkg.paths = [...new Set(pkg.paths)].sort();
    pkg.dependents = [...new Set(pkg.dependents)].sort();
  }
  packages.sort(compareInstalled);
  return { root: absoluteRoot, packages, warnings, lockfiles: lock.files, graph };
}

/** Names in a folder that a glob's `*` matches (not dot-files), none when it cannot be read. */
function visibleEntries(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => !name.startsWith('.'));
  } catch {
    return [];
  }
}

/**
 * The package.json files of the packages in one node_modules folder: `<name>/package.json` and
 * `@scope/<name>/package.json`, symlinks followed. Why not fast-glob: its matching machinery cost more
 * than these few readdir calls, on every audit (a warm one is mostly this tree read).
 */
function packageManifests(modulesDir: string): string[] {
  const manifests: string[] = [];
  for (const name of visibleEntries(modulesDir)) {
    const folder = path.join(modulesDir, name);
    const manifest = path.join(folder, 'package.json');
    if (existsSync(manifest)) manifests.push(manifest);
    if (name.startsWith('@')) for (const inner of visibleEntries(folder)) if (existsSync(path.join(folder, inner, 'package.json'))) manifests.push(path.join(folder, inner, 'package.json'));
  }
  return manifests;
}

/** The order of a tree's packages: by name, version, then folder. */
export function compareInstalled(a: InstalledPackage, b: InstalledPackage): number {
  return a.name.localeCompare(b.name) || a.version.localeCompare(b.version) || a.dir.localeCompare(b.dir);
}

/** The root and its workspace folders (pnpm importers, npm/yarn `workspaces`). */
function projectDirs(root: string, importers: string[]): string[] {
  const dirs = new Set(importers.map((i) => path.resolve(root, i)));
  try {
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { workspaces?: unknown };
    const globs = Array.isArray(manifest.workspaces) ? manifest.workspaces : (manifest.workspaces as { packages?: unknown } | undefined)?.packages;
    if (Array.isArray(globs)) {
      for (const dir of fg.sync(globs.filter((g): g is string => typeof g === 'string'), { cwd: root, onlyDirectories: true, absolute: true, ignore: ['**/node_modules/**'] })) dirs.add(dir);
    }
  } catch {
    // The root manifest is optional here; a malformed one is reported when dependents are linked.
  }
  return [...dirs];
}

function readPackage(
  root: string,
  location: string,
  realDir: string,
  integrityByLocation: Map<string, string>,
  integrityById: Map<string, string>,
  warnings: TreeWarning[],
): Found | undefined {
  const manifestFile = path.join(location, 'package.json');
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
    if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest)) throw new Error('expected a JSON object');
  } catch (error) {
    warnings.push({ file: rel(root, manifestFile), message: `malformed package.json, package skipped: ${(error as Error).message}` });
    return undefined;
  }
  if (typeof manifest.name !== 'string' || typeof manifest.version !== 'string') {
    warnings.push({ file: rel(root, manifestFile), message: 'package.json has no string "name" and "version", package skipped' });
    return undefined;
  }
  const id = `${manifest.name}@${manifest.version}`;
  const locationKey = rel(root, location).split(path.sep).join('/');
  const pkg: InstalledPackage = {
    name: manifest.name,
    version: manifest.version,
    dir: realDir,
    paths: [rel(root, location)],
    dependents: [],
    integrity: integrityByLocation.get(locationKey) ?? integrityById.get(id),
    installScripts: installScripts(manifest, realDir),
    bin: binEntries(manifest),
    manifest: rel(root, path.join(realDir, 'package.json')),
  };
  return { pkg, manifest };
}

function installScripts(manifest: Manifest, dir: string): Partial<Record<InstallScript, string>> {
  const scripts: Partial<Record<InstallScript, string>> = {};
  for (const name of INSTALL_SCRIPTS) {
    const script = manifest.scripts?.[name];
    if (typeof script === 'string' && script.trim() !== '') scripts[name] = script;
  }
  // npm runs `node-gyp rebuild` itself when binding.gyp exists and no install script is given.
  if (!scripts.install && !scripts.preinstall && existsSync(path.join(dir, 'binding.gyp'))) scripts.install = 'node-gyp rebuild (implicit: binding.gyp)';
  return scripts;
}

function binEntries(manifest: Manifest): Record<string, string> {
  if (typeof manifest.bin === 'string' && typeof manifest.name === 'string') return { [manifest.name.replace(/^@[^/]+\//, '')]: manifest.bin };
  if (manifest.bin && typeof manifest.bin === 'object') {
    return Object.fromEntries(Object.entries(manifest.bin as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }
  return {};
}

/** Resolves every dependency the way Node does (nearest node_modules upwards) and records who depends on whom. */
function linkDependents(root: string, projects: string[], byRealDir: Map<string, Found>, byLocation: Map<string, Found>, warnings: TreeWarning[]): DependencyGraph {
  const graph: DependencyGraph = { dependencies: new Map(), production: [], development: [] };
  const resolve = (fromDir: string, name: string): Found | undefined => {
    for (let dir = fromDir; ; dir = path.dirname(dir)) {
      if (path.basename(dir) !== 'node_modules') {
        const hit = byLocation.get(path.join(dir, 'node_modules', name));
        if (hit) return hit;
      }
      if (dir === path.dirname(dir) || dir.length < root.length) return undefined;
    }
  };
  const link = (fromDir: string, manifest: Manifest, dependent: string, into: string[]): void => {
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies'] as const) {
      for (const name of Object.keys(manifest[field] ?? {})) {
        const found = resolve(fromDir, name);
        if (!found) continue;
        found.pkg.dependents.push(dependent);
        into.push(found.pkg.dir);
      }
    }
  };
  for (const { pkg, manifest } of byRealDir.values()) {
    const into: string[] = [];
    link(pkg.dir, manifest, `${pkg.name}@${pkg.version}`, into);
    graph.dependencies.set(pkg.dir, into);
  }
  for (const dir of projects) {
    const file = path.join(dir, 'package.json');
    if (!existsSync(file)) continue;
    try {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest & { devDependencies?: Record<string, unknown> };
      const label = dir === root ? '(root)' : typeof manifest.name === 'string' ? manifest.name : rel(root, dir);
      link(dir, manifest, label, graph.production);
      link(dir, { dependencies: manifest.devDependencies }, label, graph.development);
    } catch (error) {
      warnings.push({ file: rel(root, file), message: `malformed package.json: ${(error as Error).message}` });
    }
  }
  return graph;
}

/** The node_modules folder a package folder sits in ("/a/node_modules/@s/b" → "/a/node_modules"). */
function containingModulesDir(dir: string): string {
  const segments = dir.split(path.sep);
  return segments.slice(0, segments.lastIndexOf('node_modules') + 1).join(path.sep);
}

function rel(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/') || '.';
}
