import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { componentize } from '@bytecodealliance/componentize-js';
import { transpileBytes } from '@bytecodealliance/jco-transpile';
import { freezeBuildClock, withEngineId } from './engine-identity.ts';
import { patchBindings } from './jco-bindings.ts';

export interface BuiltComponent {
  /** Transpiled files: guest.js (jco instantiate() bindings) and its core wasm modules. */
  files: Record<string, Uint8Array>;
  /** The component's imports, read by jco from the binary. */
  imports: string[];
  componentBytes: number;
}

/** Guest JS + WIT → WebAssembly component (componentize-js) → JS bindings with per-instance imports (jco), on this thread. */
export async function componentizeAndTranspile(guestCode: string, wit: string): Promise<BuiltComponent> {
  const work = mkdtempSync(path.join(tmpdir(), 'isolate-deps-'));
  try {
    const sourcePath = path.join(work, 'guest.js');
    const witPath = path.join(work, 'world.wit');
    writeFileSync(sourcePath, guestCode);
    writeFileSync(witPath, wit);
    const startedMs = Date.now();
    const { component } = await componentize({
      sourcePath,
      witPath,
      worldName: 'isolated-package',
      // No WASI at all: time, randomness and output come through the policy's own interfaces.
      disableFeatures: ['random', 'stdio', 'clocks', 'http', 'fetch-event'],
    });
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
      else if (name === 'guest.core.wasm') {
        // The engine must not differ by when it was built: packages of one world then share it (docs/engine-sharing.md).
        freezeBuildClock(bytes, startedMs, builtMs);
        renamed[name] = withEngineId(bytes);
      } else renamed[name] = bytes;
    }
    return { files: renamed, imports, componentBytes: component.byteLength };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

