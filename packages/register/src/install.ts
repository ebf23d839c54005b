import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import Module, { register } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultCacheDir } from '@isolate-deps/compiler/cache-location';
import { loadPolicy } from '@isolate-deps/policy';
import { installCommonJsHooks } from './cjs-hooks.ts';
import { load, resolve, useFinder } from './esm-hooks.ts';
import { readPolicySnapshot } from './component-records.ts';
import { isolatedTargets } from './isolated-targets.ts';
import { isolatedRoots, setRootsContext } from './isolated-roots.ts';
import { assertComponentsBuilt, ComponentFinder, type RegisterContext } from './register-context.ts';
import { isolatesAnything, registerSettings, type RegisterSettings } from './register-settings.ts';
import { toolVersion } from './tool-version.ts';
import { preloadInWorkers } from './worker-threads.ts';

/** The published bundle's folder (dist/): the hooks, the roots registry, the CLI and the worker runtime sit there. */
const HERE = path.dirname(fileURLToPath(import.meta.url));

export { defaultCacheDir };

/** Loads the policy and installs both loaders' hooks. Throws PolicyError for an invalid policy. */
export function installIsolation(settings: RegisterSettings): { context: RegisterContext; hooks: 'in-thread' | 'hooks-thread' } {
  const text = readPolicyText(settings.policyFile);
  const cacheDir = settings.cacheDir ?? defaultCacheDir();
  const policy = (text !== undefined && readPolicySnapshot(cacheDir, settings.policyFile, text)) || loadPolicy(settings.policyFile);
  const context: RegisterContext = {
    policyFile: policy.file,
    root: policy.root,
    cacheDir,
    frozen: settings.frozen,
    tool: toolVersion(),
    cliFile: path.join(HERE, 'cli.js'),
    rootsUrl: new URL('./register-roots.js', import.meta.url).href,
    isolatedNames: [...new Set(policy.packages.filter((p) => p.isolate).map((p) => p.name))],
    targets: isolatedTargets(policy),
  };
  if (context.frozen) assertComponentsBuilt(context);
  setRootsContext({ policy, cacheDir });
  ensureWorkerRuntime(cacheDir, policy.packages.some((p) => p.isolate && p.thread === 'worker'), settings.frozen);
  const finder = new ComponentFinder(context);
  const inThread = installModuleHooks(context, finder);
  installCommonJsHooks(finder, (component, instantiate) => isolatedRoots(component.key, instantiate), [HERE, realDir(cacheDir)], { refuseRequireEsm: !inThread });
  const inherited = { ISOLATE_DEPS_POLICY: policy.file, ISOLATE_DEPS_CACHE_DIR: cacheDir, ...(settings.frozen ? { ISOLATE_DEPS_FROZEN: '1' } : {}) };
  preloadInWorkers(path.join(HERE, 'register-preload.cjs'), path.join(cacheDir, 'runtime-worker.mjs'), inherited);
  return { context, hooks: inThread ? 'in-thread' : 'hooks-thread' };
}

type RegisterHooks = (hooks: { resolve: typeof resolve; load: typeof load }) => unknown;

/**
 * module.registerHooks (Node >= 22.15) runs the hooks in this thread, for import and require() alike, and
 * with no hooks thread to start. Node 20 has only module.register, whose hooks run on a thread of their own.
 * Returns whether the hooks run in this thread.
 */
function installModuleHooks(context: RegisterContext, finder: ComponentFinder): boolean {
  const registerHooks = (Module as unknown as { registerHooks?: RegisterHooks }).registerHooks;
  if (typeof registerHooks === 'function') {
    useFinder(finder);
    registerHooks({ resolve, load });
    return true;
  }
  register(new URL('./register-hooks.js', import.meta.url), { data: context });
  return false;
}

/** The worker preload (register-preload.cjs): the same as the --import entry, synchronously, before the worker's code runs. */
export function installFromEnvironment(): RegisterContext | undefined {
  const settings = registerSettings(process.env, process.argv[1]);
  return settings && isolatesAnything(settings.policyFile) ? installIsolation(settings).context : undefined;
}

/** A package with a time limit runs in a worker thread, whose script the runtime expects next to the components. */
function ensureWorkerRuntime(cacheDir: string, needed: boolean, frozen: boolean): void {
  const target = path.join(cacheDir, 'runtime-worker.mjs');
  if (!needed || existsSync(target) || frozen) return;
  mkdirSync(cacheDir, { recursive: true });
  copyFileSync(path.join(HERE, 'runtime-worker.mjs'), target);
}

function realDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir; // not created yet: nothing in it to require
  }
}

function readPolicyText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined; // loadPolicy reports it
  }
}
