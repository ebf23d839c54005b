import type { ExportShape } from '@isolate-deps/boundary';
import { compileAhead } from './core-modules.ts';
import { facadeOf } from './facade.ts';
import { IsolatedPackage, type PackageManifest } from './isolated-package.ts';

export { BoundaryDecodeError, BoundaryLimitError, type ExportShape } from '@isolate-deps/boundary';
export { IsolateHandleExpiredError } from './boundary-session.ts';
export { boundaryStats, type BoundaryStats } from './boundary-stats.ts';
export { CapabilityDeniedError, IsolateTerminatedError, IsolateCircuitOpenError, IsolateMemoryLimitError, IsolateTimeoutError, IsolateTrapError } from './errors.ts';
export { emitEvent, flushTrace, onEvent, type CallEvent, type CapabilityEvent, type DenialEvent, type EventHandler, type InstanceEvent, type IsolateEvent } from './events.ts';
export { DEFAULT_EXECUTION, executionPolicyOf, type CircuitBreakerPolicy, type ExecutionPolicy } from './execution-policy.ts';
export { IsolateReentrancyError } from './instance-pool.ts';
export { capMemory } from './memory-cap.ts';
export { snapshotMemory } from './memory-snapshot.ts';
// For the compiler, which rewrites the modules it builds (engine-identity.ts).
export { concat, section, sections, writeU32 } from './wasm-binary.ts';
export { ENGINE_SECTION, engineIdOf } from './engine-id.ts';
export { ENGINES_DIR, IMAGE_SUFFIX, packCore } from './packed-core.ts';
export { GUEST_CWD } from './fs-provider.ts';
export { createHostImports, type BindingContext } from './host-bindings.ts';
export { IsolatedPackage, type GuestExports, type Instantiate, type PackageManifest } from './isolated-package.ts';
export { onViolation, setViolationLogging, type Violation, type ViolationHandler } from './violations.ts';

/** Used by generated code: one isolated package and the host-side value of each of its root modules. */
export function defineIsolatedPackage(manifest: PackageManifest, shapes: ExportShape[]): unknown[] {
  const pkg = new IsolatedPackage(manifest);
  const execution = manifest.execution;
  // The first call should find the engine compiled: start now, in the background (a worker compiles its own).
  if (execution?.thread !== 'worker') compileAhead(manifest.componentDir, execution?.limits.memoryMb, execution?.instance ?? 'shared');
  return shapes.map((shape, index) => facadeOf(pkg, index, shape));
}
