/**
 * The module hooks: every import that resolves to a file of an isolated package becomes a virtual module, the
 * facade over its component; loading such a file any other way is refused. The same functions serve
 * module.register (Node 20: asynchronous, on the hooks thread) and module.registerHooks (Node >= 22.15:
 * synchronous, in the thread that loads, for import and require alike): each step takes `next`'s result
 * whether it is a value or a promise.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { esmFacadeSource } from '@isolate-deps/plugin-core/facade-source';
import { FACADE_EXTENSION, FACADE_LOADER } from './facade-file.ts';
import { RegisterError } from './errors.ts';
import { servedSpecifier, type IsolatedTarget } from './isolated-files.ts';
import { ComponentFinder, type RegisterContext } from './register-context.ts';

const SCHEME = 'isolate-deps:';

interface ResolveContext {
  conditions: string[];
  parentURL?: string | undefined;
  importAttributes?: Record<string, string>;
}
interface ResolveResult {
  url: string;
  format?: string | null | undefined;
  shortCircuit?: boolean;
}
interface LoadResult {
  format: string;
  source?: string | ArrayBuffer | Uint8Array | null;
  shortCircuit?: boolean;
}
type MaybePromise<T> = T | Promise<T>;
type NextResolve = (specifier: string, context?: ResolveContext) => MaybePromise<ResolveResult>;
type NextLoad = (url: string, context?: unknown) => MaybePromise<LoadResult>;

let finder: ComponentFinder | undefined;

/** module.register's initialize: the context comes as plain data from the main thread. */
export function initialize(context: RegisterContext): void {
  finder = new ComponentFinder(context);
}

/** In-thread hooks (module.registerHooks) share the CommonJS patch's finder and what it found. */
export function useFinder(shared: ComponentFinder): void {
  finder = shared;
}

/** Runs `step` on what `run` gives, now or when it settles; `failed` handles a throw or rejection of `run` only. */
function then<T, R>(run: () => MaybePromise<T>, step: (value: T) => MaybePromise<R>, failed: (error: unknown) => MaybePromise<R>): MaybePromise<R> {
  let value: MaybePromise<T>;
  try {
    value = run();
  } catch (error) {
    return failed(error);
  }
  return value instanceof Promise ? value.then(step, failed) : step(value);
}

export function resolve(specifier: string, context: ResolveContext, next: NextResolve): MaybePromise<ResolveResult> {
  if (specifier.startsWith(SCHEME)) return { url: specifier, format: 'module', shortCircuit: true };
  // A require() that another loader (tsx, for the CommonJS it compiles) routes through these hooks: the CommonJS
  // patch already chose the facade.
  if (specifier.endsWith(FACADE_EXTENSION)) return facadeOfFile(specifier.startsWith('file:') ? fileURLToPath(specifier) : specifier);
  return then(
    () => next(specifier, context),
    (resolved) => {
      const target = ownerOfUrl(resolved.url);
      if (!target) return resolved;
      return then(
        () => next(target.name, { ...context, parentURL: rootUrl() }),
        (main) => facadeRedirect(target, specifier, resolved.url, main.url),
        () => facadeRedirect(target, specifier, resolved.url, undefined),
      );
    },
    (error) => {
      // A specifier Node's ES module resolution refuses but a bundler takes (`lodash/fp`, a folder): the component
      // resolves it as the plugins' build does. Nothing of the package loads natively either way.
      const target = state().context.targets.find((t) => specifier === t.name || specifier.startsWith(`${t.name}/`));
      if (!target || target.entryHash === undefined) throw error;
      return facadeOf(target, specifier);
    },
  );
}

export function load(url: string, context: unknown, next: NextLoad): MaybePromise<LoadResult> {
  if (url.startsWith(SCHEME)) return { format: 'module', source: virtualSource(url), shortCircuit: true };
  if (url.startsWith('file:') && url.endsWith(FACADE_EXTENSION)) {
    return { format: 'commonjs', source: `module.exports = globalThis[Symbol.for(${JSON.stringify(FACADE_LOADER)})](${JSON.stringify(fileURLToPath(url))});`, shortCircuit: true };
  }
  ownerOfUrl(url, true);
  return next(url, context);
}

function state(): ComponentFinder {
  if (!finder) throw new Error('isolate-deps: module hooks used before initialize');
  return finder;
}

function rootUrl(): string {
  return pathToFileURL(`${state().context.root}/`).href;
}

/** The isolated package owning a file: URL; with `refuse`, its files (but its manifest) are an error to load natively. */
function ownerOfUrl(url: string, refuse = false): IsolatedTarget | undefined {
  if (!url.startsWith('file:')) return undefined;
  const file = fileURLToPath(url);
  const target = state().files.ownerOf(file);
  if (!target || state().files.isManifest(target, file)) return undefined;
  if (refuse) throw new RegisterError('ERR_ISOLATE_UNSERVED_COPY', `isolate-deps: refusing to load ${file} natively: it belongs to "${target.name}", which the policy isolates`);
  return target;
}

function facadeRedirect(target: IsolatedTarget, specifier: string, url: string, mainUrl: string | undefined): ResolveResult {
  const file = fileURLToPath(url);
  return facadeOf(target, servedSpecifier(target, specifier, file, mainUrl?.startsWith('file:') ? fileURLToPath(mainUrl) : undefined));
}

/** The facade file the CommonJS patch chose, loaded by the same main-thread function as its loader extension. */
function facadeOfFile(file: string): ResolveResult {
  return { url: pathToFileURL(file).href, format: 'commonjs', shortCircuit: true };
}

function facadeOf(target: IsolatedTarget, served: string): ResolveResult {
  const component = state().componentFor(target, served);
  const index = component.modules.findIndex((m) => m.specifier === served);
  const query = new URLSearchParams({ key: component.key, index: String(index), specifier: served });
  return { url: `${SCHEME}facade?${query}`, format: 'module', shortCircuit: true };
}

/** isolate-deps:facade?… is one specifier's facade; isolate-deps:package?key=… owns the component's instance. */
function virtualSource(url: string): string {
  const parsed = new URL(url);
  const key = parsed.searchParams.get('key') ?? '';
  const component = state().byKey.get(key);
  if (!component) throw new Error(`isolate-deps: unknown component in ${url}`);
  if (parsed.pathname === 'package') {
    return [
      `import { instantiate } from ${JSON.stringify(pathToFileURL(`${component.dir}/guest.mjs`).href)};`,
      `import { isolatedRoots } from ${JSON.stringify(state().context.rootsUrl)};`,
      `export const roots = isolatedRoots(${JSON.stringify(key)}, instantiate);`,
    ].join('\n');
  }
  const index = Number(parsed.searchParams.get('index'));
  const module = component.modules[index];
  if (!module) throw new Error(`isolate-deps: "${parsed.searchParams.get('specifier')}" is not served by its component`);
  return esmFacadeSource(`${SCHEME}package?key=${key}`, index, module);
}
