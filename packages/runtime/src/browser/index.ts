import type { ExportShape } from '@isolate-deps/boundary';
import type { Grant } from '@isolate-deps/policy';
import type { ExecutionPolicy } from '../execution-policy.ts';
import { facadeOf } from '../facade.ts';
import { IsolatedPackage, type Instantiate } from '../isolated-package.ts';
import { CoreInstances } from './core-instances.ts';

export { CapabilityDeniedError, IsolateCircuitOpenError, IsolateTrapError } from '../errors.ts';
export { onViolation, setViolationLogging, type Violation, type ViolationHandler } from '../violations.ts';
export { IsolateNotReadyError } from './core-instances.ts';

/** What the vite plugin's generated module passes for one isolated package. */
export interface BrowserPackageManifest {
  name: string;
  version: string;
  grant: Grant;
  policyFile: string;
  execution?: ExecutionPolicy;
  instantiate: Instantiate;
  /** Core wasm file name → URL the page fetches it from. */
  coreUrls: Record<string, string>;
}

/**
 * Used by generated code through a top-level await: compiles the component and prepares its instance
 * asynchronously (browsers refuse to do either synchronously for large modules), so that afterwards
 * every call stays synchronous, as in the original package.
 */
export async function loadIsolatedPackage(manifest: BrowserPackageManifest, shapes: ExportShape[]): Promise<unknown[]> {
  const core = await CoreInstances.load(manifest.name, manifest.coreUrls);
  const pkg = new IsolatedPackage({
    name: manifest.name,
    version: manifest.version,
    grant: manifest.grant,
    policyFile: manifest.policyFile,
    execution: manifest.execution,
    root: '/',
    componentDir: '',
    // The runtime's imports (with its observers) are kept; the core modules and instances come from the page.
    instantiate: (_getCoreModule, imports) => manifest.instantiate((file) => core.coreModule(file), imports, (module, importObject) => core.instantiateCore(module, importObject as Record<string, Record<string, unknown>>)),
  });
  return shapes.map((shape, index) => facadeOf(pkg, index, shape));
}
