// What installing a package adds to node_modules: the package and everything its dependencies pull in,
// found the way Node resolves them (walking up node_modules), sized as `du` does (disk blocks).
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';

/** Disk usage of `dir` in bytes, without its nested node_modules (those are other packages). */
export function packageBytes(dir) {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    const stat = lstatSync(full);
    bytes += stat.blocks * 512;
    if (entry.isDirectory()) bytes += packageBytes(full);
  }
  return bytes;
}

function resolvePackage(name, fromDir) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dir === path.dirname(dir)) return undefined;
  }
}

/**
 * Every package installed because `name` is (its dependencies and optional dependencies, transitively;
 * optional peers are the app's own). Returns [{ name, version, dir, bytes }], largest first.
 */
export function installedClosure(projectDir, name) {
  const seen = new Map();
  const queue = [{ name, from: projectDir, optional: false }];
  while (queue.length > 0) {
    const next = queue.shift();
    const dir = resolvePackage(next.name, next.from);
    if (!dir) {
      if (next.optional) continue; // an optional dependency for another platform
      throw new Error(`footprint: ${next.name} (needed from ${next.from}) is not installed`);
    }
    if (seen.has(dir)) continue;
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    seen.set(dir, { name: manifest.name ?? next.name, version: manifest.version, dir, bytes: packageBytes(dir) });
    for (const dep of Object.keys(manifest.dependencies ?? {})) queue.push({ name: dep, from: dir, optional: false });
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) queue.push({ name: dep, from: dir, optional: true });
  }
  return [...seen.values()].sort((a, b) => b.bytes - a.bytes);
}

export const MB = 1024 * 1024;
