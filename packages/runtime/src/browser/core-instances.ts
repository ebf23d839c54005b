/** Thrown when a package needs a new instance (after a trap) before the browser finished preparing it. */
export class IsolateNotReadyError extends Error {
  readonly code = 'ERR_ISOLATE_NOT_READY';
  constructor(readonly packageName: string) {
    super(`isolate-deps: "${packageName}" is preparing a fresh instance (browsers create large WebAssembly instances only asynchronously); retry shortly`);
    this.name = 'IsolateNotReadyError';
  }
}

// Chromium refuses `new WebAssembly.Module/Instance` on the main thread above a few KB (8 MB today); modules
// above this size are compiled and instantiated asynchronously ahead of use.
const SYNC_LIMIT_BYTES = 4096;

type ImportObject = Record<string, Record<string, unknown>>;
type Forwarders = Record<string, Record<string, (...args: unknown[]) => unknown>>;

interface PreparedInstance {
  instance: WebAssembly.Instance;
  /** Where the instance's imports forward to: filled in when jco's instantiate reaches this module. */
  targets: ImportObject;
}

/**
 * The core modules of one component, compiled asynchronously, with an instance of each large module made
 * ahead of time. jco's bindings instantiate the core modules synchronously, in order, each with imports that
 * only exist by then; so a large module is instantiated early against forwarding functions, and the
 * forwarders are pointed at the real imports when the bindings ask for that module.
 */
export class CoreInstances {
  private readonly large = new Set<WebAssembly.Module>();
  private readonly prepared = new Map<WebAssembly.Module, PreparedInstance>();
  private preparing: Promise<void> | undefined;

  private constructor(readonly packageName: string, readonly modules: Map<string, WebAssembly.Module>) {}

  /** Fetches and compiles every core file, and prepares the first instance. */
  static async load(packageName: string, urls: Record<string, string>): Promise<CoreInstances> {
    const entries = await Promise.all(Object.entries(urls).map(async ([file, url]) => [file, await compileFrom(url)] as const));
    const core = new CoreInstances(packageName, new Map(entries.map(([file, compiled]) => [file, compiled.module])));
    for (const [, compiled] of entries) if (compiled.bytes > SYNC_LIMIT_BYTES) core.large.add(compiled.module);
    await core.prepare();
    return core;
  }

  /** For jco's `getCoreModule`. */
  coreModule(file: string): WebAssembly.Module {
    const module = this.modules.get(file);
    if (!module) throw new Error(`isolate-deps: "${this.packageName}" has no core module ${file}`);
    return module;
  }

  /** For jco's `instantiateCore`: a prepared instance for a large module, a synchronous one otherwise. */
  instantiateCore(module: WebAssembly.Module, imports: ImportObject = {}): WebAssembly.Instance {
    if (!this.large.has(module)) return new WebAssembly.Instance(module, imports as WebAssembly.Imports);
    const ready = this.prepared.get(module);
    if (!ready) {
      void this.prepare();
      throw new IsolateNotReadyError(this.packageName);
    }
    this.prepared.delete(module);
    Object.assign(ready.targets, imports);
    // The next instance (after a trap, for instance) is prepared on demand, not kept ready: it would double the memory.
    return ready.instance;
  }

  private prepare(): Promise<void> {
    this.preparing ??= (async () => {
      for (const module of this.large) {
        if (this.prepared.has(module)) continue;
        const targets: ImportObject = {};
        const instance = await WebAssembly.instantiate(module, forwardersFor(module, targets) as WebAssembly.Imports);
        this.prepared.set(module, { instance, targets });
      }
    })().finally(() => {
      this.preparing = undefined;
    });
    return this.preparing;
  }
}

function forwardersFor(module: WebAssembly.Module, targets: ImportObject): Forwarders {
  const forwarders: Forwarders = {};
  for (const { module: namespace, name, kind } of WebAssembly.Module.imports(module)) {
    if (kind !== 'function') throw new Error(`isolate-deps: cannot prepare a core module that imports a ${kind} (${namespace}.${name})`);
    (forwarders[namespace] ??= {})[name] = (...args: unknown[]) => (targets[namespace]![name] as (...a: unknown[]) => unknown)(...args);
  }
  return forwarders;
}

async function compileFrom(url: string): Promise<{ module: WebAssembly.Module; bytes: number }> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`isolate-deps: could not load ${url} (${response.status} ${response.statusText})`);
  const bytes = await response.arrayBuffer();
  return { module: await WebAssembly.compile(bytes), bytes: bytes.byteLength };
}
