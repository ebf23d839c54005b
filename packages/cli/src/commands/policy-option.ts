import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { DependencyScope } from '@isolate-deps/analyzer';
import { DEFAULT_POLICY_FILE, loadPolicy, type Policy } from '@isolate-deps/policy';
import { UsageError, type Output } from '../terminal.ts';

/** The shared --root and --policy options. */
export const ROOT_AND_POLICY = {
  root: { type: 'string' },
  policy: { type: 'string' },
} as const;

/** --include=dev: the commands about the app's dependencies (audit, init, explain). */
export const INCLUDE = { include: { type: 'string' } } as const;

/**
 * The project root: --root, else the nearest folder from the current one up that holds the policy, else
 * the nearest that holds a package.json (so a command run in src/ audits the app, not an empty folder).
 * The current folder when there is neither: `requireProject` says so where it matters.
 */
export function rootOf(values: { root?: string | boolean | undefined }): string {
  if (typeof values.root === 'string') return path.resolve(values.root);
  const cwd = process.cwd();
  return nearest(cwd, DEFAULT_POLICY_FILE) ?? nearest(cwd, 'package.json') ?? cwd;
}

/** Refuses a root that is no project (no package.json): an audit there would pass with nothing audited. */
export function requireProject(root: string, given: boolean): void {
  if (existsSync(path.join(root, 'package.json'))) return;
  throw new UsageError(
    given
      ? `${root} is not a project: it has no package.json`
      : `no project here: neither ${DEFAULT_POLICY_FILE} nor package.json in ${root} or any folder above it; run this in your app's folder or pass --root`,
  );
}

/** Dependencies the project declares (all kinds), to tell "nothing is installed" from "nothing is needed". */
export function declaresDependencies(root: string): boolean {
  try {
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    return ['dependencies', 'devDependencies', 'optionalDependencies'].some((f) => Object.keys((manifest[f] as object | undefined) ?? {}).length > 0);
  } catch {
    return false;
  }
}

/** --include: production dependencies by default, "dev" adds the dev dependencies. */
export function scopeOf(values: { include?: string | boolean | undefined }): DependencyScope {
  if (values.include === undefined || values.include === 'prod') return 'production';
  if (values.include === 'dev') return 'development';
  throw new UsageError(`--include must be dev or prod (got ${JSON.stringify(values.include)})`);
}

/**
 * Loads --policy (a missing file is an error) or the default policy in the root (optional: without
 * one every risky capability is unreviewed). Invalid policies throw PolicyError.
 */
export function policyFor(root: string, option: string | boolean | undefined, out: Output): Policy | undefined {
  if (typeof option === 'string') return loadPolicy(path.resolve(option));
  const file = path.join(root, DEFAULT_POLICY_FILE);
  if (existsSync(file)) return loadPolicy(file);
  out.error(`isolate-deps: no ${DEFAULT_POLICY_FILE} in ${root}; auditing without a policy (write one with \`npx isolate-deps init\`)\n`);
  return undefined;
}

function nearest(from: string, file: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, file))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}
