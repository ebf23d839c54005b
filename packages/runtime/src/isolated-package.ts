import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decode, encode, rebuildError, type ExportShape } from '@isolate-deps/boundary';
import type { Grant } from '@isolate-deps/policy';
import { CapabilityDeniedError, IsolateTrapError } from './errors.ts';
import { createHostImports } from './host-bindings.ts';

/** What jco's `--instantiation sync` output exports. */
export type Instantiate = (
  getCoreModule: (file: string) => WebAssembly.Module,
  imports: Record<string, Record<string, unknown>>,
) => GuestExports;

export interface GuestExports {
  call(target: string, args: string): string;
  describe(): string;
}

export interface PackageManifest {
  name: string;
  version: string;
  grant: Grant;
  policyFile: string;
  /** Project root for fs grants. */
  root: string;
  /** Folder holding the component's core wasm files. */
  componentDir: string;
  instantiate: Instantiate;
}

// Core modules are compiled once per process and shared by every instance.
const compiled = new Map<string, WebAssembly.Module>();

function coreModule(dir: string, file: string): WebAssembly.Module {
  const key = path.join(dir, file);
  let module = compiled.get(key);
  if (!module) {
    module = new WebAssembly.Module(readFileSync(key));
    compiled.set(key, module);
  }
  return module;
}

/** One isolated package in this process: its instance is created on first use and replaced after a trap. */
export class IsolatedPackage {
  private instance: GuestExports | undefined;

  constructor(readonly manifest: PackageManifest, private readonly options: { inert?: boolean } = {}) {}

  private current(): GuestExports {
    if (!this.instance) {
      const { manifest } = this;
      const imports = createHostImports({ packageName: manifest.name, grant: manifest.grant, root: manifest.root, policyFile: manifest.policyFile, inert: this.options.inert });
      this.instance = manifest.instantiate((file) => coreModule(manifest.componentDir, file), imports);
    }
    return this.instance;
  }

  /** Calls the function at `target` ("<root>:<path>") with `args`; rethrows the guest's error on the host. */
  call(target: string, args: unknown[]): unknown {
    return this.settle(this.enter((guest) => guest.call(target, encode(args))));
  }

  /** The export shapes of the package's roots (used at build time). */
  describe(): ExportShape[] {
    return this.settle(this.enter((guest) => guest.describe())) as ExportShape[];
  }

  private enter(use: (guest: GuestExports) => string): string {
    const guest = this.current();
    try {
      return use(guest);
    } catch (error) {
      // A trap poisons the instance for good: drop it so the next call starts fresh.
      this.instance = undefined;
      throw new IsolateTrapError(this.manifest.name, error);
    }
  }

  private settle(reply: string): unknown {
    if (reply[0] === '0') return reply.length === 1 ? undefined : decode(reply.slice(1));
    throw toHostError(decode(reply.slice(1)), this.manifest.name);
  }
}

function toHostError(value: unknown, packageName: string): Error {
  const error = value instanceof Error ? value : rebuildError(value);
  const fields = error as Error & { code?: unknown; capability?: unknown; target?: unknown };
  if (fields.code === 'ERR_CAPABILITY_DENIED') {
    const denied = new CapabilityDeniedError(error.message, packageName, String(fields.capability), String(fields.target));
    denied.stack = error.stack;
    return denied;
  }
  return error;
}
