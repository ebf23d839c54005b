import path from 'node:path';
import { isolationBlockers, type BlockingCapability, type IsolationBlocker } from '@isolate-deps/analyzer';
import type { PackagePolicy } from '@isolate-deps/policy';
import { rememberedAnalysis } from './remembered-analysis.ts';

const WHAT: Record<BlockingCapability, string> = {
  child_process: 'starts processes (child_process)',
  worker: 'starts threads (worker_threads or cluster)',
  native: 'loads a native addon (.node)',
};

/** A package the policy isolates that can never work in a component. Stable code: ERR_CANNOT_ISOLATE. */
export class CannotIsolateError extends Error {
  readonly code = 'ERR_CANNOT_ISOLATE';
  override readonly name = 'CannotIsolateError';
  constructor(
    message: string,
    readonly blockers: IsolationBlocker[],
  ) {
    super(message);
  }
}

/**
 * Refuses, before any bundling or compiling, a package whose own code starts processes or threads, or
 * that loads a native addon: a component can never be granted those, so the build would take minutes
 * and the app would fail at its first call. A capability the entry lists as "reviewed" is acknowledged:
 * the package is built, and every such call is denied (a package that guards the call, or a
 * compromised release whose payload should stay contained).
 */
export function checkCanIsolate(entry: PackagePolicy, version: string, root: string, policyFile: string, cacheDir?: string): void {
  const started = performance.now();
  const acknowledged = new Set(entry.reviewed ?? []);
  const blockers = isolationBlockers(entry.name, root, cacheDir === undefined ? undefined : rememberedAnalysis(cacheDir)).filter((b) => !acknowledged.has(b.capability));
  if (blockers.length === 0) return;
  const ms = Math.round(performance.now() - started);
  const capabilities = [...new Set(blockers.map((b) => b.capability))];
  const lines = [`isolate-deps: ${entry.name}@${version} cannot run isolated: ${capabilities.map((c) => WHAT[c]).join(', and ')}, which a WebAssembly component can never be granted.`];
  for (const blocker of blockers) {
    for (const e of blocker.evidence.slice(0, 3)) lines.push(`  ${e.file}:${e.line}  ${e.detail}${blocker.package.startsWith(`${entry.name}@`) ? '' : `  (in its dependency ${blocker.package})`}`);
  }
  const file = path.basename(policyFile);
  lines.push(
    `Fix: remove "isolate" from "${entry.key}" in ${file}: it then runs natively, so review it (\`npx isolate-deps explain ${entry.name}\`) and keep \`npx isolate-deps audit\` in CI. ` +
      `Or isolate the package that uses it instead. If ${entry.name} works without it (it guards the call), acknowledge it with "reviewed": [${capabilities.map((c) => `"${c}"`).join(", ")}] in its entry: every such call will be denied.`,
    `(found by the analyzer in ${ms} ms, before compiling)`,
  );
  throw new CannotIsolateError(lines.join('\n'), blockers);
}
