import { readFileSync } from 'node:fs';
import path from 'node:path';
import { capMemory } from './memory-cap.ts';

// Core modules are compiled once per process (and per memory cap) and shared by every instance.
const compiled = new Map<string, WebAssembly.Module>();

export function coreModule(dir: string, file: string, memoryMb: number | undefined): WebAssembly.Module {
  const key = `${path.join(dir, file)}\0${memoryMb ?? ''}`;
  let module = compiled.get(key);
  if (!module) {
    const bytes = readFileSync(path.join(dir, file));
    module = new WebAssembly.Module((memoryMb === undefined ? bytes : capMemory(bytes, memoryMb)) as Uint8Array<ArrayBuffer>);
    compiled.set(key, module);
  }
  return module;
}
