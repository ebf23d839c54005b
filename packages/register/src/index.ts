/**
 * isolate-deps/register: `node --import isolate-deps/register app.js` runs an unbundled app with every
 * isolated package of its policy served by its component, as the bundler plugins do.
 */
import { isolatesAnything, registerSettings } from './register-settings.ts';

/** What the hook installed in this process. */
export interface RegisteredIsolation {
  policyFile: string;
  cacheDir: string;
  frozen: boolean;
  /** The packages served by their components. */
  packages: string[];
  /** Where the module hooks run: in this thread (module.registerHooks, Node >= 22.15) or on Node's hooks thread (module.register). */
  hooks: 'in-thread' | 'hooks-thread';
}

let registered: RegisteredIsolation | undefined;

const settings = registerSettings(process.env, process.argv[1]);
// A policy that isolates nothing costs one file read: the hooks, the policy validator and the runtime load
// only when needed. (An import, not require(esm): another loader such as tsx may compile required files itself,
// which would give the hook and the app two copies of the runtime.)
if (settings && isolatesAnything(settings.policyFile)) {
  const { installIsolation } = await import('./install.ts');
  const { context, hooks } = installIsolation(settings);
  registered = { policyFile: context.policyFile, cacheDir: context.cacheDir, frozen: context.frozen, packages: context.isolatedNames, hooks };
}

/** The isolation this process runs under, or undefined when no policy isolates anything (or the hook is not loaded). */
export function registeredIsolation(): RegisteredIsolation | undefined {
  return registered;
}
