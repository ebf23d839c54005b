import { IsolateCircuitOpenError } from './errors.ts';
import type { CircuitBreakerPolicy } from './execution-policy.ts';

/**
 * Opens after `failures` failures within `windowMs`; while open, calls fail fast. After `cooldownMs`
 * one trial call goes through (half-open): success closes the breaker, failure opens it again.
 */
export class CircuitBreaker {
  private failureTimes: number[] = [];
  private openedAt: number | undefined;

  constructor(private readonly packageName: string, private readonly policy: CircuitBreakerPolicy, private readonly now: () => number = Date.now) {}

  get state(): 'closed' | 'open' | 'half-open' {
    if (this.openedAt === undefined) return 'closed';
    return this.now() - this.openedAt >= this.policy.cooldownMs ? 'half-open' : 'open';
  }

  /** Throws IsolateCircuitOpenError while open. */
  check(): void {
    if (this.state === 'open') throw new IsolateCircuitOpenError(this.packageName, this.policy.cooldownMs - (this.now() - this.openedAt!));
  }

  success(): void {
    if (this.openedAt !== undefined) {
      this.openedAt = undefined;
      this.failureTimes = [];
    }
  }

  /** Returns true when this failure opened the breaker. */
  failure(): boolean {
    const now = this.now();
    if (this.state === 'half-open') {
      this.openedAt = now;
      return true;
    }
    this.failureTimes = this.failureTimes.filter((t) => now - t < this.policy.windowMs);
    this.failureTimes.push(now);
    if (this.failureTimes.length >= this.policy.failures && this.openedAt === undefined) {
      this.openedAt = now;
      return true;
    }
    return false;
  }
}
