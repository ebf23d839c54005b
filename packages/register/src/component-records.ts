import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ModuleShape } from '@isolate-deps/boundary';
import type { Policy } from '@isolate-deps/policy';
import type { IsolatedTarget } from './isolated-files.ts';
import { toolVersion } from './tool-version.ts';

/**
 * Which cached component serves one isolated package of one policy, written by `isolate-deps build` (or a
 * first-use compilation). The component's own cache key covers its contents; this record lets the hook
 * find it at start-up without bundling the package again to recompute that key.
 */
export interface ComponentRecord {
  name: string;
  version: string;
  entryHash: string;
  tool: string;
  key: string;
  specifiers: string[];
}

/** A component ready to load: its cache entry and what each of its root modules exports. */
export interface ReadyComponent {
  name: string;
  version: string;
  key: string;
  dir: string;
  modules: ModuleShape[];
}

export function recordFile(cacheDir: string, policyFile: string, name: string): string {
  return path.join(cacheDir, 'register', `${policyId(policyFile)}-${name.replace('/', '+')}.json`);
}

function snapshotFile(cacheDir: string, policyFile: string): string {
  return path.join(cacheDir, 'register', `${policyId(policyFile)}.policy-snapshot.json`);
}

function policyId(policyFile: string): string {
  return createHash('sha256').update(policyFile).digest('hex').slice(0, 16);
}

export function readRecord(cacheDir: string, policyFile: string, name: string): ComponentRecord | undefined {
  try {
    return JSON.parse(readFileSync(recordFile(cacheDir, policyFile, name), 'utf8')) as ComponentRecord;
  } catch {
    return undefined;
  }
}

/** Written whole (temporary file, then rename): a reader never sees half a record. */
export function writeRecord(cacheDir: string, policyFile: string, record: ComponentRecord): void {
  const file = recordFile(cacheDir, policyFile, record.name);
  mkdirSync(path.dirname(file), { recursive: true });
  const staging = `${file}.${process.pid}.tmp`;
  writeFileSync(staging, JSON.stringify(record, null, 2));
  renameSync(staging, file);
}

/** The cache entry's module shapes, or undefined when the entry is gone or unfinished. */
export function readComponent(cacheDir: string, key: string): ReadyComponent | undefined {
  const dir = path.join(cacheDir, key);
  const meta = path.join(dir, 'meta.json');
  if (!existsSync(meta)) return undefined;
  try {
    const { name, version, modules } = JSON.parse(readFileSync(meta, 'utf8')) as { name: string; version: string; modules: ModuleShape[] };
    touch(meta);
    return { name, version, key, dir, modules };
  } catch {
    return undefined;
  }
}

/** Renews the entry's last use, for `isolate-deps cache prune`; a read-only cache (an image layer) is fine. */
function touch(file: string): void {
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // not ours to write
  }
}

export type Lookup = { ready: ReadyComponent; reason?: undefined } | { ready?: undefined; reason: string };

/** The component serving `specifier` (any specifier when undefined), or why there is no up-to-date one. */
export function lookupComponent(cacheDir: string, policyFile: string, tool: string, target: IsolatedTarget, specifier: string | undefined): Lookup {
  const record = readRecord(cacheDir, policyFile, target.name);
  if (!record) return { reason: 'no component built yet' };
  if (record.version !== target.version) return { reason: `installed version changed (${record.version} → ${target.version})` };
  if (record.entryHash !== target.entryHash) return { reason: 'its policy entry changed' };
  if (record.tool !== tool) return { reason: `isolate-deps changed (${record.tool} → ${tool})` };
  if (specifier !== undefined && !record.specifiers.includes(specifier)) return { reason: `its component does not serve "${specifier}"` };
  const ready = readComponent(cacheDir, record.key);
  return ready ? { ready } : { reason: 'its component is missing from the cache' };
}

/**
 * What the next build of the package must serve: what it served before and `extra`; its main entry when that
 * says nothing (a package may be used only through a subpath, whose main entry need not even build).
 */
export function specifiersToBuild(cacheDir: string, policyFile: string, name: string, extra: string[] = []): string[] {
  const previous = readRecord(cacheDir, policyFile, name)?.specifiers ?? [];
  const wanted = new Set([...previous, ...extra.filter((s) => s === name || s.startsWith(`${name}/`))]);
  return wanted.size === 0 ? [name] : [...wanted].sort();
}

/**
 * The policy as `isolate-deps build` validated it, keyed by the file's exact text: a start-up with the same text
 * skips the schema validation (the snapshot is the validator's own output for those bytes); any edit validates again.
 */
export function writePolicySnapshot(cacheDir: string, policy: Policy, text: string): void {
  const file = snapshotFile(cacheDir, policy.file);
  mkdirSync(path.dirname(file), { recursive: true });
  const staging = `${file}.${process.pid}.tmp`;
  writeFileSync(staging, JSON.stringify({ textHash: textHash(text), tool: toolVersion(), policy }));
  renameSync(staging, file);
}

/**
 * The snapshot for this exact text, written by this isolate-deps version: another version may parse the same text
 * into another shape, and then every component record would look stale to this one.
 */
export function readPolicySnapshot(cacheDir: string, policyFile: string, text: string): Policy | undefined {
  try {
    const snapshot = JSON.parse(readFileSync(snapshotFile(cacheDir, policyFile), 'utf8')) as { textHash: string; tool?: string; policy: Policy };
    return snapshot.textHash === textHash(text) && snapshot.tool === toolVersion() && snapshot.policy.file === policyFile ? snapshot.policy : undefined;
  } catch {
    return undefined;
  }
}

function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
