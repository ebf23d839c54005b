/**
 * Components built from different packages with the same world carry the same engine: their core modules
 * differ only in the memory snapshot (the data section) once the compiler has frozen the build clock
 * (docs/engine-sharing.md). The compiler names that engine in a custom section; the runtime then compiles
 * each distinct engine once per process and gives every instance its own package's memory image.
 */
import { readU32, sections } from './wasm-binary.ts';

/** Name of the custom section holding the engine's id (hex sha-256 of the module as snapshotMemory(…, { anySize }) leaves it). */
export const ENGINE_SECTION = 'isolate-deps:engine';

/** The engine id the compiler wrote into `module`, if any. */
export function engineIdOf(module: Uint8Array): string | undefined {
  for (const s of sections(module)) {
    if (s.id !== 0) continue;
    const [length, at] = readU32(module, s.payloadStart);
    if (new TextDecoder().decode(module.subarray(at, at + length)) === ENGINE_SECTION) return new TextDecoder().decode(module.subarray(at + length, s.end));
  }
  return undefined;
}
