/**
 * isolate-deps/register: `node --import isolate-deps/register app.js` runs an unbundled app with every
 * isolated package of its policy served by its component, as the bundler plugins do.
 */
import { createRequire } from 'node:module';
import { isolatesAnything, registerSettings } from './register-settings.ts';
import type { installIsolation as Install } from './install.ts';

/** What the hook installed in this process. */
export interface RegisteredIsolation {
  policyFile: string;
  cacheDir: string;
  frozen: boolean;
  /** The packages served by their components. */
  packages: string[];
}

let registered: RegisteredIsolation | undefined;

const settings = registerSettings(process.env, process.argv[1]);
// A policy that isolates nothing costs one file read: the hooks, the policy validator and the runtime load
// only when needed. Synchronously (require of an ES module, Node >= 20.19), so that a worker's --require
// preload (register-preload.cjs) has its hooks in place before the worker's own code runs.
if (settings && isolatesAnything(settings.policyFile)) {
  const { installIsolation } = createRequire(import.meta.url)('./register-install.js') as { installIsolation: typeof Install };
  const context = installIsolation(settings);
  registered = { policyFile: context.policyFile, cacheDir: context.cacheDir, frozen: context.frozen, packages: context.isolatedNames };
}

/** The isolation this process runs under, or undefined when no policy isolates anything (or the hook is not loaded). */
export function registeredIsolation(): RegisteredIsolation | undefined {
  return registered;
}
