import { readFileSync } from 'node:fs';
import path from 'node:path';
import { capMemory } from './memory-cap.ts';
import { MemoryRecycler } from './memory-recycler.ts';
import { snapshotMemory, type MemorySnapshot } from './memory-snapshot.ts';

// Core modules are compiled once per process (per memory cap and memory mode) and shared by every instance.
const compiled = new Map<string, WebAssembly.Module>();
const recyclers = new WeakMap<WebAssembly.Module, MemoryRecycler>();

/**
 * The compiled core module `file` of a component. With `recycleMemory`, a module that defines the
 * component's memory is compiled to import it instead (see memory-snapshot.ts); `memoryRecycler` then
 * hands out its memories.
 */
export function coreModule(dir: string, file: string, memoryMb: number | undefined, recycleMemory = false): WebAssembly.Module {
  const key = `${path.join(dir, file)}\0${memoryMb ?? ''}\0${recycleMemory}`;
  let module = compiled.get(key);
  if (!module) {
    const read = readFileSync(path.join(dir, file));
    const bytes = memoryMb === undefined ? read : capMemory(read, memoryMb);
    const snapshot = recycleMemory ? snapshotMemory(bytes) : undefined;
    module = snapshot ? compileSnapshot(snapshot) : undefined;
    if (module && snapshot) {
      const { descriptor, image, written } = snapshot;
      recyclers.set(module, new MemoryRecycler({ descriptor, image, written }));
    }
    module ??= new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    compiled.set(key, module);
  }
  return module;
}

// Code that names data segments (memory.init, data.drop) needs them: such a module keeps its own memory.
function compileSnapshot(snapshot: MemorySnapshot): WebAssembly.Module | undefined {
  try {
    return new WebAssembly.Module(snapshot.module as Uint8Array<ArrayBuffer>);
  } catch (error) {
    if (error instanceof WebAssembly.CompileError) return undefined;
    throw error;
  }
}

/** The memories of a module compiled with `recycleMemory`, if it imports its memory. */
export function memoryRecycler(module: WebAssembly.Module): MemoryRecycler | undefined {
  return recyclers.get(module);
}
