export { sandboxSupport, type SandboxSupport } from './availability.ts';
export { SandboxUnavailableError } from './errors.ts';
export { runSandboxed } from './run-sandboxed.ts';
export { runScripts, type ScriptsOptions, type ScriptsReport, type ScriptRun, type SkippedScript } from './run-scripts.ts';
export { DEFAULT_LIMITS, type LimitsVia, type SandboxLimits, type SandboxOptions, type SandboxResult, type Violation } from './types.ts';
