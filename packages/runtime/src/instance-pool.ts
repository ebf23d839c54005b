import type { GuestExports } from './isolated-package.ts';

/** One live instance of a component, in this thread or in a worker. */
export interface Slot {
  id: number;
  guest: GuestExports;
  busy: boolean;
  /** Current size of the instance's linear memory, for telling an out-of-memory trap apart. */
  memoryBytes(): number;
  dispose(reason: string): void;
}

export class IsolateReentrancyError extends Error {
  readonly code = 'ERR_ISOLATE_REENTRANT';
  constructor(packageName: string) {
    super(
      `isolate-deps: "${packageName}" was called again while a call into it is still running: host code that the package called ` +
        `(a callback such as next(), or a method of a live host object such as res.end()) called back into it, and a component instance ` +
        `cannot be re-entered. Respond asynchronously (after an await or setImmediate), so the host code runs after the package's call ` +
        `has returned; "instance": "pool" serves a new call of the package's exports from another instance, but never a function ` +
        `the package created (such as one it stored on res), which belongs to its own instance (see docs/live-host-objects.md)`,
    );
    this.name = 'IsolateReentrancyError';
  }
}

/**
 * Hands out instances by the policy's mode:
 * - shared: one instance, created on first use, kept until it fails;
 * - per-call: a fresh instance for every call, disposed right after (no state survives);
 * - pool: up to `size` instances; a call takes one that is not in use.
 */
export class InstancePool {
  private slots: Slot[] = [];
  private next = 0;

  constructor(
    private readonly packageName: string,
    private readonly mode: 'shared' | 'per-call' | 'pool',
    private readonly size: number,
    private readonly create: () => Slot,
  ) {}

  acquire(): Slot {
    if (this.mode === 'per-call') return this.mark(this.create());
    const limit = this.mode === 'pool' ? this.size : 1;
    // Fill the pool before reusing, then take turns (skipping instances that are busy).
    if (this.slots.length < limit && this.slots.every((s) => s.busy || this.mode === 'pool')) {
      const slot = this.create();
      this.slots.push(slot);
      return this.mark(slot);
    }
    for (let tried = 0; tried < this.slots.length; tried++) {
      const slot = this.slots[(this.next + tried) % this.slots.length]!;
      if (!slot.busy) {
        this.next = (this.next + tried + 1) % Math.max(1, this.slots.length);
        return this.mark(slot);
      }
    }
    if (this.slots.length < limit) {
      const slot = this.create();
      this.slots.push(slot);
      return this.mark(slot);
    }
    throw new IsolateReentrancyError(this.packageName);
  }

  release(slot: Slot): void {
    slot.busy = false;
    if (this.mode === 'per-call') slot.dispose('per-call');
  }

  /** Drops a failed instance; the next call gets a fresh one. */
  discard(slot: Slot, reason: string): void {
    slot.busy = false;
    this.slots = this.slots.filter((s) => s !== slot);
    slot.dispose(reason);
  }

  private mark(slot: Slot): Slot {
    slot.busy = true;
    return slot;
  }
}
