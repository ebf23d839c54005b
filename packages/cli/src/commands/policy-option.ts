import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_POLICY_FILE, loadPolicy, type Policy } from '@isolate-deps/policy';
import type { Output } from '../terminal.ts';

/** The shared --root and --policy options. */
export const ROOT_AND_POLICY = {
  root: { type: 'string' },
  policy: { type: 'string' },
} as const;

/** The project root: --root or the current folder. */
export function rootOf(values: { root?: string | boolean | undefined }): string {
  return path.resolve(typeof values.root === 'string' ? values.root : process.cwd());
}

/**
 * Loads --policy (a missing file is an error) or the default policy in the root (optional: without
 * one every risky capability is unreviewed). Invalid policies throw PolicyError.
 */
export function policyFor(root: string, option: string | boolean | undefined, out: Output): Policy | undefined {
  if (typeof option === 'string') return loadPolicy(path.resolve(option));
  const file = path.join(root, DEFAULT_POLICY_FILE);
  if (existsSync(file)) return loadPolicy(file);
  out.error(`isolate-deps: no ${DEFAULT_POLICY_FILE} in ${root}; auditing without a policy (write one with \`isolate-deps init\`)\n`);
  return undefined;
}
