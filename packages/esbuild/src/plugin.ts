import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild, type Plugin, type PluginBuild } from 'esbuild';
import type { CompiledPackage } from '@isolate-deps/compiler';
import { createIsolation, packageNameOf, policyFileOf, type Isolation, type IsolationOptions } from '@isolate-deps/plugin-core';
import { PolicyError } from '@isolate-deps/policy';
import { executionPolicyOf } from '@isolate-deps/runtime';
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
      let isolation: Isolation | undefined;
      try {
        isolation = createIsolation(options, workingDir);
      } catch (error) {
        const text = error instanceof PolicyError ? error.message : String(error);
        build.onStart(() => ({ errors: [{ text, location: { file: policyFileOf(options, workingDir) } }] }));
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

      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, async (args) => {
        const result = await isolation.compile(packageNameOf(args.path));
        const index = isolation.moduleIndex(result, args.path);
        const module = result.modules[index];
        if (!module) return { errors: [{ text: `isolate-deps: "${args.path}" was not found when the app was scanned; rebuild` }] };
        return { contents: facadeSource(`${PACKAGE_NAMESPACE}:${result.name}`, index, module), loader: 'js', resolveDir: policy.root };
      });

      build.onResolve({ filter: /^isolate-deps-package:/ }, (args) => ({ path: args.path.slice(PACKAGE_NAMESPACE.length + 1), namespace: PACKAGE_NAMESPACE }));
      build.onLoad({ filter: /.*/, namespace: PACKAGE_NAMESPACE }, async (args) => {
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
      });

      build.onEnd(async (result) => {
        if (result.errors.length > 0 || build.initialOptions.write === false) return;
        for (const pending of isolation.compiled()) {
          const pkg = await pending;
          const folder = path.join(outDir, componentFolder(pkg));
          mkdirSync(folder, { recursive: true });
          for (const file of pkg.coreFiles) copyFileSync(path.join(pkg.dir, file), path.join(folder, file));
          // A time limit runs the instance in a worker thread, which loads the bindings and its runtime from disk.
          if (isolation.entryFor(pkg).limits.timeoutMs !== undefined) {
            copyFileSync(path.join(pkg.dir, 'guest.mjs'), path.join(folder, 'guest.mjs'));
            copyFileSync(WORKER_ENTRY, path.join(outDir, 'isolate-deps', 'runtime-worker.mjs'));
          }
        }
      });
    },
  };
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
