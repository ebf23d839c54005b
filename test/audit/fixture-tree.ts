import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Committed package folders (real small packages from `npm pack`, plus a few synthetic ones). */
export const PACKAGES = path.resolve(import.meta.dirname, '../fixtures/audit/packages');

/** Which packages a fixture project installs. Ids are "name@version" folders under PACKAGES. */
export interface TreeSpec {
  root: string[];
  /** Dependencies of a package (must be listed in its package.json to show as dependents). */
  deps?: Record<string, string[]>;
  /** npm layout only: id → the id it is nested under (a version conflict npm cannot hoist). */
  nested?: Record<string, string>;
  /** Write package-lock.json / pnpm-lock.yaml (default true). */
  lockfile?: boolean;
}

const split = (id: string) => {
  const at = id.lastIndexOf('@');
  return { name: id.slice(0, at), version: id.slice(at + 1) };
};

/** A stand-in integrity per package version (the cache key; real hashes are not needed here). */
export function fixtureIntegrity(id: string): string {
  return `sha512-${createHash('sha512').update(id).digest('base64')}`;
}

function closure(spec: TreeSpec): string[] {
  const all = new Set<string>();
  const visit = (id: string) => {
    if (all.has(id)) return;
    all.add(id);
    for (const dep of spec.deps?.[id] ?? []) visit(dep);
  };
  spec.root.forEach(visit);
  return [...all].sort();
}

function writeRootManifest(dir: string, spec: TreeSpec): void {
  const dependencies = Object.fromEntries(spec.root.map((id) => [split(id).name, split(id).version]));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'fixture-app', version: '1.0.0', private: true, dependencies }, null, 2));
}

/** Lays the packages out as npm (and yarn classic) do: hoisted copies, conflicts nested. */
export function npmTree(spec: TreeSpec, dir = mkdtempSync(path.join(os.tmpdir(), 'audit-npm-'))): string {
  writeRootManifest(dir, spec);
  const lock: Record<string, unknown> = { '': { name: 'fixture-app', version: '1.0.0' } };
  for (const id of closure(spec)) {
    const { name, version } = split(id);
    const parent = spec.nested?.[id];
    const location = parent ? `node_modules/${split(parent).name}/node_modules/${name}` : `node_modules/${name}`;
    cpSync(path.join(PACKAGES, id), path.join(dir, location), { recursive: true });
    lock[location] = { version, integrity: fixtureIntegrity(id) };
  }
  if (spec.lockfile !== false) writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify({ name: 'fixture-app', lockfileVersion: 3, packages: lock }, null, 2));
  return dir;
}

/** Lays the packages out as pnpm does: a .pnpm virtual store with symlinked dependencies. */
export function pnpmTree(spec: TreeSpec, dir = mkdtempSync(path.join(os.tmpdir(), 'audit-pnpm-'))): string {
  writeRootManifest(dir, spec);
  const store = path.join(dir, 'node_modules', '.pnpm');
  const lockLines = ["lockfileVersion: '9.0'", '', 'importers:', '  .:', '    dependencies: {}', '', 'packages:'];
  for (const id of closure(spec)) {
    const { name } = split(id);
    const own = path.join(store, id, 'node_modules');
    cpSync(path.join(PACKAGES, id), path.join(own, name), { recursive: true });
    for (const dep of spec.deps?.[id] ?? []) {
      const depName = split(dep).name;
      symlinkSync(path.relative(own, path.join(store, dep, 'node_modules', depName)), path.join(own, depName));
    }
    lockLines.push(`  '${id}':`, `    resolution: {integrity: ${fixtureIntegrity(id)}}`);
  }
  for (const id of spec.root) {
    const { name } = split(id);
    mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
    symlinkSync(path.relative(path.join(dir, 'node_modules'), path.join(store, id, 'node_modules', name)), path.join(dir, 'node_modules', name));
  }
  if (spec.lockfile !== false) writeFileSync(path.join(dir, 'pnpm-lock.yaml'), `${lockLines.join('\n')}\n`);
  return dir;
}

/** Writes a policy file into a fixture project and returns its path. */
export function writePolicy(dir: string, policy: unknown): string {
  const file = path.join(dir, 'isolate-deps.policy.json');
  writeFileSync(file, typeof policy === 'string' ? policy : JSON.stringify(policy, null, 2));
  return file;
}

/** The standard fixture app: real packages (debug with its own nested ms, dotenv, mkdirp, opener, get-port) and synthetic ones. */
export const APP: TreeSpec = {
  root: ['debug@4.3.4', 'ms@2.1.3', 'dotenv@16.4.5', 'mkdirp@1.0.4', 'opener@1.5.2', 'get-port@5.1.1', 'tripwire@1.0.0', 'native-thing@1.0.0'],
  deps: { 'debug@4.3.4': ['ms@2.1.2'] },
  nested: { 'ms@2.1.2': 'debug@4.3.4' },
};
