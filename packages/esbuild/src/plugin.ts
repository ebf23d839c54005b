import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild, type Plugin, type PluginBuild } from 'esbuild';
import { compilePackage, locatePackage, type CompiledPackage } from '@isolate-deps/compiler';
import { DEFAULT_POLICY_FILE, findPackagePolicy, loadPolicy, PolicyError, type PackagePolicy, type Policy } from '@isolate-deps/policy';
import { executionPolicyOf } from '@isolate-deps/runtime';
import { facadeSource, packageModuleSource } from './facade-source.ts';

export interface IsolateDepsOptions {
  /** Policy file; default: isolate-deps.policy.json in the build's working directory. */
  policy?: string;
  /** Where built components are cached; default: node_modules/.cache/isolate-deps next to the policy. */
  cacheDir?: string;
  /** Called with each package compiled (cache hit or not): for build logs and tests. */
  onCompiled?: (compiled: CompiledPackage) => void;
}

/** The runtime the generated code imports: the published bundle's runtime.js, or the workspace source. */
const RUNTIME_ENTRY = [new URL('./runtime.js', import.meta.url), new URL('../../runtime/src/index.ts', import.meta.url)]
  .map((url) => fileURLToPath(url))
  .find((file) => existsSync(file))!;

/** The worker-thread runtime for packages with a time limit (built by packages/isolate-deps/build.mjs). */
const WORKER_ENTRY = fileURLToPath(new URL('./runtime-worker.mjs', import.meta.url));

const NAMESPACE = 'isolate-deps';
const PACKAGE_NAMESPACE = 'isolate-deps-package';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The esbuild plugin: every import of an isolated package resolves to a facade over its component. */
export default function isolateDeps(options: IsolateDepsOptions = {}): Plugin {
  return {
    name: 'isolate-deps',
    setup(build) {
      const workingDir = build.initialOptions.absWorkingDir ?? process.cwd();
      const policyFile = path.resolve(workingDir, options.policy ?? DEFAULT_POLICY_FILE);
      let policy: Policy;
      try {
        policy = loadPolicy(policyFile);
      } catch (error) {
        const text = error instanceof PolicyError ? error.message : String(error);
        build.onStart(() => ({ errors: [{ text, location: { file: policyFile } }] }));
        return;
      }
      const isolatedNames = [...new Set(policy.packages.filter((p) => p.isolate).map((p) => p.name))];
      if (isolatedNames.length === 0) return;
      const cacheDir = path.resolve(workingDir, options.cacheDir ?? path.join(policy.root, 'node_modules', '.cache', 'isolate-deps'));
      const filter = new RegExp(`^(${isolatedNames.map(escapeRegExp).join('|')})(/.*)?$`);
      const outDir = path.resolve(workingDir, build.initialOptions.outdir ?? path.dirname(build.initialOptions.outfile ?? 'out.js'));
      const format = build.initialOptions.format === 'esm' ? 'esm' : 'cjs';
      const compiled = new Map<string, Promise<CompiledPackage>>();
      let specifiersByPackage = new Map<string, string[]>();

      build.onStart(async () => {
        compiled.clear();
        specifiersByPackage = await scanSpecifiers(build, filter, isolatedNames);
      });

      const compile = (name: string): Promise<CompiledPackage> => {
        let pending = compiled.get(name);
        if (!pending) {
          pending = (async () => {
            const installed = locatePackage(name, policy.root);
            const entry = findPackagePolicy(policy, name, installed.version);
            if (!entry || !entry.isolate) throw versionMismatch(policy, name, installed.version);
            const result = await compilePackage({
              policy: entry,
              version: installed.version,
              specifiers: specifiersByPackage.get(name) ?? [name],
              resolveDir: policy.root,
              root: policy.root,
              policyFileName: path.basename(policy.file),
              cacheDir,
            });
            options.onCompiled?.(result);
            return result;
          })();
          compiled.set(name, pending);
        }
        return pending;
      };

      build.onResolve({ filter }, (args) => {
        if (args.namespace === PACKAGE_NAMESPACE) return undefined;
        const name = packageNameOf(args.path);
        return { path: args.path, namespace: NAMESPACE, pluginData: name };
      });

      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, async (args) => {
        const name = packageNameOf(args.path);
        const result = await compile(name);
        const index = result.modules.findIndex((m) => m.specifier === args.path);
        const module = result.modules[index];
        if (!module) return { errors: [{ text: `isolate-deps: "${args.path}" was not found when the app was scanned; rebuild` }] };
        return { contents: facadeSource(`${PACKAGE_NAMESPACE}:${name}`, index, module), loader: 'js', resolveDir: policy.root };
      });

      build.onResolve({ filter: /^isolate-deps-package:/ }, (args) => ({ path: args.path.slice(PACKAGE_NAMESPACE.length + 1), namespace: PACKAGE_NAMESPACE }));
      build.onLoad({ filter: /.*/, namespace: PACKAGE_NAMESPACE }, async (args) => {
        const result = await compile(args.path);
        const entry = findPackagePolicy(policy, result.name, result.version) as PackagePolicy;
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
          }),
          loader: 'js',
          resolveDir: result.dir,
        };
      });

      build.onEnd(async (result) => {
        if (result.errors.length > 0 || build.initialOptions.write === false) return;
        for (const pending of compiled.values()) {
          const pkg = await pending;
          const target = path.join(outDir, componentFolder(pkg));
          mkdirSync(target, { recursive: true });
          for (const file of pkg.coreFiles) copyFileSync(path.join(pkg.dir, file), path.join(target, file));
          // A time limit runs the instance in a worker thread, which loads the bindings and its runtime from disk.
          const entry = findPackagePolicy(policy, pkg.name, pkg.version);
          if (entry?.limits.timeoutMs !== undefined) {
            copyFileSync(path.join(pkg.dir, 'guest.mjs'), path.join(target, 'guest.mjs'));
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

function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

function versionMismatch(policy: Policy, name: string, version: string): Error {
  const keys = policy.packages.filter((p) => p.name === name).map((p) => `"${p.key}"`).join(', ');
  return new Error(`isolate-deps: ${name}@${version} is installed, but ${path.basename(policy.file)} isolates it only as ${keys}; refusing to bundle it unisolated. Update the range or the package.`);
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
