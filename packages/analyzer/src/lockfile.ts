import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { TreeWarning } from './types.ts';

/** What the audit takes from the lockfiles: integrities (the cache key) and pnpm's workspace folders. */
export interface LockfileFacts {
  /** npm: integrity by install location relative to the root ("node_modules/a/node_modules/b"). */
  byLocation: Map<string, string>;
  /** pnpm: integrity by "name@version". */
  byId: Map<string, string>;
  /** Workspace folders relative to the root (pnpm importers), "." included. */
  importers: string[];
  files: string[];
}

/** Reads package-lock.json and pnpm-lock.yaml when present; a malformed one is a warning and is skipped. */
export function readLockfiles(root: string, warnings: TreeWarning[]): LockfileFacts {
  const facts: LockfileFacts = { byLocation: new Map(), byId: new Map(), importers: ['.'], files: [] };
  const npmFile = path.join(root, 'package-lock.json');
  if (existsSync(npmFile)) {
    facts.files.push('package-lock.json');
    try {
      readNpmLock(JSON.parse(readFileSync(npmFile, 'utf8')), facts);
    } catch (error) {
      warnings.push({ file: 'package-lock.json', message: `malformed lockfile, ignored: ${(error as Error).message}` });
    }
  }
  const pnpmFile = path.join(root, 'pnpm-lock.yaml');
  if (existsSync(pnpmFile)) {
    facts.files.push('pnpm-lock.yaml');
    try {
      readPnpmLock(parseYaml(readFileSync(pnpmFile, 'utf8')), facts);
    } catch (error) {
      warnings.push({ file: 'pnpm-lock.yaml', message: `malformed lockfile, ignored: ${(error as Error).message.split('\n')[0]}` });
    }
  }
  return facts;
}

type NpmEntry = { integrity?: unknown; dependencies?: Record<string, NpmEntry> };

function readNpmLock(json: unknown, facts: LockfileFacts): void {
  if (json === null || typeof json !== 'object') throw new Error('expected a JSON object');
  const lock = json as { packages?: Record<string, NpmEntry>; dependencies?: Record<string, NpmEntry> };
  if (lock.packages) {
    // lockfileVersion 2 and 3: keyed by install location.
    for (const [location, entry] of Object.entries(lock.packages)) {
      if (typeof entry?.integrity === 'string') facts.byLocation.set(location, entry.integrity);
    }
    return;
  }
  // lockfileVersion 1: nested by name.
  const visit = (deps: Record<string, NpmEntry> | undefined, prefix: string): void => {
    for (const [name, entry] of Object.entries(deps ?? {})) {
      const location = `${prefix}node_modules/${name}`;
      if (typeof entry?.integrity === 'string') facts.byLocation.set(location, entry.integrity);
      visit(entry?.dependencies, `${location}/`);
    }
  };
  visit(lock.dependencies, '');
}

function readPnpmLock(yaml: unknown, facts: LockfileFacts): void {
  if (yaml === null || typeof yaml !== 'object') throw new Error('expected a YAML mapping');
  const lock = yaml as { importers?: Record<string, unknown>; packages?: Record<string, { resolution?: { integrity?: unknown } }> };
  for (const importer of Object.keys(lock.importers ?? {})) if (importer !== '.') facts.importers.push(importer);
  for (const [key, entry] of Object.entries(lock.packages ?? {})) {
    const integrity = entry?.resolution?.integrity;
    const id = pnpmKeyToId(key);
    if (typeof integrity === 'string' && id) facts.byId.set(id, integrity);
  }
}

/** "/@scope/a@1.2.3(peer@1)" (v6), "@scope/a@1.2.3" (v9), "/a/1.2.3_peer" (v5) → "@scope/a@1.2.3". */
export function pnpmKeyToId(key: string): string | undefined {
  const bare = key.replace(/^\//, '').replace(/\(.*$/, '');
  const at = bare.lastIndexOf('@');
  if (at > 0) return bare;
  const slash = bare.lastIndexOf('/');
  if (slash <= 0) return undefined;
  return `${bare.slice(0, slash)}@${bare.slice(slash + 1).replace(/_.*$/, '')}`;
}
