import { attachSession, BoundarySession, withBoundarySession } from './boundary-session.ts';
import { instanceCoreModule } from './core-modules.ts';
import { emitEvent, eventsEnabled } from './events.ts';
import { createHostImports } from './host-bindings.ts';
import type { Slot } from './instance-pool.ts';
import type { GuestExports, PackageManifest } from './isolated-package.ts';
import type { MemoryRecycler } from './memory-recycler.ts';
import { MEMORY_IMPORT } from './memory-snapshot.ts';

type Imports = Record<string, Record<string, unknown>>;

/** Reports each use of a granted interface as a capability event (only while someone listens). */
export function observeCapabilities(imports: Imports, packageName: string, instance: number): Imports {
  const observed: Imports = {};
  for (const [iface, functions] of Object.entries(imports)) {
    if (iface === 'isolate:guest/boundary') {
      observed[iface] = functions;
      continue;
    }
    const capability = iface.slice('isolate:guest/'.length);
    observed[iface] = Object.fromEntries(
      Object.entries(functions).map(([name, fn]) => [
        name,
        (...args: unknown[]) => {
          if (eventsEnabled) {
            const target = typeof args[0] === 'string' ? (capability === 'net' ? safeUrl(args[0]) : args[0]) : name;
            emitEvent({ type: 'capability', package: packageName, capability: `${capability}.${name}`, target, instance, time: new Date().toISOString() });
          }
          return (fn as (...a: unknown[]) => unknown)(...args);
        },
      ]),
    );
  }
  return observed;
}

function safeUrl(request: string): string {
  try {
    return (JSON.parse(request) as { url: string }).url;
  } catch {
    return '?';
  }
}

/** An instance in this thread: the fast path, used when the package has no time limit. */
export function createThreadSlot(id: number, manifest: PackageManifest, inert: boolean): Slot {
  const memoryMb = manifest.execution?.limits.memoryMb;
  // The mode decides what is kept of the package's memory image (core-modules.ts); a per-call instance runs
  // once, and takes a recycled memory instead of faulting in a new one.
  const mode = manifest.execution?.instance ?? 'shared';
  const session = new BoundarySession();
  const imports = observeCapabilities(
    withBoundarySession(createHostImports({ packageName: manifest.name, grant: manifest.grant, root: manifest.root, policyFile: manifest.policyFile, inert, limits: manifest.execution?.limits }), session),
    manifest.name,
    id,
  );
  const memories: WebAssembly.Memory[] = [];
  const borrowed: [MemoryRecycler, WebAssembly.Memory][] = [];
  // A shared engine is one module for many packages: the memory (this package's image) goes with the file asked for.
  const recyclers = new Map<WebAssembly.Module, MemoryRecycler>();
  let disposed = false;
  const exports = manifest.instantiate(
    (file) => {
      const { module, memories: recycler } = instanceCoreModule(manifest.componentDir, file, memoryMb, mode);
      if (recycler) recyclers.set(module, recycler);
      return module;
    },
    imports,
    (module, importObject) => {
      const recycler = recyclers.get(module);
      const memory = recycler?.take();
      const instance = new WebAssembly.Instance(module, memory ? { ...importObject, [MEMORY_IMPORT.module]: { [MEMORY_IMPORT.name]: memory } } : importObject);
      if (recycler && memory) borrowed.push([recycler, memory]);
      for (const value of Object.values(instance.exports)) if (value instanceof WebAssembly.Memory) memories.push(value);
      return instance;
    },
  );
  // Once disposed, the instance must never run again: its memory may already serve another instance.
  const refuse = () => new Error(`isolate-deps: an instance of "${manifest.name}" was used after it was disposed`);
  const guest = attachSession<GuestExports>({
    call: (target, args) => {
      if (disposed) throw refuse();
      return exports.call(target, args);
    },
    describe: () => {
      if (disposed) throw refuse();
      return exports.describe();
    },
  }, session);
  if (eventsEnabled) emitEvent({ type: 'instance', package: manifest.name, instance: id, action: 'create', time: new Date().toISOString() });
  return {
    id,
    guest,
    busy: false,
    session,
    memoryBytes: () => memories.reduce((sum, m) => sum + m.buffer.byteLength, 0),
    dispose(reason) {
      if (disposed) return;
      disposed = true;
      session.dispose(reason);
      // Only a memory whose call ended normally is worth resetting (a copy of the whole image): a failed one is dropped.
      for (const [recycler, memory] of borrowed.splice(0)) if (reason === 'per-call') recycler.recycle(memory);
      if (eventsEnabled) emitEvent({ type: 'instance', package: manifest.name, instance: id, action: 'dispose', reason, time: new Date().toISOString() });
    },
  };
}
