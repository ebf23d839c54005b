import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger, Plugin } from 'vite';
import type { CompiledPackage } from '@isolate-deps/compiler';
import { facadeSource } from '@isolate-deps/plugin-core/facade-source';
import { createIsolation, packageNameOf, policyWarnings, type Isolation, type IsolationOptions } from '@isolate-deps/plugin-core';
import { executionPolicyOf, type ExecutionPolicy } from '@isolate-deps/runtime';
import { browserPackageModuleSource } from './browser-package-source.ts';

export type IsolateDepsViteOptions = IsolationOptions;

/** The browser runtime the generated code imports: the published bundle's browser.js, or the workspace source. */
const BROWSER_RUNTIME = [new URL('./browser.js', import.meta.url), new URL('../../runtime/src/browser/index.ts', import.meta.url)]
  .map((url) => fileURLToPath(url))
  .find((file) => existsSync(file))!;

const FACADE = '\0isolate-deps:facade:';
const PACKAGE = '\0isolate-deps:package:';
const PACKAGE_IMPORT = 'isolate-deps-package:';
const USE_COMPONENTS = '"use components";';

/**
 * The vite plugin: in `vite build` and in the dev server, every import of an isolated package resolves to a
 * facade over its component. Components are compiled once per server (editing app code never rebuilds them).
 */
export default function isolateDeps(options: IsolateDepsViteOptions = {}): Plugin {
  let isolation: Isolation | undefined;
  let logger: Logger | undefined;
  let root = process.cwd();
  return {
    name: 'isolate-deps',
    enforce: 'pre',
    config(config) {
      root = path.resolve(config.root ?? process.cwd());
      // Compiling starts after configResolved, which hands over vite's logger (its logLevel and customLogger apply).
      isolation = createIsolation(options, root, (line) => logger?.info(line));
      if (!isolation) return undefined;
      // Pre-bundling would load the runtime twice (onViolation would miss the generated code's reports)
      // and would bundle the isolated packages natively for nothing.
      return { optimizeDeps: { exclude: ['isolate-deps', ...isolation.names] } };
    },
    configResolved(config) {
      logger = config.logger;
      for (const warning of policyWarnings(options, root)) config.logger.warn(warning);
      if (isolation && !config.server.fs.allow.some((dir) => isolation!.cacheDir.startsWith(dir))) config.server.fs.allow.push(isolation.cacheDir);
    },
    resolveId(id, importer, resolveOptions) {
      if (!isolation) return undefined;
      if (id.startsWith(PACKAGE_IMPORT)) return `${PACKAGE}${id.slice(PACKAGE_IMPORT.length)}`;
      if (!isolation.filter.test(id) || importer?.startsWith(PACKAGE)) return undefined;
      if (resolveOptions?.ssr) this.error(`isolate-deps/vite: "${id}" is isolated, but server-side rendering is not supported by the vite plugin yet; bundle server code with isolate-deps/esbuild`);
      isolation.addSpecifier(id);
      return `${FACADE}${id}`;
    },
    transform(code, id) {
      // jco marks its bindings with a directive that bundlers only warn about.
      // (vite 7's rollup warns once per component.) The ids are real paths, so a symlinked cache folder is compared by its target.
      if (isolation && id.endsWith('guest.mjs') && code.startsWith(USE_COMPONENTS) && isUnder(id, isolation.cacheDir)) return { code: code.slice(USE_COMPONENTS.length), map: null };
      return undefined;
    },
    async load(id) {
      if (!isolation) return undefined;
      if (id.startsWith(FACADE)) {
        const specifier = id.slice(FACADE.length);
        const pkg = await isolation.compile(packageNameOf(specifier));
        const index = isolation.moduleIndex(pkg, specifier);
        const module = pkg.modules[index];
        if (!module) this.error(`isolate-deps/vite: "${specifier}" was first imported after ${pkg.name}'s component was built; import it from the same module as "${pkg.name}" or restart the build`);
        // A CommonJS module's default export is the module itself, as bundlers' interop gives it.
        const facade = facadeSource(`${PACKAGE_IMPORT}${pkg.name}`, index, { ...module, format: 'esm' });
        return module.format === 'cjs' ? facade.replace(/export default root\.default;$/, 'export default root;') : facade;
      }
      if (id.startsWith(PACKAGE)) {
        const pkg = await isolation.compile(id.slice(PACKAGE.length));
        for (const warning of isolation.warningsFor(pkg, 'browser')) this.warn(warning);
        const { execution, warnings } = browserExecution(executionPolicyOf(isolation.entryFor(pkg)), pkg);
        for (const warning of warnings) this.warn(warning);
        return browserPackageModuleSource({
          name: pkg.name,
          version: pkg.version,
          grant: isolation.entryFor(pkg).allow,
          execution,
          policyFileName: path.basename(isolation.policy.file),
          guestBindings: path.join(pkg.dir, 'guest.mjs'),
          browserRuntime: BROWSER_RUNTIME,
          coreFiles: Object.fromEntries(pkg.coreFiles.map((file) => [file, path.join(pkg.dir, file)])),
          modules: pkg.modules,
          violationHandler: options.onViolation === undefined ? undefined : path.resolve(root, options.onViolation),
        });
      }
      return undefined;
    },
  };
}

function isUnder(file: string, dir: string): boolean {
  return file.startsWith(dir) || (existsSync(dir) && file.startsWith(realpathSync(dir)));
}

/**
 * What a page can enforce: one shared instance (a new one can only be made asynchronously), no time limit
 * (that needs a thread the host can stop) and no memory cap (applied when Node compiles the module).
 */
function browserExecution(execution: ExecutionPolicy, pkg: CompiledPackage): { execution: ExecutionPolicy; warnings: string[] } {
  const warnings: string[] = [];
  const unsupported = (what: string) => warnings.push(`isolate-deps: ${what} for "${pkg.name}" is not enforced in the browser yet (it is under Node)`);
  if (execution.instance !== 'shared') unsupported(`instance "${execution.instance}"`);
  if (execution.limits.timeoutMs !== undefined) unsupported('limits.timeoutMs');
  if (execution.limits.memoryMb !== undefined) unsupported('limits.memoryMb');
  return { execution: { ...execution, instance: 'shared', poolSize: 1, limits: {} }, warnings };
}
