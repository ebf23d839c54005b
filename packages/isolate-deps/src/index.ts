/** The programmatic API of isolate-deps. The plugins live at isolate-deps/esbuild; the runtime at isolate-deps/runtime. */
export { DEFAULT_POLICY_FILE, loadPolicy, parsePolicy, PolicyError, type Policy, type PackagePolicy, type Grant } from '@isolate-deps/policy';
export { bundleGuest, compilePackage, GuestImportError, worldFor, type CompiledPackage } from '@isolate-deps/compiler';
/** The options of both plugins (isolate-deps/esbuild and isolate-deps/vite). */
export type { IsolationOptions } from '@isolate-deps/plugin-core';
export { CapabilityDeniedError, IsolateTrapError, onViolation, setViolationLogging, type Violation } from '@isolate-deps/runtime';
