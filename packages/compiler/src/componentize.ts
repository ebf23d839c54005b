import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { componentize } from '@bytecodealliance/componentize-js';
import { transpileBytes } from '@bytecodealliance/jco-transpile';
import { patchBindings } from './jco-bindings.ts';

export interface BuiltComponent {
  /** Transpiled files: guest.js (jco instantiate() bindings) and its core wasm modules. */
  files: Record<string, Uint8Array>;
  /** The component's imports, read by jco from the binary. */
  imports: string[];
  componentBytes: number;
}

/** Runs at most `size` tasks at once, the others in arrival order. */
class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finishing task hands its slot straight to the next waiter, so a newcomer cannot slip in between.
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/**
 * Componentizing takes one to two cores and ~150 MB for ~10 s. esbuild loads every isolated package of an app
 * at once, so without a bound 28 packages would compete for 2 cores and 4 GB at the same time.
 */
const componentizeSlots = new ConcurrencyLimit(availableParallelism());

/** Guest JS + WIT → WebAssembly component (componentize-js) → JS bindings with per-instance imports (jco). */
export function buildComponent(guestCode: string, wit: string): Promise<BuiltComponent> {
  return componentizeSlots.run(() => componentizeAndTranspile(guestCode, wit));
}

async function componentizeAndTranspile(guestCode: string, wit: string): Promise<BuiltComponent> {
  const work = mkdtempSync(path.join(tmpdir(), 'isolate-deps-'));
  try {
    const sourcePath = path.join(work, 'guest.js');
    const witPath = path.join(work, 'world.wit');
    writeFileSync(sourcePath, guestCode);
    writeFileSync(witPath, wit);
    const { component } = await componentize({
      sourcePath,
      witPath,
      worldName: 'isolated-package',
      // No WASI at all: time, randomness and output come through the policy's own interfaces.
      disableFeatures: ['random', 'stdio', 'clocks', 'http', 'fetch-event'],
    });
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
      else renamed[name] = bytes;
    }
    return { files: renamed, imports, componentBytes: component.byteLength };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

