import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as componentizeJs from '@bytecodealliance/componentize-js';
import { transpileBytes } from '@bytecodealliance/jco-transpile';
import { freezeBuildClock, withEngineId } from './engine-identity.ts';
import { patchBindings } from './jco-bindings.ts';
import { shapeOf, stubbedLike, withSnapshotOf, worldKey, type SpliceResult, type WorldTemplate } from './world-template.ts';

export interface BuiltComponent {
  /** Transpiled files: guest.js (jco instantiate() bindings) and its core wasm modules. */
  files: Record<string, Uint8Array>;
  /** The component's imports, read by jco from the binary. */
  imports: string[];
  componentBytes: number;
}

export interface Componentized {
  built: BuiltComponent;
  /** This build's world, as later builds of it can reuse it. */
  template: WorldTemplate;
  /** Whether only Wizer ran (the template held the rest). */
  fromTemplate: boolean;
}

const WORLD_NAME = 'isolated-package';
// No WASI at all: time, randomness and output come through the policy's own interfaces.
const DISABLED_FEATURES = ['random', 'stdio', 'clocks', 'http', 'fetch-event'] as const;
const CORE = 'guest.core.wasm';

interface Splicer {
  spliceBindings(engine: Uint8Array, features: string[], witWorld: string | undefined, witPath: string, worldName: string, debug: boolean): SpliceResult;
  stubWasi(module: Uint8Array, features: string[], witWorld: string | undefined, witPath: string, worldName: string): Uint8Array;
}
// The vendored componentize-js also exports its splicer and engine (packages/isolate-deps/toolchain.mjs); the published one does not.
const { componentize, splicer, enginePath } = componentizeJs as typeof componentizeJs & { splicer?: Splicer; enginePath?: string };

/**
 * The splicer's two passes for a world, as componentize-js makes them (with the features left once all are
 * disabled), for a build process of its own: see world-template.ts.
 */
export function prepareWorld(wit: string): WorldTemplate {
  if (!splicer || !enginePath) throw new Error('isolate-deps: preparing a world needs the componentize-js that isolate-deps ships');
  const work = mkdtempSync(path.join(tmpdir(), 'isolate-deps-'));
  try {
    const witPath = path.join(work, 'world.wit');
    writeFileSync(witPath, wit);
    const startedMs = Date.now();
    const bindings = splicer.spliceBindings(readFileSync(enginePath), [], undefined, witPath, WORLD_NAME, false);
    const stubbedInput = splicer.stubWasi(bindings.wasm, [], undefined, witPath, WORLD_NAME);
    freezeBuildClock(stubbedInput, startedMs, Date.now());
    return { key: worldKey(wit, WORLD_NAME, DISABLED_FEATURES), bindings, stubbedInput };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Guest JS + WIT → WebAssembly component (componentize-js) → JS bindings with per-instance imports (jco), on this thread.
 * With `template` from an earlier build of the same world, only Wizer runs (world-template.ts).
 */
export async function componentizeAndTranspile(guestCode: string, wit: string, template?: WorldTemplate): Promise<Componentized> {
  const key = worldKey(wit, WORLD_NAME, DISABLED_FEATURES);
  const world: WorldTemplate = template?.key === key ? template : { key };
  const work = mkdtempSync(path.join(tmpdir(), 'isolate-deps-'));
  try {
    const sourcePath = path.join(work, 'guest.js');
    const witPath = path.join(work, 'world.wit');
    writeFileSync(sourcePath, guestCode);
    writeFileSync(witPath, wit);
    const startedMs = Date.now();
    let shape: string | undefined;
    let initialised: Uint8Array | undefined;
    // Two hooks of the vendored componentize-js (packages/isolate-deps/toolchain.mjs; the published one ignores them).
    const options = {
      sourcePath,
      witPath,
      worldName: WORLD_NAME,
      disableFeatures: [...DISABLED_FEATURES],
      wrapSplicer: (upstream: Splicer): Splicer => ({
        spliceBindings: (...args) => (world.bindings ??= upstream.spliceBindings(...args)),
        stubWasi: (module, ...rest) => (world.bindings && world.stubbedInput && stubbedLike(world.bindings.wasm, world.stubbedInput, module)) || upstream.stubWasi(module, ...rest),
      }),
      // Called with Wizer's module once componentize-js has checked that the package initialised; a truthy return ends the build there.
      onInitialised(module: Uint8Array): boolean {
        shape = shapeOf(module);
        if (world.built?.shape !== shape) return false;
        initialised = module;
        return true;
      },
    };
    const { component } = await componentize(options);
    if (initialised && world.built) {
      const { files, imports, componentBytes } = world.built;
      const core = withSnapshotOf(files[CORE]!, initialised);
      const built = { files: { ...files, [CORE]: withEngineId(core) }, imports, componentBytes: componentBytes - files[CORE]!.length + core.length };
      return { built, template: world, fromTemplate: true };
    }

    const builtMs = Date.now();
    const { files, imports } = await transpileBytes(component, {
      name: 'guest',
      instantiation: 'sync',
      noComponentErrorWrapping: true,
      minify: false,
    });
    const renamed: Record<string, Uint8Array> = {};
    for (const [name, bytes] of Object.entries(files)) {
      if (name.endsWith('.d.ts')) continue;
      if (name === 'guest.js') renamed['guest.mjs'] = new TextEncoder().encode(patchBindings(new TextDecoder().decode(bytes)));
      // The engine must not differ by when it was built: packages of one world then share it (docs/engine-sharing.md).
      else if (name === CORE) freezeBuildClock((renamed[name] = bytes), startedMs, builtMs);
      else renamed[name] = bytes;
    }
    const componentBytes = component.byteLength;
    if (shape) world.built = { shape, files: renamed, imports, componentBytes };
    return { built: { files: { ...renamed, [CORE]: withEngineId(renamed[CORE]!) }, imports, componentBytes }, template: world, fromTemplate: false };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
