/** `isolate-deps build`: every isolated package of a policy compiled into the cache, and recorded for the register hook. */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CompiledPackage } from '@isolate-deps/compiler';
import { createIsolation } from '@isolate-deps/plugin-core';
import { RegisterError } from './errors.ts';
import { specifiersToBuild, writePolicySnapshot, writeRecord } from './component-records.ts';
import { isolatedTargets } from './isolated-targets.ts';
import { defaultCacheDir } from './install.ts';
import { toolVersion } from './tool-version.ts';

export interface BuildComponentsOptions {
  /** The policy file (absolute, or relative to cwd). */
  policy: string;
  /** Default: ISOLATE_DEPS_CACHE_DIR, else the machine-wide cache (the plugins' default). */
  cacheDir?: string;
  /** Only these packages (default: every isolated package). */
  packages?: string[];
  /** Specifiers the components must serve ("yaml", "yaml/util"); default: what each served before, else its main entry. */
  specifiers?: string[];
  /** Called before each package compiles and after it is ready. */
  onProgress?: (event: { package: string; index: number; total: number; done?: CompiledPackage }) => void;
}

export interface BuiltComponents {
  cacheDir: string;
  compiled: CompiledPackage[];
}

export async function buildComponents(options: BuildComponentsOptions, cwd = process.cwd()): Promise<BuiltComponents> {
  const policyFile = path.resolve(cwd, options.policy);
  const isolation = createIsolation({ policy: policyFile, cacheDir: options.cacheDir ?? process.env.ISOLATE_DEPS_CACHE_DIR }, cwd);
  if (!isolation) return { cacheDir: options.cacheDir ?? defaultCacheDir(), compiled: [] };
  writePolicySnapshot(isolation.cacheDir, isolation.policy, readFileSync(policyFile, 'utf8'));
  const targets = isolatedTargets(isolation.policy);
  const wanted = options.packages ?? isolation.names;
  for (const name of wanted) {
    if (!isolation.names.includes(name)) throw new RegisterError('ERR_ISOLATE_COMPILE_FAILED', `isolate-deps: "${name}" is not isolated by ${policyFile}`);
  }
  const specifiers = new Map(wanted.map((name) => [name, specifiersToBuild(isolation.cacheDir, policyFile, name, options.specifiers)]));
  isolation.reset(specifiers);
  const compiled: CompiledPackage[] = [];
  // Start every compile at once: the compiler's build pool runs them in parallel, up to the core count.
  const compiling = new Map(wanted.filter((name) => targets.some((t) => t.name === name)).map((name) => [name, isolation.compile(name)]));
  for (const pending of compiling.values()) pending.catch(() => {}); // each is awaited (and reported) below, in order
  for (const [index, name] of wanted.entries()) {
    const target = targets.find((t) => t.name === name);
    if (!target) throw new RegisterError('ERR_ISOLATE_COMPILE_FAILED', `isolate-deps: the policy isolates "${name}", but it is not installed (looked in node_modules from ${isolation.policy.root} upwards)`);
    options.onProgress?.({ package: name, index, total: wanted.length });
    const result = await compiling.get(name)!;
    isolation.entryFor(result); // throws for an installed version no entry isolates
    writeRecord(isolation.cacheDir, policyFile, { name, version: result.version, entryHash: target.entryHash!, tool: toolVersion(), key: result.key, specifiers: specifiers.get(name)! });
    compiled.push(result);
    options.onProgress?.({ package: name, index, total: wanted.length, done: result });
  }
  copyWorkerRuntime(isolation.cacheDir);
  return { cacheDir: isolation.cacheDir, compiled };
}

/** The worker-thread runtime (packages with "thread": "worker") next to the components, where the runtime looks for it. */
function copyWorkerRuntime(cacheDir: string): void {
  const source = fileURLToPath(new URL('./runtime-worker.mjs', import.meta.url));
  if (!existsSync(source)) return; // running from workspace sources: the tests use the built package
  mkdirSync(cacheDir, { recursive: true });
  copyFileSync(source, path.join(cacheDir, 'runtime-worker.mjs'));
}
