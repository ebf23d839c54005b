import type { PackagePolicy, ViolationMode } from '@isolate-deps/policy';

/** How a package's instances are run: the policy's `instance`, `limits` and failure handling. */
export interface ExecutionPolicy {
  instance: 'shared' | 'per-call' | 'pool';
  poolSize: number;
  /** Where instances run: the calling thread (callbacks and handles work) or one worker thread each (needs limits.timeoutMs). */
  thread: 'caller' | 'worker';
  limits: { memoryMb?: number; timeoutMs?: number };
  circuitBreaker: CircuitBreakerPolicy;
  /** What a refused attempt does: throw in the guest (default), log only, or terminate the package. */
  onViolation?: ViolationMode;
}

export interface CircuitBreakerPolicy {
  /** Failures (traps, timeouts, memory limits) within `windowMs` that open the breaker. */
  failures: number;
  windowMs: number;
  /** How long calls fail fast before one trial call is let through. */
  cooldownMs: number;
}

export const DEFAULT_CIRCUIT_BREAKER: CircuitBreakerPolicy = { failures: 5, windowMs: 10_000, cooldownMs: 5_000 };
export const DEFAULT_EXECUTION: ExecutionPolicy = { instance: 'shared', poolSize: 1, thread: 'caller', limits: {}, circuitBreaker: DEFAULT_CIRCUIT_BREAKER };

/** The execution part of a validated policy entry (defaults filled in). */
export function executionPolicyOf(entry: PackagePolicy): ExecutionPolicy {
  const breaker = (entry.raw.circuitBreaker ?? {}) as Partial<CircuitBreakerPolicy>;
  return {
    instance: entry.instance,
    poolSize: entry.instance === 'pool' ? entry.poolSize : 1,
    thread: entry.thread,
    limits: { ...entry.limits },
    circuitBreaker: { ...DEFAULT_CIRCUIT_BREAKER, ...breaker },
    onViolation: entry.onViolation,
  };
}
