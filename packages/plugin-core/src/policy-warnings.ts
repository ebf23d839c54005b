import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { locatePackage } from '@isolate-deps/compiler';
import { didYouMean, loadPolicy } from '@isolate-deps/policy';
import { policyFileOf, type IsolationOptions } from './isolation.ts';

/**
 * What a build should say before it starts about a policy that protects less than it seems to: one that
 * isolates nothing builds natively, and a name that is not installed isolates nothing. A policy that does
 * not load is not reported here: createIsolation reports it as the error it is.
 */
export function policyWarnings(options: IsolationOptions, workingDir: string): string[] {
  const file = policyFileOf(options, workingDir);
  let isolated: string[];
  let root: string;
  try {
    const policy = loadPolicy(file);
    isolated = [...new Set(policy.packages.filter((p) => p.isolate).map((p) => p.name))];
    root = policy.root;
  } catch {
    return [];
  }
  const name = path.basename(file);
  if (isolated.length === 0) {
    return [`isolate-deps: ${name} isolates no package, so this build is native. Mark a dependency with "isolate": true (npx isolate-deps init proposes which).`];
  }
  const declared = declaredDependencies(root);
  return isolated.flatMap((pkg) => {
    try {
      locatePackage(pkg, root);
      return [];
    } catch {
      const guess = didYouMean(pkg, declared);
      return [`isolate-deps: ${name} isolates "${pkg}", which is not installed, so it protects nothing${guess ? ` (${guess})` : ''}.`];
    }
  });
}

function declaredDependencies(root: string): string[] {
  const manifest = path.join(root, 'package.json');
  if (!existsSync(manifest)) return [];
  const json = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, Record<string, string> | undefined>;
  return [...new Set(['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'].flatMap((field) => Object.keys(json[field] ?? {})))];
}
