import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { capMemory } from './memory-cap.ts';
import { MemoryRecycler } from './memory-recycler.ts';
import { snapshotMemory, type MemorySnapshot } from './memory-snapshot.ts';

// Core modules are compiled once per process (per memory cap and memory mode) and shared by every instance.
const compiled = new Map<string, WebAssembly.Module>();
// Compiles started ahead of the first call; a call that comes first compiles synchronously and wins.
const compiling = new Map<string, Promise<void>>();
const recyclers = new WeakMap<WebAssembly.Module, MemoryRecycler>();
const CORE_FILE = /\.core\d*\.wasm$/;

interface Prepared {
  bytes: Uint8Array;
  snapshot: MemorySnapshot | undefined;
}

/**
 * The compiled core module `file` of a component. With `recycleMemory`, a module that defines the
 * component's memory is compiled to import it instead (see memory-snapshot.ts); `memoryRecycler` then
 * hands out its memories.
 */
export function coreModule(dir: string, file: string, memoryMb: number | undefined, recycleMemory = false): WebAssembly.Module {
  const key = keyOf(dir, file, memoryMb, recycleMemory);
  let module = compiled.get(key);
  if (!module) {
    const { bytes, snapshot } = prepare(readFileSync(path.join(dir, file)), memoryMb, recycleMemory);
    const fromSnapshot = snapshot && compileSync(snapshot.module);
    module = fromSnapshot ?? new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    remember(key, module, fromSnapshot ? snapshot : undefined);
  }
  return module;
}

/**
 * Starts compiling every core module of the component in `dir` in the background (V8 compiles
 * `WebAssembly.compile` off the main thread; the file is read asynchronously too), so that the first call
 * finds them ready. Returns at once;
 * a failure here is left for the synchronous path to report where the call happens.
 */
export function compileAhead(dir: string, memoryMb: number | undefined, recycleMemory = false): void {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => CORE_FILE.test(f));
  } catch {
    return;
  }
  for (const file of files) {
    const key = keyOf(dir, file, memoryMb, recycleMemory);
    if (compiled.has(key) || compiling.has(key)) continue;
    const pending = readFile(path.join(dir, file))
      .then((read) => compileAsync(prepare(read, memoryMb, recycleMemory)))
      .then(({ module, snapshot }) => {
        if (!compiled.has(key)) remember(key, module, snapshot);
      })
      .catch(() => {})
      .finally(() => compiling.delete(key));
    compiling.set(key, pending);
  }
}

/** Every core module of the component in `dir`, compiled (for a worker thread, which receives them instead of compiling its own). */
export function allCoreModules(dir: string, memoryMb: number | undefined): Record<string, WebAssembly.Module> {
  return Object.fromEntries(readdirSync(dir).filter((f) => CORE_FILE.test(f)).map((f) => [f, coreModule(dir, f, memoryMb)]));
}

/** Resolves when every compile started by compileAhead has ended (for benchmarks and tests). */
export async function coreModulesSettled(): Promise<void> {
  await Promise.all(compiling.values());
}

/** The memories of a module compiled with `recycleMemory`, if it imports its memory. */
export function memoryRecycler(module: WebAssembly.Module): MemoryRecycler | undefined {
  return recyclers.get(module);
}

function keyOf(dir: string, file: string, memoryMb: number | undefined, recycleMemory: boolean): string {
  return `${path.join(dir, file)}\0${memoryMb ?? ''}\0${recycleMemory}`;
}

function prepare(read: Uint8Array, memoryMb: number | undefined, recycleMemory: boolean): Prepared {
  const bytes = memoryMb === undefined ? read : capMemory(read, memoryMb);
  return { bytes, snapshot: recycleMemory ? snapshotMemory(bytes) : undefined };
}

/** `snapshot`: the module was compiled from it (it imports its memory, which a recycler then hands out). */
function remember(key: string, module: WebAssembly.Module, snapshot: MemorySnapshot | undefined): void {
  if (snapshot) {
    const { descriptor, image, written } = snapshot;
    recyclers.set(module, new MemoryRecycler({ descriptor, image, written }));
  }
  compiled.set(key, module);
}

// Code that names data segments (memory.init, data.drop) needs them: such a module keeps its own memory.
function compileSync(bytes: Uint8Array): WebAssembly.Module | undefined {
  try {
    return new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  } catch (error) {
    if (error instanceof WebAssembly.CompileError) return undefined;
    throw error;
  }
}

async function compileAsync({ bytes, snapshot }: Prepared): Promise<{ module: WebAssembly.Module; snapshot?: MemorySnapshot }> {
  if (snapshot) {
    try {
      return { module: await WebAssembly.compile(snapshot.module as Uint8Array<ArrayBuffer>), snapshot };
    } catch (error) {
      if (!(error instanceof WebAssembly.CompileError)) throw error;
    }
  }
  return { module: await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>) };
}
