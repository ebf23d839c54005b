import { copyFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CompiledPackage } from '@isolate-deps/compiler';
import { ENGINES_DIR, IMAGE_SUFFIX, packCore } from '@isolate-deps/runtime';

// The packed parts are kept in the component's cache entry, so a warm build copies them instead of packing
// again; under names the runtime does not read there (it runs the whole module from the cache).
const CACHED = { engine: 'packed.engine.wasm', image: 'packed.image', id: 'packed.engine-id' };

/**
 * Copies a package's core files into its output folder. A core module the compiler named an engine for
 * ships packed (runtime/src/packed-core.ts): the engine once per distinct id in `isolate-deps/engines/`,
 * and only the package's memory image in its own folder. `packed: false` ships every file as it is (a
 * worker thread runs the module with its own memory).
 */
export function shipCoreFiles(pkg: CompiledPackage, folder: string, packed: boolean): void {
  for (const file of pkg.coreFiles) {
    const parts = packed ? packedInCache(pkg.dir, file) : undefined;
    if (!parts) {
      copyFileSync(path.join(pkg.dir, file), path.join(folder, file));
      rmSync(path.join(folder, file + IMAGE_SUFFIX), { force: true });
      continue;
    }
    const engine = path.join(folder, '..', ENGINES_DIR, `${parts.engineId}.wasm`);
    if (!existsSync(engine)) copyAtomically(parts.engineFile, engine);
    copyFileSync(parts.imageFile, path.join(folder, file + IMAGE_SUFFIX));
    rmSync(path.join(folder, file), { force: true }); // from an earlier build that shipped it whole
  }
}

function packedInCache(dir: string, file: string): { engineId: string; engineFile: string; imageFile: string } | undefined {
  if (file !== 'guest.core.wasm') return undefined;
  const imageFile = path.join(dir, CACHED.image);
  const engineFile = path.join(dir, CACHED.engine);
  const idFile = path.join(dir, CACHED.id);
  if (!existsSync(idFile)) {
    const parts = packCore(readFileSync(path.join(dir, file)));
    if (!parts) return undefined;
    // Cache entries are shared by concurrent builds: each file appears whole or not at all, the id last.
    writeAtomically(engineFile, parts.engine);
    writeAtomically(imageFile, parts.image);
    writeAtomically(idFile, parts.engineId);
  }
  return { engineId: readFileSync(idFile, 'utf8'), engineFile, imageFile };
}

function writeAtomically(file: string, bytes: Uint8Array | string): void {
  const temp = `${file}.${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  writeFileSync(temp, bytes);
  renameSync(temp, file);
}

function copyAtomically(from: string, to: string): void {
  const temp = `${to}.${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  copyFileSync(from, temp);
  renameSync(temp, to);
}
