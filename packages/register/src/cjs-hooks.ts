/**
 * require() under isolate-deps/register: Module._resolveFilename sends every file of an isolated package to
 * its facade (a `.isolate-deps-facade` name that only the handler below loads), and the loaders of real files
 * refuse a file of an isolated package that got there another way.
 */
import Module from 'node:module';
import path from 'node:path';
import { compileFunction } from 'node:vm';
import type { Instantiate } from '@isolate-deps/runtime';
import { RegisterError } from './errors.ts';
import { FACADE_EXTENSION, FACADE_LOADER } from './facade-file.ts';
import { servedSpecifier } from './isolated-files.ts';
import type { ComponentFinder } from './register-context.ts';
import type { ReadyComponent } from './component-records.ts';

// A line starting with import/export: the only files Node's syntax detection may load as an ES module.
const MODULE_SYNTAX = /^\s*(import|export)\b/m;

interface ModuleInternals {
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
  _extensions: Record<string, (module: NodeModule, filename: string) => void>;
  _nodeModulePaths(dir: string): string[];
  prototype: { _compile(this: NodeModule, content: string, filename: string, format?: string): unknown };
}

/**
 * @param rootsOf the host value of each root of a component (the registry shared with the ES module path)
 * @param trustedDirs isolate-deps' own files and the component cache: an ES module there may be required (it imports no isolated package)
 * @param options.refuseRequireEsm whether require() of an app ES module is refused: it is when the module hooks run on
 *   their own thread (module.register), which the imports of a required ES module do not go through
 */
export function installCommonJsHooks(finder: ComponentFinder, rootsOf: (component: ReadyComponent, instantiate: Instantiate) => unknown[], trustedDirs: string[], options: { refuseRequireEsm: boolean }): void {
  const trusted = trustedDirs.map((dir) => dir + path.sep);
  const internals = Module as unknown as ModuleInternals;
  const resolveFilename = internals._resolveFilename;
  const rootParent = Object.assign(new Module(path.join(finder.context.root, '[isolate-deps]')), { paths: internals._nodeModulePaths(finder.context.root) });
  const requireFromHere = Module.createRequire(path.join(trustedDirs[0]!, '[isolate-deps]'));

  internals._resolveFilename = function (request, parent, isMain, options) {
    const filename = resolveFilename.call(this, request, parent, isMain, options);
    if (!path.isAbsolute(filename)) return filename; // a built-in
    const target = finder.files.ownerOf(filename);
    if (!target || finder.files.isManifest(target, filename)) return filename;
    let main: string | undefined;
    try {
      main = resolveFilename.call(this, target.name, rootParent, false);
    } catch {
      main = undefined;
    }
    const served = servedSpecifier(target, request, filename, main);
    const component = finder.componentFor(target, served);
    const index = component.modules.findIndex((m) => m.specifier === served);
    return path.join(component.dir, `${index}${FACADE_EXTENSION}`);
  };

  const facadeValue = (filename: string): unknown => {
    const component = finder.byKey.get(path.basename(path.dirname(filename)));
    if (!component) throw new Error(`isolate-deps: ${filename} names no component this process resolved`);
    // guest.mjs is an ES module of ours: require(esm) (Node >= 20.19) loads it synchronously.
    const { instantiate } = requireFromHere(path.join(component.dir, 'guest.mjs')) as { instantiate: Instantiate };
    return rootsOf(component, instantiate)[Number(path.basename(filename, FACADE_EXTENSION))];
  };
  internals._extensions[FACADE_EXTENSION] = (module, filename) => {
    module.exports = facadeValue(filename);
  };
  Object.defineProperty(globalThis, Symbol.for(FACADE_LOADER), { value: facadeValue });

  for (const extension of ['.js', '.cjs', '.mjs', '.json', '.node']) {
    const load = internals._extensions[extension];
    if (!load) continue;
    internals._extensions[extension] = (module, filename) => {
      const target = finder.files.ownerOf(filename);
      if (target && !finder.files.isManifest(target, filename)) {
        throw new RegisterError('ERR_ISOLATE_UNSERVED_COPY', `isolate-deps: refusing to load ${filename} natively: it belongs to "${target.name}", which the policy isolates`);
      }
      load(module, filename);
    };
  }

  // require(esm) loads the module's own imports without the module.register hooks: they could reach an
  // isolated package natively. Such a require is refused; import() goes through the hooks.
  if (!options.refuseRequireEsm) return;
  const compile = internals.prototype._compile;
  internals.prototype._compile = function (content, filename, format) {
    if (!trusted.some((dir) => filename.startsWith(dir)) && (format === 'module' || (format === undefined && looksLikeModule(content)))) {
      throw new RegisterError(
        'ERR_ISOLATE_REQUIRE_ESM',
        `isolate-deps: require() of the ES module ${filename} is refused under isolate-deps/register: Node loads the imports of a required ES module without module hooks, so they could load an isolated package unisolated. Load it with import() instead.`,
      );
    }
    return compile.call(this, content, filename, format);
  };
}

/** Whether Node's syntax detection would run this CommonJS-less file as an ES module. */
function looksLikeModule(content: string): boolean {
  if (!MODULE_SYNTAX.test(content)) return false;
  try {
    compileFunction(content, ['exports', 'require', 'module', '__filename', '__dirname']);
    return false;
  } catch (error) {
    return error instanceof SyntaxError;
  }
}
