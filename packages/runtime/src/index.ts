import type { ExportShape } from '@isolate-deps/boundary';
import { facadeOf } from './facade.ts';
import { IsolatedPackage, type PackageManifest } from './isolated-package.ts';

export { BoundaryDecodeError } from '@isolate-deps/boundary';
export { CapabilityDeniedError, IsolateTrapError } from './errors.ts';
export { GUEST_CWD } from './fs-provider.ts';
export { createHostImports, type BindingContext } from './host-bindings.ts';
export { IsolatedPackage, type GuestExports, type Instantiate, type PackageManifest } from './isolated-package.ts';
export { onViolation, setViolationLogging, type Violation, type ViolationHandler } from './violations.ts';

/** Used by generated code: one isolated package and the host-side value of each of its root modules. */
export function defineIsolatedPackage(manifest: PackageManifest, shapes: ExportShape[]): unknown[] {
  const pkg = new IsolatedPackage(manifest);
  return shapes.map((shape, index) => facadeOf(pkg, index, shape));
}
