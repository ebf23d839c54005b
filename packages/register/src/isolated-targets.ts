import { createHash } from 'node:crypto';
import path from 'node:path';
import { locatePackage } from '@isolate-deps/compiler/locate-package';
import { findPackagePolicy, type Policy } from '@isolate-deps/policy';
import type { IsolatedTarget } from './isolated-files.ts';

/** The isolated packages of a policy, located from its root. A package that is not installed has no files to guard. */
export function isolatedTargets(policy: Policy): IsolatedTarget[] {
  const names = [...new Set(policy.packages.filter((p) => p.isolate).map((p) => p.name))];
  const targets: IsolatedTarget[] = [];
  for (const name of names) {
    let installed;
    try {
      installed = locatePackage(name, policy.root);
    } catch {
      continue;
    }
    const entry = findPackagePolicy(policy, name, installed.version);
    const entryHash = entry?.isolate ? createHash('sha256').update(JSON.stringify([path.basename(policy.file), entry])).digest('hex').slice(0, 32) : undefined;
    targets.push({ name, version: installed.version, dir: installed.dir, linkDir: path.join(policy.root, 'node_modules', name), entryHash });
  }
  return targets;
}
