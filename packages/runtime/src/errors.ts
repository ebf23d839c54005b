import { bareOrQuoted, quoted } from './terminal-text.ts';

/** Thrown (inside the guest, and rethrown on the host) when the policy refuses an isolated package something. */
export class CapabilityDeniedError extends Error {
  readonly code = 'ERR_CAPABILITY_DENIED';
  readonly package: string;
  constructor(
    message: string,
    packageName: string,
    readonly capability: string,
    readonly target: string,
  ) {
    super(message);
    this.name = 'CapabilityDeniedError';
    this.package = packageName;
  }
}

/** The package broke its policy under `"onViolation": "terminate"`: its instance was discarded for good. */
export class IsolateTerminatedError extends Error {
  readonly code = 'ERR_ISOLATE_TERMINATED';
  constructor(readonly packageName: string, readonly violation: { capability: string; target: string }) {
    super(`isolate-deps: "${packageName}" was terminated after a denied ${bareOrQuoted(violation.capability)} attempt (${quoted(violation.target)}) under "onViolation": "terminate"; every later call fails`);
    this.name = 'IsolateTerminatedError';
  }
}

/** The component trapped (unreachable, stack overflow, out of memory): its instance is discarded. */
export class IsolateTrapError extends Error {
  readonly code = 'ERR_ISOLATE_TRAP';
  constructor(readonly packageName: string, cause: unknown) {
    super(`isolate-deps: "${packageName}" trapped (${cause instanceof Error ? cause.message : String(cause)}); its instance was discarded and the next call gets a fresh one`, { cause });
    this.name = 'IsolateTrapError';
  }
}

/** Node-shaped error payload for the guest (fs errors carry code/syscall/path like Node's). */
export function nodeErrorPayload(code: string, syscall: string, guestPath: string, detail: string): string {
  return JSON.stringify({ code, syscall, path: guestPath, message: `${code}: ${detail}, ${syscall} '${guestPath}'` });
}

/** A call ran past the package's `limits.timeoutMs`: its worker was terminated. */
export class IsolateTimeoutError extends Error {
  readonly code = 'ERR_ISOLATE_TIMEOUT';
  constructor(readonly packageName: string, readonly timeoutMs: number) {
    super(`isolate-deps: a call into "${packageName}" ran longer than its ${timeoutMs} ms limit; its instance was terminated and the next call gets a fresh one`);
    this.name = 'IsolateTimeoutError';
  }
}

/** The instance tried to grow its memory past `limits.memoryMb`: it was discarded. */
export class IsolateMemoryLimitError extends Error {
  readonly code = 'ERR_ISOLATE_MEMORY_LIMIT';
  constructor(readonly packageName: string, readonly memoryMb: number, cause?: unknown) {
    super(`isolate-deps: "${packageName}" ran out of its ${memoryMb} MB memory limit; its instance was discarded and the next call gets a fresh one`, { cause });
    this.name = 'IsolateMemoryLimitError';
  }
}

/** Too many recent failures: calls fail fast until the breaker's cool-down has passed. */
export class IsolateCircuitOpenError extends Error {
  readonly code = 'ERR_ISOLATE_CIRCUIT_OPEN';
  constructor(readonly packageName: string, readonly retryInMs: number) {
    super(`isolate-deps: calls into "${packageName}" are suspended after repeated failures; retrying in ${retryInMs} ms`);
    this.name = 'IsolateCircuitOpenError';
  }
}
