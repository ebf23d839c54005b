import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild, type LogLevel, type OnLoadResult, type Plugin, type PluginBuild } from 'esbuild';
import type { CompiledPackage } from '@isolate-deps/compiler';
import { createIsolation, packageNameOf, policyWarnings, type Isolation, type IsolationOptions } from '@isolate-deps/plugin-core';
import { PolicyError } from '@isolate-deps/policy';
import { ENGINES_DIR, executionPolicyOf } from '@isolate-deps/runtime';
import { shipCoreFiles } from './ship-core-files.ts';
import { facadeSource, packageModuleSource } from '@isolate-deps/plugin-core/facade-source';

export type IsolateDepsOptions = IsolationOptions;

/** The runtime the generated code imports: the published bundle's runtime.js, or the workspace source. */
const RUNTIME_ENTRY = [new URL('./runtime.js', import.meta.url), new URL('../../runtime/src/index.ts', import.meta.url)]
  .map((url) => fileURLToPath(url))
  .find((file) => existsSync(file))!;

/** The worker-thread runtime for packages with a time limit (built by packages/isolate-deps/build.mjs). */
const WORKER_ENTRY = fileURLToPath(new URL('./runtime-worker.mjs', import.meta.url));

const NAMESPACE = 'isolate-deps';
const PACKAGE_NAMESPACE = 'isolate-deps-package';

/** The esbuild plugin: every import of an isolated package resolves to a facade over its component. */
export default function isolateDeps(options: IsolateDepsOptions = {}): Plugin {
  return {
    name: 'isolate-deps',
    setup(build) {
      const workingDir = build.initialOptions.absWorkingDir ?? process.cwd();
      const warnings = policyWarnings(options, workingDir).map((text) => ({ text }));
      if (warnings.length > 0) build.onStart(() => ({ warnings }));
      let isolation: Isolation | undefined;
      try {
        isolation = createIsolation(options, workingDir, infoLogger(build.initialOptions.logLevel));
      } catch (error) {
        if (!(error instanceof PolicyError)) throw error;
        // esbuild prints file:line:column and its own code frame from the location.
        const text = `${error.jsonPath}: expected ${error.expected}, got ${error.got}${error.hint ? ` (${error.hint})` : ''}`;
        build.onStart(() => ({ errors: [{ text, location: { file: error.file, ...error.location } }] }));
        return;
      }
      if (!isolation) return;
      const { policy, filter } = isolation;
      const outDir = path.resolve(workingDir, build.initialOptions.outdir ?? path.dirname(build.initialOptions.outfile ?? 'out.js'));
      const format = build.initialOptions.format === 'esm' ? 'esm' : 'cjs';
      const target = build.initialOptions.platform === 'browser' ? 'browser' : 'node';

      build.onStart(async () => {
        isolation.reset(await scanSpecifiers(build, filter, isolation.names));
      });

      build.onResolve({ filter }, (args) => {
        if (args.namespace === PACKAGE_NAMESPACE) return undefined;
        return { path: args.path, namespace: NAMESPACE, pluginData: packageNameOf(args.path) };
      });

      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, asBuildError(async (args) => {
        const result = await isolation.compile(packageNameOf(args.path));
        const index = isolation.moduleIndex(result, args.path);
        const module = result.modules[index];
        if (!module) return { errors: [{ text: `isolate-deps: "${args.path}" was not found when the app was scanned; rebuild` }] };
        return { contents: facadeSource(`${PACKAGE_NAMESPACE}:${result.name}`, index, module), loader: 'js', resolveDir: policy.root };
      }));

      build.onResolve({ filter: /^isolate-deps-package:/ }, (args) => ({ path: args.path.slice(PACKAGE_NAMESPACE.length + 1), namespace: PACKAGE_NAMESPACE }));
      build.onLoad({ filter: /.*/, namespace: PACKAGE_NAMESPACE }, asBuildError(async (args) => {
        const result = await isolation.compile(args.path);
        const entry = isolation.entryFor(result);
        return {
          contents: packageModuleSource({
            name: result.name,
            version: result.version,
            grant: entry.allow,
            execution: executionPolicyOf(entry),
            policyFileName: path.basename(policy.file),
            guestBindings: path.join(result.dir, 'guest.mjs'),
            runtime: RUNTIME_ENTRY,
            relativeRoot: path.relative(outDir, policy.root) || '.',
            relativeComponentDir: componentFolder(result),
            format,
            modules: result.modules,
            violationHandler: options.onViolation === undefined ? undefined : path.resolve(workingDir, options.onViolation),
          }),
          warnings: isolation.warningsFor(result, target).map((text) => ({ text })),
          loader: 'js',
          resolveDir: result.dir,
        };
      }));

      build.onEnd(async (result) => {
        if (result.errors.length > 0 || build.initialOptions.write === false) return;
        const current = new Set<string>();
        for (const pending of isolation.compiled()) {
          const pkg = await pending;
          current.add(path.basename(componentFolder(pkg)));
          const folder = path.join(outDir, componentFolder(pkg));
          mkdirSync(path.join(outDir, 'isolate-deps', ENGINES_DIR), { recursive: true });
          mkdirSync(folder, { recursive: true });
          const inWorker = isolation.entryFor(pkg).thread === 'worker';
          shipCoreFiles(pkg, folder, !inWorker);
          // "thread": "worker" runs the instance in a worker thread, which loads the bindings and its runtime from disk.
          if (inWorker) {
            copyFileSync(path.join(pkg.dir, 'guest.mjs'), path.join(folder, 'guest.mjs'));
            copyFileSync(WORKER_ENTRY, path.join(outDir, 'isolate-deps', 'runtime-worker.mjs'));
          }
        }
        removeStaleComponents(path.join(outDir, 'isolate-deps'), current);
      });
    },
  };
}

/** Progress lines go to stderr, as esbuild's own info lines do: at logLevel "info" and above (the CLI's default). */
function infoLogger(level: LogLevel | undefined): (line: string) => void {
  return ['info', 'debug', 'verbose'].includes(level ?? 'warning') ? (line) => process.stderr.write(`${line}\n`) : () => {};
}

/**
 * A failure to isolate a package is the user's to fix (a version outside the policy's range, a package that
 * cannot load in its component): esbuild shows the message alone, not our stack; the error stays in `detail`.
 */
function asBuildError<A>(load: (args: A) => Promise<OnLoadResult>): (args: A) => Promise<OnLoadResult> {
  return async (args) => {
    try {
      return await load(args);
    } catch (error) {
      return { errors: [{ text: error instanceof Error ? error.message : String(error), detail: error }] };
    }
  };
}

/**
 * Removes the folders earlier builds wrote for the packages this build isolates (another version or grant),
 * so the output does not grow with every change. Other packages' folders may belong to another build that
 * shares the output folder, and stay.
 */
function removeStaleComponents(folder: string, current: Set<string>): void {
  if (!existsSync(folder)) return;
  const packages = new Set([...current].map((name) => name.slice(0, name.lastIndexOf('@'))));
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const pkg = entry.name.slice(0, entry.name.lastIndexOf('@'));
    if (entry.isDirectory() && !current.has(entry.name) && packages.has(pkg)) rmSync(path.join(folder, entry.name), { recursive: true, force: true });
  }
}

/** Where a package's core wasm files go, relative to the output folder. */
function componentFolder(pkg: CompiledPackage): string {
  return path.join('isolate-deps', `${pkg.name.replace('/', '+')}@${pkg.version}-${pkg.key.slice(0, 12)}`);
}

/**
 * Finds every specifier of an isolated package the app imports ("yaml", "yaml/util"), so that each
 * package gets one component serving all of them. A quick bundle pass with those imports external.
 */
async function scanSpecifiers(build: PluginBuild, filter: RegExp, names: string[]): Promise<Map<string, string[]>> {
  const found = new Map<string, Set<string>>(names.map((n) => [n, new Set()]));
  const initial = build.initialOptions;
  await esbuild({
    ...initial,
    write: false,
    metafile: false,
    logLevel: 'silent',
    plugins: [
      ...(initial.plugins ?? []).filter((p) => p.name !== 'isolate-deps'),
      {
        name: 'isolate-deps-scan',
        setup(scan) {
          scan.onResolve({ filter }, (args) => {
            found.get(packageNameOf(args.path))?.add(args.path);
            return { path: args.path, external: true };
          });
        },
      },
    ],
  }).catch(() => undefined); // errors surface in the real build
  return new Map([...found].map(([name, set]) => [name, [...set].sort()]));
}
