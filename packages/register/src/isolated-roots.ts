/**
 * The main thread's registry of isolated packages: one instance set per component, whether the app reached
 * it by import (a virtual module from the hooks) or by require (the CommonJS patch).
 */
import path from 'node:path';
import { manifestJson } from '@isolate-deps/plugin-core/facade-source';
import { findPackagePolicy, type Policy } from '@isolate-deps/policy';
import { defineIsolatedPackage, executionPolicyOf, type Instantiate, type PackageManifest } from '@isolate-deps/runtime';
import { readComponent } from './component-records.ts';

let context: { policy: Policy; cacheDir: string } | undefined;
const rootsByKey = new Map<string, unknown[]>();

export function setRootsContext(next: { policy: Policy; cacheDir: string }): void {
  context = next;
}

/** The host value of each root module of the component `key` (created once per process). */
export function isolatedRoots(key: string, instantiate: Instantiate): unknown[] {
  const known = rootsByKey.get(key);
  if (known) return known;
  if (!context) throw new Error('isolate-deps: isolated package loaded before isolate-deps/register was set up');
  const component = readComponent(context.cacheDir, key);
  if (!component) throw new Error(`isolate-deps: component ${key} is missing from ${context.cacheDir}`);
  const entry = findPackagePolicy(context.policy, component.name, component.version);
  if (!entry?.isolate) throw new Error(`isolate-deps: ${component.name}@${component.version} has no isolating entry in ${context.policy.file}`);
  const manifest = JSON.parse(
    manifestJson({
      name: component.name,
      version: component.version,
      grant: entry.allow,
      execution: executionPolicyOf(entry),
      policyFileName: path.basename(context.policy.file),
      guestBindings: path.join(component.dir, 'guest.mjs'),
      modules: component.modules,
    }),
  ) as Omit<PackageManifest, 'root' | 'componentDir' | 'instantiate'>;
  const roots = defineIsolatedPackage({ ...manifest, root: context.policy.root, componentDir: component.dir, instantiate }, component.modules.map((m) => m.root));
  rootsByKey.set(key, roots);
  return roots;
}
